/** A change to one file, staged in memory: the writer (apply-edits.ts) owns the disk. */
export interface FileEdit {
  /** Relative to the monorepo root. */
  path: string;
  before: string;
  after: string;
}

/** A minimal line diff of an edit: only the lines that changed, with their numbers. */
export function renderEditDiff(edit: FileEdit): string {
  const a = edit.before.split('\n');
  const b = edit.after.split('\n');
  const out = [`--- a/${edit.path}`, `+++ b/${edit.path}`];
  // Version edits never add or remove lines, so comparing line by line is exact.
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) {
      out.push(`@@ line ${i + 1} @@`);
      if (a[i] !== undefined) out.push(`-${a[i]}`);
      if (b[i] !== undefined) out.push(`+${b[i]}`);
    }
  }
  return out.join('\n');
}
