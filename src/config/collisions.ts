import type { ConfigIssue } from '../errors.js';
import type { LanesConfig } from './model.js';

/**
 * Checks lanes.yaml cannot express in its schema: names used twice, and two
 * things that would publish to the same repository (an image and a chart
 * of the same name overwrite each other when images and charts share a
 * namespace, as they do on Docker Hub).
 */
export function findCollisions(config: LanesConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const at = (index: number, key: string, message: string) =>
    issues.push({ file: config.file, path: `components[${index}]${key}`, message });

  const firstByName = new Map<string, number>();
  for (const c of config.components) {
    const first = firstByName.get(c.name);
    if (first !== undefined) at(c.index, '.name', `duplicate component name "${c.name}" (also components[${first}]); names must be unique`);
    else firstByName.set(c.name, c.index);
  }

  const repos = new Map<string, { index: number; what: string }>();
  const claim = (index: number, key: string, repo: string, what: string) => {
    const prior = repos.get(repo);
    if (prior && prior.index !== index) {
      at(index, key, `${what} "${repo}" collides with the ${prior.what} of components[${prior.index}]; rename one of them`);
    } else if (prior) {
      at(index, key, `${what} "${repo}" collides with this component's own ${prior.what}; give the chart a different name (e.g. "${repo}-chart")`);
    } else repos.set(repo, { index, what });
  };
  const sameNamespace = sharesNamespace(config);
  for (const c of config.components) {
    if (c.image) claim(c.index, '.image.name', c.image.name, 'image repository');
  }
  for (const c of config.components) {
    if (!c.chart) continue;
    if (sameNamespace) claim(c.index, '.chart.path', c.chart.name, 'chart name');
    else {
      const other = config.components.find((o) => o !== c && o.chart?.name === c.chart!.name);
      if (other && other.index < c.index) at(c.index, '.chart.path', `chart name "${c.chart.name}" is also the chart of components[${other.index}]; chart names must be unique`);
    }
  }

  if (config.release.versionOf) {
    const target = config.components.find((c) => c.name === config.release.versionOf);
    if (!target) issues.push({ file: config.file, path: 'release.versionOf', message: `no component named "${config.release.versionOf}"; name one of: ${config.components.map((c) => c.name).join(', ')}` });
    else if (target.versionFiles.length === 0) issues.push({ file: config.file, path: 'release.versionOf', message: `component "${target.name}" has no version files; pick a versioned component` });
  }
  return issues;
}

/** True when some registry puts images and charts under the same host/namespace. */
function sharesNamespace(config: LanesConfig): boolean {
  const pairs = [config.registries.dev, config.registries.release].filter((p) => p !== undefined);
  if (pairs.length === 0) return true;
  return pairs.some((p) => p.charts.replace(/^oci:\/\//, '') === p.images);
}
