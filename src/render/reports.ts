import type { BumpReport } from '../commands/bump.js';
import type { CheckReport } from '../commands/check.js';
import type { LaneReport } from '../commands/run-lane.js';
import type { Plan } from '../plan/types.js';
import type { Status } from '../status/build-status.js';
import { renderBump, renderCheckSummary, renderFindings, renderPlan, renderStatus, renderSummary } from './text.js';

/**
 * Each command's report as the user gets it: text, or one JSON document
 * (`--json`). The CLI prints these and the Dagger functions return them, so
 * both adapters give the same answer for the same report.
 */

const asJson = (value: unknown) => JSON.stringify(value, null, 2);

export function renderStatusReport(status: Status, json: boolean): string {
  return json ? asJson(status) : renderStatus(status);
}

export function renderPlanReport(plan: Plan, json: boolean): string {
  return json ? asJson(plan) : renderPlan(plan);
}

export function renderCheckReport(report: CheckReport, json: boolean): string {
  return json ? asJson(report) : `${renderFindings(report.findings)}\n\n${renderCheckSummary(report.lane, report.findings)}`;
}

export function renderBumpReport(report: BumpReport, json: boolean): string {
  if (json) return asJson({ dryRun: report.dryRun, bumps: report.bumps.map((b) => ({ ...b, edits: b.edits.map((e) => ({ path: e.path })) })) });
  if (report.bumps.length === 0) return 'every component changed since its last release already has a new version: nothing to bump';
  return report.bumps.map((b) => renderBump(b, report.dryRun)).join('\n');
}

/** A lane's outcome: the plan alone for a dry run or a blocked lane, else the summary of every step. */
export function renderLaneReport(report: LaneReport, json: boolean, manifests: readonly string[] = []): string {
  if (json) {
    const { blocked: _blocked, ...rest } = report;
    return asJson(report.dryRun || report.blocked ? { ok: report.ok, dryRun: report.dryRun, plan: report.plan, ...(manifests.length ? { manifests } : {}) } : rest);
  }
  if (report.dryRun || report.blocked) return [renderPlan(report.plan), ...manifests.map((m) => `rendered ${m}`)].join('\n');
  return renderSummary(report.results);
}
