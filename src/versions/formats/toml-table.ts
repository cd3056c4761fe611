import { VersionFormatError, type VersionToken } from '../token.js';

/**
 * Finds `version = "…"` directly inside one of the given TOML tables. A line
 * scanner rather than a TOML parser, because a parser would not give offsets
 * and re-serialising would lose the file's layout.
 */
export function locateTomlVersion(content: string, tables: readonly string[]): VersionToken[] {
  const tokens: VersionToken[] = [];
  let table = '';
  const lineRe = /^[^\r\n]*/gm;
  for (const m of content.matchAll(lineRe)) {
    const line = m[0];
    const header = /^\s*\[([^\[\]]+)\]\s*(#.*)?$/.exec(line);
    if (header) {
      table = header[1]!.trim();
      continue;
    }
    if (/^\s*\[\[/.test(line)) {
      table = '';
      continue;
    }
    if (!tables.includes(table)) continue;
    const kv = /^\s*version\s*=\s*(["'])([^"'\r\n]*)\1/d.exec(line);
    if (kv) {
      const twice = tokens.find((t) => t.label === `[${table}] version`);
      if (twice) {
        const line = (at: number) => content.slice(0, at).split('\n').length;
        throw new VersionFormatError(`[${table}] sets version twice (lines ${line(twice.start)} and ${line(m.index!)}), which is not valid TOML; keep one`);
      }
      const [s, e] = kv.indices![2]!;
      tokens.push({ start: m.index! + s, end: m.index! + e, value: kv[2]!, label: `[${table}] version` });
    }
  }
  return tokens;
}
