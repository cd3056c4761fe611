/**
 * Checks on lanes.yaml values that a schema regex cannot express well (tag
 * templates are checked by git/tag-template.ts's tagTemplateProblem).
 */

/** Longest `pattern:` accepted: a version pattern is a line or two, never a program. */
export const MAX_PATTERN_LENGTH = 500;

/**
 * A repetition applied to something that itself repeats — `(a+)+`, `(\d+\.)*`,
 * `(x{1,9}){2,}` — is what makes a backtracking regex engine take exponential
 * time on a line that almost matches. Returns a description of the first such
 * construct, or undefined.
 */
export function nestedQuantifier(pattern: string): string | undefined {
  interface Group { start: number; repeats: boolean }
  const stack: Group[] = [{ start: 0, repeats: false }];
  let i = 0;
  /** The group that just closed, so a quantifier right after it applies to it. */
  let closed: Group | undefined;
  const quantifierAt = (at: number): { length: number; repeats: boolean } | undefined => {
    const ch = pattern[at];
    let length = 0;
    let repeats = false;
    if (ch === '*' || ch === '+') [length, repeats] = [1, true];
    else if (ch === '?') [length, repeats] = [1, false];
    else if (ch === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(at));
      if (!m) return undefined;
      length = m[0].length;
      repeats = m[2] !== undefined ? m[3] === '' || Number(m[3]) > 1 : Number(m[1]) > 1;
    } else return undefined;
    if (pattern[at + length] === '?' || pattern[at + length] === '+') length++;
    return { length, repeats };
  };
  while (i < pattern.length) {
    const ch = pattern[i]!;
    if (ch === '\\') {
      i += 2;
      closed = undefined;
    } else if (ch === '[') {
      i++;
      if (pattern[i] === '^') i++;
      if (pattern[i] === ']') i++;
      while (i < pattern.length && pattern[i] !== ']') i += pattern[i] === '\\' ? 2 : 1;
      i++;
      closed = undefined;
    } else if (ch === '(') {
      stack.push({ start: i, repeats: false });
      i++;
      closed = undefined;
    } else if (ch === ')') {
      closed = stack.length > 1 ? stack.pop() : undefined;
      i++;
      if (closed && !quantifierAt(i) && closed.repeats) stack.at(-1)!.repeats = true;
      continue;
    } else {
      const q = quantifierAt(i);
      if (q) {
        if (q.repeats && closed?.repeats) {
          return `the group at offset ${closed.start} repeats something that itself repeats ("${pattern.slice(closed.start, i + q.length)}"), which can take exponential time on a near-match`;
        }
        if (q.repeats || closed?.repeats) stack.at(-1)!.repeats = true;
        i += q.length;
      } else i++;
      closed = undefined;
    }
  }
  return undefined;
}
