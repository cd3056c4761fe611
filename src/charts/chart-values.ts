import { Document, parseDocument } from 'yaml';
import type { Component } from '../config/model.js';

/**
 * values.yaml with the given key paths set (`image.repository` -> image:
 * repository:), for the copy of a chart that gets packaged: a chart pushed by
 * the dev or release lane must run the image that lane pushed, not whatever
 * the source values.yaml names. Comments and every other value stay as they were.
 */
export function setChartValues(valuesYaml: string, values: Record<string, string>): string {
  if (Object.keys(values).length === 0) return valuesYaml;
  // An empty values.yaml parses to no contents: start from an empty (block) map.
  const doc = valuesYaml.trim() ? parseDocument(valuesYaml) : new Document({});
  for (const [path, value] of Object.entries(values)) doc.setIn(path.split('.'), value);
  return doc.toString();
}

/** The values a published chart needs to name its own image: the lane's repository and tag, at the chart's key paths. */
export function chartImageValues(component: Component, repository: string, tag: string): Record<string, string> {
  if (!component.image || !component.chart) return {};
  return { [component.chart.values.repository]: repository, [component.chart.values.tag]: tag };
}
