import { VersionFormatError } from './token.js';

/**
 * Finds string values in JSON text by their path, with their byte offsets, so
 * a version inside package.json can be replaced without re-serialising the
 * file (which would change its indentation, key order or trailing newline).
 */

export interface JsonStringSpan {
  path: string[];
  start: number;
  end: number;
  value: string;
}

export class JsonSyntaxError extends VersionFormatError {}

/** Deepest nesting read; package.json files are a few levels deep. */
const MAX_DEPTH = 256;

/** Returns the span (inside the quotes) of the string at `path`, or undefined when absent or not a string. */
export function findJsonString(text: string, path: readonly string[]): JsonStringSpan | undefined {
  let found: JsonStringSpan | undefined;
  // A byte-order mark is not JSON, but editors on Windows write one.
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const fail = (what: string): never => {
    const line = text.slice(0, i).split('\n').length;
    throw new JsonSyntaxError(`invalid JSON at line ${line}: ${what}`);
  };
  const ws = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const str = (): { start: number; end: number; value: string } => {
    if (text[i] !== '"') fail('expected a string');
    const start = ++i;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    if (i >= text.length) fail('unterminated string');
    const end = i++;
    let value: string;
    try {
      value = JSON.parse(text.slice(start - 1, end + 1)) as string;
    } catch {
      return fail('invalid string (a bad escape or a raw control character)');
    }
    return { start, end, value };
  };
  const lineAt = (offset: number) => text.slice(0, offset).split('\n').length;
  /** `at` is an ancestor of the wanted path: a key set twice here decides which value is read. */
  const onPath = (at: string[]) => at.length < path.length && at.every((k, n) => k === path[n]);
  const value = (at: string[]): void => {
    // Recursion per nesting level: bound it, so "[[[[…" is an error and not a stack overflow.
    if (at.length > MAX_DEPTH) fail(`nested more than ${MAX_DEPTH} levels deep`);
    ws();
    const ch = text[i];
    if (ch === '{') {
      i++;
      ws();
      if (text[i] === '}') return void i++;
      const seen = new Map<string, number>();
      for (;;) {
        ws();
        const keyAt = i;
        const key = str().value;
        if (onPath(at) && key === path[at.length]) {
          const first = seen.get(key);
          if (first !== undefined) {
            throw new JsonSyntaxError(`"${[...at, key].join('.')}" is set twice (lines ${lineAt(first)} and ${lineAt(keyAt)}): node and npm take the last, so lanes will not guess; remove one`);
          }
          seen.set(key, keyAt);
        }
        ws();
        if (text[i++] !== ':') fail('expected ":"');
        value([...at, key]);
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === '}') return void i++;
        fail('expected "," or "}"');
      }
    } else if (ch === '[') {
      i++;
      ws();
      if (text[i] === ']') return void i++;
      for (let n = 0; ; n++) {
        value([...at, String(n)]);
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === ']') return void i++;
        fail('expected "," or "]"');
      }
    } else if (ch === '"') {
      const s = str();
      if (!found && at.length === path.length && at.every((k, n) => k === path[n])) found = { path: at, ...s };
    } else {
      const m = /^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 64));
      if (!m) fail('unexpected character');
      i += m![0].length;
    }
  };
  value([]);
  ws();
  if (i < text.length) fail('unexpected content after the end');
  return found;
}
