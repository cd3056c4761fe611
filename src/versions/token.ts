import type { VersionFileSpec } from '../config/model.js';

/**
 * A version file's content is wrong in a way the user must fix (invalid JSON, a
 * key set twice, a pattern that runs too long): reported as an E_CONFIG issue
 * naming the file, never as an internal error.
 */
export class VersionFormatError extends Error {}

/** Where a version sits in a file: replacing content[start, end) rewrites it and nothing else. */
export interface VersionToken {
  start: number;
  end: number;
  value: string;
  /** What this token is, for messages: `version`, `appVersion`, `packages[""].version`. */
  label: string;
}

/**
 * A version file format. `locate` is pure: it finds the tokens in the text, and
 * writing is replacing those spans (see replaceTokens), so every other byte of
 * the file stays as it was.
 */
export interface VersionFormat {
  /** Returns every version token, or an empty list when the file holds none. */
  locate(content: string, spec: VersionFileSpec): VersionToken[];
  /** How to describe what was looked for, when nothing was found. */
  expected(spec: VersionFileSpec): string;
}

export function replaceTokens(content: string, tokens: readonly VersionToken[], version: string): string {
  let out = content;
  for (const t of [...tokens].sort((a, b) => b.start - a.start)) {
    out = out.slice(0, t.start) + version + out.slice(t.end);
  }
  return out;
}

/** Token for the value captured by group 1 of a regex match made with the `d` flag. */
export function tokenFromGroup(match: RegExpExecArray, group: number | string, label: string, offset = 0): VersionToken {
  const indices = typeof group === 'number' ? match.indices?.[group] : match.indices?.groups?.[group];
  if (!indices) throw new Error(`regex group ${group} did not take part in the match`);
  return { start: offset + indices[0], end: offset + indices[1], value: match[0].slice(indices[0] - match.index, indices[1] - match.index), label };
}
