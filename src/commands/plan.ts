import { gatherLaneFacts } from '../facts/lane-facts.js';
import { withGitRunner } from '../git/run-git.js';
import { factRequest } from '../plan/fact-request.js';
import { planLane, type LaneOptions } from '../plan/plan-lane.js';
import { secretBuildArgValues } from '../guardrails/secret-build-args.js';
import type { Lane, Plan } from '../plan/types.js';
import { readWorkspace } from '../workspace/read-workspace.js';
import type { Workspace } from '../workspace/workspace.js';
import type { CommandContext } from './context.js';

export type { LaneOptions };

/**
 * `plan <lane>`: read the workspace, gather the facts the lane needs (registry,
 * remote tags, notes), then plan — the plan every other lane command runs.
 */
export function planCommand(ctx: CommandContext, lane: Lane, opts: LaneOptions): Promise<{ plan: Plan; ws: Workspace }> {
  return withGitRunner(ctx.git, async () => {
    const ws = await readWorkspace(ctx.root);
    const facts = await gatherLaneFacts(ws, factRequest(ws, lane, opts), { env: ctx.env, registry: ctx.registry, releaseHosts: ctx.releaseHosts, redactor: ctx.redactor, localImages: ctx.localImages });
    const plan = planLane(ws, lane, opts, facts);
    plan.findings.push(...secretBuildArgValues(plan, ctx.redactor)); // build args holding a secret lanes knows (issue 11)
    return { plan, ws };
  });
}
