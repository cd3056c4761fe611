import { loadConfig } from '../config/load.js';
import { readAllVersions } from '../versions/read-versions.js';
import { changedFilesSince, readRepoFacts } from '../git/repo-facts.js';
import { lastReleases } from '../git/release-history.js';
import { git } from '../git/run-git.js';
import { filesUnderSorted } from './source-changes.js';
import { findUnlistedComponents } from './unlisted-components.js';
import type { Workspace } from './workspace.js';

/**
 * Reads the monorepo at `root` into a Workspace: lanes.yaml, every version
 * file, and git's view (tags, dirty files, changes since each component's
 * last release). A fixed number of git processes, whatever the repo's size.
 */
export async function readWorkspace(root: string): Promise<Workspace> {
  const config = loadConfig(root);
  const versions = readAllVersions(config);
  const repo = await readRepoFacts(config.root);
  const lastRelease = lastReleases(config, repo.tags);
  const changedSinceRelease = new Map<string, string[] | 'unknown'>();
  let unlisted: string[] = [];
  if (repo.isRepo && repo.head) {
    const [changes, files] = await Promise.all([
      changedFilesSince(config.root, repo.head, [...lastRelease.values()].map((r) => r.commit), repo.prefix),
      git(config.root, ['ls-files', '-z', '--cached', '--others', '--exclude-standard']),
    ]);
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
    unlisted = findUnlistedComponents(config, files.split('\0').filter(Boolean));
  }
  return { config, versions, repo, lastRelease, changedSinceRelease, unlisted };
}
