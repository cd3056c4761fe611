import { UsageError, ConfigError } from '../errors.js';
import { loadConfig } from '../config/load.js';
import { readRepoFacts } from '../git/repo-facts.js';
import { lastReleases } from '../git/release-history.js';
import { withGitRunner } from '../git/run-git.js';
import { applyEdits } from '../versions/apply-edits.js';
import { planBump, type BumpPlan } from '../versions/bump.js';
import type { BumpRequest } from '../versions/next-version.js';
import { locateComponentFiles } from '../versions/read-versions.js';
import { changedNotBumped } from '../guardrails/workspace-findings.js';
import { readWorkspace } from '../workspace/read-workspace.js';
import type { CommandContext } from './context.js';

export interface BumpOptions {
  allowDowngrade?: boolean;
  /** Plan and show the edits, write nothing. */
  dryRun?: boolean;
}

/** Which components to bump: by name, or every one whose sources changed since its last release. */
export type BumpTargets = { names: string[] } | { changed: true };

export interface BumpReport {
  dryRun: boolean;
  /** One per component, each with its edits (empty when --changed found nothing to bump). */
  bumps: BumpPlan[];
}

/**
 * `bump`: the one command that writes versions. Every version file of every
 * named component moves to its new version together, or nothing is written:
 * the bumps are all planned (and checked) before the first file changes. With
 * `dryRun`, the edits come back unwritten — the Dagger module always asks for
 * that and returns them as a Directory, as a function cannot write the
 * caller's files.
 */
export function bumpCommand(ctx: Pick<CommandContext, 'root' | 'git'>, targets: BumpTargets, request: BumpRequest, opts: BumpOptions = {}): Promise<BumpReport> {
  return withGitRunner(ctx.git, async () => ({ dryRun: !!opts.dryRun, bumps: await bumpComponents(ctx.root, targets, request, opts) }));
}

/** bumpCommand without a context: the host's git. */
export async function bumpComponents(root: string, targets: BumpTargets, request: BumpRequest, opts: BumpOptions = {}): Promise<BumpPlan[]> {
  if ('names' in targets && targets.names.length === 0) throw new UsageError('bump needs the components to bump, or --changed (not both)');
  // --changed needs the whole workspace (versions, changes since each release); a bump by name only the tags.
  const ws = 'changed' in targets ? await readWorkspace(root) : undefined;
  const config = ws?.config ?? loadConfig(root);
  const released = ws?.lastRelease ?? lastReleases(config, (await readRepoFacts(config.root)).tags);
  const names = ws ? changedNotBumped(ws, config.components).map((f) => f.component!) : [...new Set((targets as { names: string[] }).names)];
  if (names.length === 0) return [];
  if (request.kind === 'exact' && names.length > 1) throw new UsageError('--version sets one version: bump one component with it, or use --patch/--minor/--major/--pre for several');
  const plans = names.map((name) => {
    const component = config.components.find((c) => c.name === name);
    if (!component) throw new UsageError(`no component named "${name}" in ${config.file}; known: ${config.components.map((c) => c.name).join(', ')}`);
    if (component.versionFiles.length === 0) throw new UsageError(`${name} has no version files to bump (it is ${component.external ? 'an external image' : 'unversioned'})`);
    const { files, issues } = locateComponentFiles(config.root, component, config.file);
    // A file whose version is merely malformed can still be repaired by an explicit --version.
    const blocking = issues.filter((i) => !(request.kind === 'exact' && i.code === 'E_VERSION_NOT_SEMVER'));
    if (blocking.length > 0 || files.length === 0) throw new ConfigError(issues, `cannot bump ${name}`);
    return planBump(component, files, request, { allowDowngrade: opts.allowDowngrade, lastReleased: released.get(name)?.version });
  });
  if (!opts.dryRun) applyEdits(config.root, plans.flatMap((p) => p.edits));
  return plans;
}
