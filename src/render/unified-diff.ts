import type { FileEdit } from '../versions/file-edit.js';

const CONTEXT = 3;

/** The lines of a text, each with its own ending ('\n' or '\r\n' kept), and whether the last one has none. */
function linesOf(text: string): { lines: string[]; noFinalNewline: boolean } {
  const lines = text.split(/(?<=\n)/);
  return { lines, noFinalNewline: lines.length > 0 && !lines.at(-1)!.endsWith('\n') };
}

/**
 * An edit as a git-style unified diff (`diff --git`, hunks with three lines of
 * context), so `lanes bump --dry-run | git apply` makes exactly the change bump
 * would. Version edits change tokens inside lines, never the number of lines,
 * so line i of the old text is line i of the new one.
 */
export function unifiedDiff(edit: FileEdit): string {
  const a = linesOf(edit.before);
  const b = linesOf(edit.after);
  const count = Math.max(a.lines.length, b.lines.length);
  const changed = [...Array(count).keys()].filter((i) => a.lines[i] !== b.lines[i]);
  if (changed.length === 0) return '';
  // Hunks: changed lines with their context, merged when the contexts touch.
  const hunks: { start: number; end: number }[] = [];
  for (const i of changed) {
    const start = Math.max(0, i - CONTEXT);
    const end = Math.min(count, i + CONTEXT + 1);
    const last = hunks.at(-1);
    if (last && start <= last.end) last.end = end;
    else hunks.push({ start, end });
  }
  const out = [`diff --git a/${edit.path} b/${edit.path}`, `--- a/${edit.path}`, `+++ b/${edit.path}`];
  const line = (mark: string, text: string, noNewline: boolean) => {
    out.push(`${mark}${text.replace(/\n$/, '')}`);
    if (noNewline) out.push('\\ No newline at end of file');
  };
  for (const { start, end } of hunks) {
    const len = end - start;
    out.push(`@@ -${start + 1},${len} +${start + 1},${len} @@`);
    for (let i = start; i < end; i++) {
      const lastA = a.noFinalNewline && i === a.lines.length - 1;
      const lastB = b.noFinalNewline && i === b.lines.length - 1;
      if (a.lines[i] === b.lines[i]) line(' ', a.lines[i]!, lastA);
      else {
        line('-', a.lines[i]!, lastA);
        line('+', b.lines[i]!, lastB);
      }
    }
  }
  return out.join('\n');
}
