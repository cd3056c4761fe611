import { parseDocument } from 'yaml';

/**
 * Chart.yaml with extra annotations, for the copy that gets packaged (the
 * source chart is never modified). Helm carries annotations into the OCI
 * config, where a later run can read which commit published the chart.
 */
export function annotateChartYaml(content: string, annotations: Record<string, string>): string {
  if (Object.keys(annotations).length === 0) return content;
  const doc = parseDocument(content);
  for (const [k, v] of Object.entries(annotations)) doc.setIn(['annotations', k], v);
  return doc.toString();
}
