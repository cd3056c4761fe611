import type { PlanOptions } from '../plan/options.js';
import type { Plan } from '../plan/types.js';
import type { Workspace } from '../workspace/workspace.js';
import type { Finding } from './finding.js';
import { multiPlatformFindings } from './multi-platform.js';
import { refCollisionFindings } from './ref-collisions.js';

/**
 * Guardrails that depend on the lane and its finished plan rather than on one
 * component: references that collide where this lane writes them, and images
 * the executor cannot build. Every planner adds them to its findings.
 */
export function laneGuardrails(ws: Workspace, plan: Plan, opts: PlanOptions): Finding[] {
  return [...refCollisionFindings(ws.config, plan.lane), ...multiPlatformFindings(plan, opts.executor)];
}
