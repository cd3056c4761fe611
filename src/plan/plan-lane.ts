import { applyStrict } from '../guardrails/finding.js';
import { secretBuildArgs } from '../guardrails/secret-build-args.js';
import type { Workspace } from '../workspace/workspace.js';
import { planComposeDown, planComposeUp, type ComposeOptions } from './compose.js';
import { planDeployLocal, type DeployLocalOptions } from './deploy-local.js';
import { planDev } from './dev.js';
import { requireTag } from './fact-request.js';
import type { LaneFacts } from './lane-facts.js';
import { planLocalBuild } from './local.js';
import { planRelease, type ReleaseOptions } from './release.js';
import { releaseHostFindings } from './release-host.js';
import { composePreflight } from '../guardrails/compose-preflight.js';
import type { Lane, Plan } from './types.js';

/** Every option any lane's planner takes. */
export interface LaneOptions extends ComposeOptions, DeployLocalOptions, Partial<ReleaseOptions> {}

/**
 * The plan of a lane: pure, from the workspace and the facts gathered for it
 * (see factRequest). Adds the findings every lane shares, and applies --strict.
 */
export function planLane(ws: Workspace, lane: Lane, opts: LaneOptions, facts: LaneFacts): Plan {
  const plan = planFor(ws, lane, opts, facts);
  plan.findings = applyStrict([...plan.findings, ...secretBuildArgs(plan)], !!opts.strict);
  return plan;
}

function planFor(ws: Workspace, lane: Lane, opts: LaneOptions, facts: LaneFacts): Plan {
  switch (lane) {
    case 'local':
      return planLocalBuild(ws, opts);
    case 'deploy-local':
      return planDeployLocal(ws, opts);
    case 'compose-up-local': {
      const plan = planComposeUp(ws, opts);
      if (facts.compose) plan.findings.push(...composePreflight(ws.config, plan, facts.compose));
      return plan;
    }
    case 'compose-down-local':
      return planComposeDown(ws, opts);
    case 'dev':
      return planDev(ws, opts, facts.published);
    case 'release': {
      const tag = requireTag(opts);
      const plan = planRelease(ws, { ...opts, tag }, facts);
      plan.findings.push(...releaseHostFindings(facts.releaseHosts ?? [], tag, !!ws.repo.head && facts.remoteTags.get(tag) === ws.repo.head));
      return plan;
    }
  }
}
