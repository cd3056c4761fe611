import { laneGuardrails } from '../guardrails/lane-guardrails.js';
import { workspaceFindings } from '../guardrails/workspace-findings.js';
import type { Workspace } from '../workspace/workspace.js';
import { buildImageStep } from './build-steps.js';
import type { PlanOptions } from './options.js';
import { selectComponents } from './select.js';
import type { Plan } from './types.js';

/**
 * build-all-local: every image component built into the local image store as
 * `<name>:latest` and `<name>:<version>`. Nothing is pushed, no version written.
 */
export function planLocalBuild(ws: Workspace, opts: PlanOptions = {}): Plan {
  const selected = selectComponents(ws.config, opts);
  const plan: Plan = { schemaVersion: 1, lane: 'local', project: ws.config.project, commit: ws.repo.head, components: [], skipped: [], steps: [], findings: [] };
  for (const c of selected) {
    const version = ws.versions.get(c.name)?.version;
    if (c.external) {
      plan.skipped.push({ component: c.name, reason: `external image ${c.external.image}: pulled, never built` });
      continue;
    }
    if (!c.image || !version) {
      plan.skipped.push({ component: c.name, reason: 'no image to build' });
      continue;
    }
    const tags = [`${c.image.name}:latest`, `${c.image.name}:${version}`];
    plan.components.push({ name: c.name, version, images: tags });
    plan.steps.push(buildImageStep(ws, c, version, tags, opts));
  }
  plan.findings = [...workspaceFindings(ws, selected), ...laneGuardrails(ws, plan, opts)];
  return plan;
}
