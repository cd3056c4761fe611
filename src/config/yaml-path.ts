import { LineCounter, isNode, type Document } from 'yaml';

export type PathKey = string | number;

/** `components[2].version.file` from ['components', 2, 'version', 'file']. */
export function formatYamlPath(path: readonly PathKey[]): string {
  return path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${key}` : key), '');
}

/**
 * The 1-based line of the node at `path`, or of its closest ancestor that
 * exists (an error about a missing key points at the object that lacks it).
 */
export function lineOf(doc: Document, counter: LineCounter, path: readonly PathKey[]): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n), true);
    if (isNode(node) && node.range) return counter.linePos(node.range[0]).line;
  }
  return undefined;
}
