import { hasErrors, type Finding } from '../guardrails/finding.js';
import type { Lane } from '../plan/types.js';
import type { CommandContext } from './context.js';
import { planCommand, type LaneOptions } from './plan.js';

export interface CheckReport {
  /** False when any finding is an error (warnings count under --strict). */
  ok: boolean;
  lane: Lane;
  findings: Finding[];
}

/** `check <lane>`: every guardrail of the lane, as findings with codes. */
export async function checkCommand(ctx: CommandContext, lane: Lane, opts: LaneOptions): Promise<CheckReport> {
  const { plan } = await planCommand(ctx, lane, opts);
  return { ok: !hasErrors(plan.findings), lane: plan.lane, findings: plan.findings };
}
