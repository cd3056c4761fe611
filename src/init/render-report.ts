import type { InitReport } from '../commands/init.js';

/**
 * What `lanes init` prints. stdout: the proposed lanes.yaml (--dry-run), one
 * line saying what was written, or the JSON document (--json: config and
 * undecided points). stderr: one line per undecided point, so a user who only
 * glances at the terminal still sees what is left to them.
 */
export function renderInitReport(report: InitReport, json: boolean): string {
  if (json) {
    const { yaml: _yaml, ...rest } = report;
    return JSON.stringify({ ok: true, ...rest }, null, 2);
  }
  if (report.dryRun) return report.yaml.trimEnd();
  const names = report.config.components.map((c) => c.name);
  return `wrote ${report.file}: ${names.length} component${names.length === 1 ? '' : 's'} (${names.join(', ')})${report.undecided.length + report.parked.length ? `, ${report.undecided.length + report.parked.length} point(s) marked UNDECIDED` : ''}; next: lanes check local, lanes status`;
}

/** The undecided points, one line each, for stderr. */
export function initUndecidedLines(report: InitReport): string[] {
  const nameAt = (at: string) => {
    const i = /^components\[(\d+)\]/.exec(at)?.[1];
    return i !== undefined ? report.config.components[Number(i)]?.name ?? at : at;
  };
  return [
    ...report.undecided.map((n) => `init: undecided: ${n.at ? `${nameAt(n.at)}: ` : ''}${n.message}`),
    ...report.parked.map((p) => `init: undecided: ${p.component.name} (written commented out): ${p.reason}`),
  ];
}
