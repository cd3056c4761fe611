import semver from 'semver';
import { UsageError } from '../errors.js';
import { runGit } from '../git/run-git.js';
import { remoteTags } from '../git/repo-facts.js';
import { productTags } from '../git/release-history.js';
import { renderTag } from '../git/tag-template.js';
import type { RegistryClientOptions } from '../registry/oci-client.js';
import { lookUpWithNewClient } from '../registry/published.js';
import { applyStrict } from '../guardrails/finding.js';
import { secretBuildArgs } from '../guardrails/secret-build-args.js';
import type { Workspace } from '../workspace/workspace.js';
import { readWorkspace } from '../workspace/read-workspace.js';
import { planComposeDown, planComposeUp, type ComposeOptions } from './compose.js';
import { planDeployLocal, type DeployLocalOptions } from './deploy-local.js';
import { planDev } from './dev.js';
import { planLocalBuild } from './local.js';
import { refsToLookUp } from './registry-findings.js';
import { planRelease, type ReleaseOptions } from './release.js';
import type { Lane, Plan } from './types.js';

export interface ComputeOptions extends ComposeOptions, DeployLocalOptions, Partial<ReleaseOptions> {
  registry?: RegistryClientOptions;
  /** Concurrent registry look-ups. */
  registryConcurrency?: number;
  env?: NodeJS.ProcessEnv;
}

/** True under CI=true or the variables the common CI systems set. */
export function isCI(env: NodeJS.ProcessEnv): boolean {
  return ['CI', 'GITHUB_ACTIONS', 'GITLAB_CI', 'BUILDKITE', 'JENKINS_URL', 'TF_BUILD'].some((k) => env[k] && env[k] !== 'false' && env[k] !== '0');
}

/**
 * The I/O around the pure planners: reads the workspace, asks the registry
 * and the git remote what the plan depends on, and returns the plan with all
 * its findings. The executors run what this returns and nothing else.
 */
export async function computePlan(root: string, lane: Lane, opts: ComputeOptions = {}): Promise<{ plan: Plan; ws: Workspace }> {
  const ws = await readWorkspace(root);
  const plan = await planWorkspace(ws, lane, opts);
  plan.findings = applyStrict([...plan.findings, ...secretBuildArgs(plan)], !!opts.strict);
  return { plan, ws };
}

export async function planWorkspace(ws: Workspace, lane: Lane, opts: ComputeOptions): Promise<Plan> {
  switch (lane) {
    case 'local':
      return planLocalBuild(ws, opts);
    case 'deploy-local':
      return planDeployLocal(ws, opts);
    case 'compose-up-local':
      return planComposeUp(ws, opts);
    case 'compose-down-local':
      return planComposeDown(ws, opts);
    case 'dev': {
      const draft = planDev(ws, opts);
      return planDev(ws, opts, await lookUp(refsToLookUp(draft, false), opts));
    }
    case 'release': {
      if (!opts.tag) throw new UsageError('release needs --tag <tag> (e.g. --tag v1.2.3)');
      const releaseOpts = { ...opts, tag: opts.tag };
      const env = opts.env ?? process.env;
      const remote = ws.repo.remoteUrl ? 'origin' : undefined;
      const draftFacts = { ci: isCI(env), remote, remoteTags: new Map<string, string>(), published: new Map(), notes: '' };
      const draft = planRelease(ws, releaseOpts, draftFacts);
      const wantedTags = [opts.tag, ...ws.config.components.map((c) => renderTag(ws.config.release.componentTag, { component: c.name, version: ws.versions.get(c.name)?.version ?? '0.0.0' }))];
      const [published, remoteTagMap, notes] = await Promise.all([
        lookUp(refsToLookUp(draft, true), opts),
        remote ? remoteTags(ws.config.root, remote, wantedTags) : Promise.resolve(new Map<string, string>()),
        releaseNotes(ws, opts.tag),
      ]);
      return planRelease(ws, releaseOpts, { ...draftFacts, remoteTags: remoteTagMap, published, notes });
    }
  }
}

function lookUp(refs: { ref: string; withRevision: boolean }[], opts: ComputeOptions) {
  return lookUpWithNewClient(opts.registry, refs, opts.registryConcurrency ?? 16);
}

/** `- subject (sha7)` for each commit since the previous product tag. */
async function releaseNotes(ws: Workspace, tag: string): Promise<string> {
  if (!ws.repo.head) return '';
  const current = ws.versions.get(ws.config.release.versionOf ?? '')?.version;
  const previous = productTags(ws.config, ws.repo.tags).find((t) => t.tag !== tag && (!current || semver.lt(t.version, current)));
  const range = previous ? [`${previous.commit}..HEAD`] : ['-n', '200', 'HEAD'];
  const log = await runGit(ws.config.root, ['log', '--no-merges', '--format=- %s (%h)', ...range]);
  const heading = previous ? `Changes since ${previous.tag}:` : 'Changes:';
  return `${heading}\n\n${log.stdout.trim() || '- (no commits)'}\n`;
}

