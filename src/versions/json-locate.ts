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

export class JsonSyntaxError extends Error {}

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
    return { start, end, value: JSON.parse(text.slice(start - 1, end + 1)) as string };
  };
  const value = (at: string[]): void => {
    ws();
    const ch = text[i];
    if (ch === '{') {
      i++;
      ws();
      if (text[i] === '}') return void i++;
      for (;;) {
        ws();
        const key = str().value;
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
