import { LineCounter, parseDocument } from 'yaml';
import { readPlainYaml } from '../config/plain-yaml.js';
import { describeAliasError, MAX_ALIAS_COUNT } from '../config/yaml-aliases.js';

/**
 * A Chart.yaml's data, or what is wrong with its YAML in words a chart author
 * acts on. Plain YAML takes the fast reader; anything else — and every error —
 * is the `yaml` package's to judge, as for lanes.yaml.
 */
export function readChartYaml(text: string): { data: unknown } | { problem: string } {
  const plain = readPlainYaml(text);
  if (plain) return { data: plain.value };
  const counter = new LineCounter();
  try {
    const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
    const e = doc.errors[0];
    if (e) {
      const what = e.code === 'DUPLICATE_KEY' ? 'has a duplicate key' : 'is not valid YAML';
      return { problem: `${what} at line ${counter.linePos(e.pos[0]).line}: ${e.message.split('\n')[0]}; fix the chart (helm would refuse it too)` };
    }
    return { data: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) };
  } catch (e) {
    return { problem: `is not valid YAML: ${describeAliasError(e as Error)}` };
  }
}
