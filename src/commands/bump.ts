import { UsageError, ConfigError } from '../errors.js';
import { loadConfig } from '../config/load.js';
import { readRepoFacts } from '../git/repo-facts.js';
import { lastReleases } from '../git/release-history.js';
import { applyEdits } from '../versions/apply-edits.js';
import { planBump, type BumpPlan } from '../versions/bump.js';
import type { BumpRequest } from '../versions/next-version.js';
import { locateComponentFiles } from '../versions/read-versions.js';

export interface BumpOptions {
  allowDowngrade?: boolean;
  dryRun?: boolean;
}

/**
 * The one command that writes versions: every version file of the component
 * moves to the new version together, or none does.
 */
export async function bumpComponent(root: string, componentName: string, request: BumpRequest, opts: BumpOptions = {}): Promise<BumpPlan> {
  const config = loadConfig(root);
  const component = config.components.find((c) => c.name === componentName);
  if (!component) throw new UsageError(`no component named "${componentName}" in ${config.file}; known: ${config.components.map((c) => c.name).join(', ')}`);
  if (component.versionFiles.length === 0) throw new UsageError(`${componentName} has no version files to bump (it is ${component.external ? 'an external image' : 'unversioned'})`);
  const { files, issues } = locateComponentFiles(config.root, component, config.file);
  // A file whose version is merely malformed can still be fixed by an explicit --version.
  const blocking = issues.filter((i) => !(request.kind === 'exact' && /not a semantic version/.test(i.message)));
  if (blocking.length > 0 || files.length === 0) throw new ConfigError(issues, `cannot bump ${componentName}`);
  const repo = await readRepoFacts(config.root);
  const last = lastReleases(config, repo.tags).get(componentName);
  const plan = planBump(component, files, request, { allowDowngrade: opts.allowDowngrade, lastReleased: last?.version });
  if (!opts.dryRun) applyEdits(config.root, plan.edits);
  return plan;
}
