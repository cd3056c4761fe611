import { resolve } from 'node:path';
import { loadConfig } from '../config/load.js';
import { ExecError } from '../errors.js';
import { readAllVersions } from '../versions/read-versions.js';
import { changedFilesSince, startRepoFacts, type RepoFactsInFlight } from '../git/repo-facts.js';
import { lastReleases } from '../git/release-history.js';
import { runGit, type GitResult } from '../git/run-git.js';
import { withPathCache } from './repo-files.js';
import { filesUnderSorted } from './source-changes.js';
import { findUnlistedComponents } from './unlisted-components.js';
import type { Workspace } from './workspace.js';

const LS_FILES = ['ls-files', '-z', '--cached', '--others', '--exclude-standard'];

/**
 * Reads the monorepo at `root` into a Workspace: lanes.yaml, every version
 * file, and git's view (tags, dirty files, changes since each component's
 * last release). A fixed number of git processes, whatever the repo's size.
 *
 * Git works while lanes does: the processes that need nothing from lanes.yaml
 * start first and run while it and the version files are read; the diff of
 * the release commits, which needs the config and the tags, starts as soon as
 * both are in, without waiting for `git status`. What is reported stays in
 * the order it was when each step waited for the last: a broken lanes.yaml,
 * then broken version files, then git's failures.
 */
export async function readWorkspace(root: string): Promise<Workspace> {
  const git = startGit(resolve(root));
  // One synchronous pass, as before: nothing can change the tree between lanes.yaml's checks and the version files' reading.
  const { config, versions } = withPathCache(() => {
    const config = loadConfig(root);
    return { config, versions: readAllVersions(config) };
  });
  // The tags can be in before `git status` is done (a large work tree): diff the release commits meanwhile.
  const history = await git.history;
  let early: Promise<Map<string, string[] | undefined>> | undefined;
  if (history?.head) {
    early = changedFilesSince(config.root, history.head, [...lastReleases(config, history.tags).values()].map((r) => r.commit), history.prefix);
    early.catch(() => {}); // awaited below, unless git status failed first
  }
  const repo = await git.facts;
  // The same tags as `history`'s, so this is the history computed above, not a second pass.
  const lastRelease = lastReleases(config, repo.tags);
  const changedSinceRelease = new Map<string, string[] | 'unknown'>();
  let unlisted: string[] = [];
  if (repo.isRepo && repo.head) {
    const diff = early ?? changedFilesSince(config.root, repo.head, [...lastRelease.values()].map((r) => r.commit), repo.prefix);
    diff.catch(() => {}); // awaited below; the listing's failure must not leave it unhandled
    // The listing is in by now; looking through it while the diff runs costs no time.
    const listing = await git.files;
    if (listing.code === 0) unlisted = findUnlistedComponents(config, listing.stdout.split('\0').filter(Boolean));
    const changes = await diff;
    // What git() would have thrown, had ls-files been started only now.
    if (listing.code !== 0) throw new ExecError(`git ${LS_FILES.join(' ')}`, listing.code, listing.stderr);
    const byName = new Map(config.components.map((c) => [c.name, c]));
    // Each release commit's list sorted once, shared by all components released there.
    const sorted = new Map<string, string[]>();
    for (const [component, record] of lastRelease) {
      const changed = changes.get(record.commit);
      if (changed === undefined) {
        changedSinceRelease.set(component, 'unknown');
        continue;
      }
      if (!sorted.has(record.commit)) sorted.set(record.commit, [...changed].sort());
      changedSinceRelease.set(component, filesUnderSorted(byName.get(component)!, sorted.get(record.commit)!));
    }
  }
  return { config, versions, repo, lastRelease, changedSinceRelease, unlisted };
}

/**
 * The git processes a workspace needs that do not depend on lanes.yaml,
 * started at once (in the caller's git-runner scope). Each promise is marked
 * handled here: when lanes.yaml turns out broken they are never awaited, and
 * their failure (no git, not a repository) must not surface as an unhandled
 * rejection. The file listing is only used in a repository with a commit; its
 * exit code is judged there.
 */
function startGit(root: string): RepoFactsInFlight & { files: Promise<GitResult> } {
  const { facts, history } = startRepoFacts(root);
  // async: a runner that throws at once rejects this promise instead of preceding lanes.yaml's errors.
  const files = (async () => runGit(root, LS_FILES))();
  facts.catch(() => {});
  files.catch(() => {});
  return { facts, history, files };
}
