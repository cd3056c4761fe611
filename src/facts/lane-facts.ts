import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import semver from 'semver';
import { parse } from 'yaml';
import type { ComposeFacts, ComposeFileFact } from '../guardrails/compose-preflight.js';
import { remoteTags } from '../git/repo-facts.js';
import { productTags } from '../git/release-history.js';
import { runGit } from '../git/run-git.js';
import type { FactRequest } from '../plan/fact-request.js';
import type { LaneFacts } from '../plan/lane-facts.js';
import type { RegistryClientOptions } from '../registry/oci-client.js';
import { lookUpWithNewClient } from '../registry/published.js';
import type { Workspace } from '../workspace/workspace.js';
import { isCI } from './ci.js';
import { releaseTarget } from '../plan/release.js';
import type { Redactor } from '../exec/redactor.js';
import { checkReleaseHosts, type ReleaseHostAccess } from '../publish/preflight.js';

export interface FactSources {
  env: NodeJS.ProcessEnv;
  /** Tokens for the release hosts (release lane's preflight). */
  releaseHosts?: ReleaseHostAccess;
  /** The images in the local store (`repository:tag`); absent when the executor cannot look. */
  localImages?: () => Promise<Set<string>>;
  redactor: Redactor;
  registry?: RegistryClientOptions;
  /** Concurrent registry look-ups. */
  registryConcurrency?: number;
}

/**
 * Asks the outside world what a plan depends on — the registry, the git
 * remote, the commit log, the release hosts, the environment — all at once. git runs through
 * the runner in scope (see withGitRunner), so the Dagger module's git
 * container answers the same questions as the host's git.
 */
export async function gatherLaneFacts(ws: Workspace, request: FactRequest, sources: FactSources): Promise<LaneFacts> {
  const remote = ws.repo.remoteUrl ? 'origin' : undefined;
  const [published, tags, notes, releaseHosts, compose] = await Promise.all([
    lookUpWithNewClient(sources.registry, request.refs, sources.registryConcurrency ?? 16),
    remote && request.remoteTags.length ? remoteTags(ws.config.root, remote, request.remoteTags) : new Map<string, string>(),
    request.notesFor ? releaseNotes(ws, request.notesFor) : '',
    request.releaseHostsFor ? checkReleaseHosts(ws.config, request.releaseHostsFor, sources.releaseHosts ?? {}, sources.redactor) : undefined,
    request.compose ? composeFacts(ws.config.root, request.compose, sources.localImages) : undefined,
  ]);
  return { ci: request.ci && isCI(sources.env), remote, remoteTags: tags, published, notes, ...(releaseHosts ? { releaseHosts } : {}), ...(compose ? { compose } : {}) };
}

/** The compose files as YAML (or why not), and the local images when the executor can list them. */
async function composeFacts(root: string, request: { files: string[]; localImages: boolean }, list?: () => Promise<Set<string>>): Promise<ComposeFacts> {
  const files = new Map<string, ComposeFileFact>();
  for (const file of request.files) {
    try {
      files.set(file, { doc: parse(await readFile(join(root, file), 'utf8'), { maxAliasCount: 100 }) });
    } catch (e) {
      files.set(file, { error: (e as Error).message.split('\n')[0]! });
    }
  }
  return { files, ...(request.localImages && list ? { localImages: await list() } : {}) };
}

/**
 * `- subject (sha7)` for each commit since the previous release: of the
 * product for a product tag, of the component (and under its sources only)
 * for a component's tag.
 */
async function releaseNotes(ws: Workspace, tag: string): Promise<string> {
  if (!ws.repo.head) return '';
  const target = releaseTarget(ws.config, tag);
  let previous: { tag: string; commit: string } | undefined;
  let paths: string[] = [];
  if (target?.kind === 'component') {
    const last = ws.lastRelease.get(target.component.name);
    previous = last && last.tag !== tag ? last : undefined;
    paths = ['--', ...target.component.sources];
  } else {
    const current = ws.versions.get(ws.config.release.versionOf ?? '')?.version;
    previous = productTags(ws.config, ws.repo.tags).find((t) => t.tag !== tag && (!current || semver.lt(t.version, current)));
  }
  const range = previous ? [`${previous.commit}..HEAD`] : ['-n', '200', 'HEAD'];
  const log = await runGit(ws.config.root, ['log', '--no-merges', '--format=- %s (%h)', ...range, ...paths]);
  const heading = previous ? `Changes since ${previous.tag}:` : 'Changes:';
  return `${heading}\n\n${log.stdout.trim() || '- (no commits)'}\n`;
}
