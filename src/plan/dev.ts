import type { Finding } from '../guardrails/finding.js';
import { laneGuardrails } from '../guardrails/lane-guardrails.js';
import { workspaceFindings } from '../guardrails/workspace-findings.js';
import { chartTag, joinRef, joinRepository } from '../registry/image-ref.js';
import type { PublishedFact } from '../registry/published.js';
import type { Workspace } from '../workspace/workspace.js';
import { buildImageStep, packageChartStep } from './build-steps.js';
import { chartImageValues } from '../charts/chart-values.js';
import type { PlanOptions } from './options.js';
import { registryErrors } from './registry-findings.js';
import { selectComponents } from './select.js';
import type { Plan } from './types.js';

/**
 * push-all-dev: build the checked-in versions and push them to the dev
 * registry as `<ns>/<name>:<version>` (mutable: a later push of the same
 * version overwrites it) and `<ns>/<name>:<version>-<sha7>` (immutable: names
 * one commit). Charts go to the dev OCI repo at their checked-in version.
 * `published` holds what the registry already has (empty before the look-up).
 */
export function planDev(ws: Workspace, opts: PlanOptions = {}, published: ReadonlyMap<string, PublishedFact> = new Map()): Plan {
  const selected = selectComponents(ws.config, opts);
  const plan: Plan = { schemaVersion: 1, lane: 'dev', project: ws.config.project, commit: ws.repo.head, components: [], skipped: [], steps: [], findings: [] };
  const findings: Finding[] = [];
  const registry = ws.config.registries.dev;
  if (!registry) findings.push({ code: 'E_NO_REGISTRY', severity: 'error', message: `${ws.config.file} has no registries.dev; add registries: { dev: { images: host/namespace, charts: oci://host/namespace } }` });
  if (!ws.repo.head) findings.push({ code: 'E_NOT_A_REPO', severity: 'error', message: `${ws.config.root} is not a git repository with a commit; the dev lane tags images with the commit (git init && git commit)` });
  if (registry && ws.repo.head) {
    const sha7 = ws.repo.head.slice(0, 7);
    for (const c of selected) {
      const version = ws.versions.get(c.name)?.version;
      if (c.external || !version || (!c.image && !c.chart)) {
        plan.skipped.push({ component: c.name, reason: c.external ? 'external image: never pushed by lanes' : 'nothing to publish' });
        continue;
      }
      const planned = { name: c.name, version, images: [] as string[], chart: undefined as Plan['components'][number]['chart'] };
      if (c.image) {
        const mutable = joinRef(registry.images, c.image.name, version);
        const immutable = joinRef(registry.images, c.image.name, `${version}-${sha7}`);
        planned.images = [mutable, immutable];
        const build = buildImageStep(ws, c, version, planned.images, opts);
        plan.steps.push(build);
        if (published.get(mutable)?.exists) {
          findings.push({ code: 'W_DEV_OVERWRITE', severity: 'warning', component: c.name, version, message: `${mutable} is already in the dev registry and will be overwritten (dev tags are mutable; ${immutable} names this commit)` });
        }
        // One tag after the other: the registry takes the same blobs twice at once badly (HTTP 500 on a racing upload).
        const already = published.get(immutable)?.exists;
        plan.steps.push({ id: `push:${immutable}`, needs: [build.id], component: c.name, kind: 'push-image', ref: immutable, ...(already ? { skip: 'already pushed from this commit' } : {}) });
        plan.steps.push({ id: `push:${mutable}`, needs: [build.id, `push:${immutable}`], component: c.name, kind: 'push-image', ref: mutable });
      }
      if (c.chart) {
        // The chart runs the image this lane pushes, by its immutable tag.
        const pkg = packageChartStep(ws, c, version, opts, [], c.image ? chartImageValues(c, joinRepository(registry.images, c.image.name), `${version}-${sha7}`) : undefined);
        const ref = `${registry.charts}/${c.chart.name}:${chartTag(version)}`;
        planned.chart = { name: c.chart.name, version, ref };
        if (published.get(ref)?.exists) {
          findings.push({ code: 'W_DEV_OVERWRITE', severity: 'warning', component: c.name, version, message: `chart ${c.chart.name} ${version} is already in ${registry.charts} and will be overwritten` });
        }
        plan.steps.push(pkg, { id: `push-chart:${c.name}`, needs: [pkg.id], component: c.name, kind: 'push-chart', package: pkg.output, repository: registry.charts, ref });
      }
      plan.components.push(planned);
    }
  }
  plan.findings = [...workspaceFindings(ws, selected), ...findings, ...registryErrors(published), ...laneGuardrails(ws, plan, opts)];
  return plan;
}
