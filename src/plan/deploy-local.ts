import { workspaceFindings } from '../guardrails/workspace-findings.js';
import type { Workspace } from '../workspace/workspace.js';
import type { PlanOptions } from './options.js';
import { selectComponents } from './select.js';
import type { Plan } from './types.js';

export interface DeployLocalOptions extends PlanOptions {
  kubeContext?: string;
  namespace?: string;
}

/**
 * deploy-all-local: for each chart, `helm dependency build`, `helm lint`, then
 * `helm upgrade --install` from the local chart directory, pointed at the
 * local image (`<name>:<version>`, pullPolicy Never, so the cluster uses what
 * build-all-local made instead of pulling).
 */
export function planDeployLocal(ws: Workspace, opts: DeployLocalOptions = {}): Plan {
  const selected = selectComponents(ws.config, opts);
  const plan: Plan = { schemaVersion: 1, lane: 'deploy-local', project: ws.config.project, commit: ws.repo.head, components: [], skipped: [], steps: [], findings: [] };
  for (const c of selected) {
    const version = ws.versions.get(c.name)?.version;
    if (!c.chart || !version) {
      plan.skipped.push({ component: c.name, reason: 'no chart' });
      continue;
    }
    const set: Record<string, string> = {};
    if (c.image) {
      set[c.chart.values.repository] = c.image.name;
      set[c.chart.values.tag] = version;
      set[c.chart.values.pullPolicy] = 'Never';
    }
    const dep = `helm-dependency-build:${c.name}`;
    const lint = `helm-lint:${c.name}`;
    plan.components.push({ name: c.name, version, images: c.image ? [`${c.image.name}:${version}`] : [], chart: { name: c.chart.name, version } });
    plan.steps.push(
      { id: dep, needs: [], component: c.name, kind: 'helm-dependency-build', chartPath: c.chart.path },
      { id: lint, needs: [dep], component: c.name, kind: 'helm-lint', chartPath: c.chart.path, set },
      {
        id: `helm-deploy:${c.name}`,
        needs: [lint],
        component: c.name,
        kind: 'helm-deploy',
        release: c.chart.release,
        chartPath: c.chart.path,
        namespace: opts.namespace ?? c.chart.namespace,
        set,
        ...(opts.kubeContext ? { kubeContext: opts.kubeContext } : {}),
      },
    );
  }
  plan.findings = workspaceFindings(ws, selected);
  return plan;
}
