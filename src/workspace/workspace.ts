import type { LanesConfig } from '../config/model.js';
import type { RepoFacts } from '../git/repo-facts.js';
import type { ReleaseRecord } from '../git/release-history.js';
import type { ComponentVersion } from '../versions/read-versions.js';

/**
 * Everything lanes knows about the monorepo before touching a registry:
 * config, checked-in versions, git facts and per-component history. Plain
 * data, so planners and guardrails are pure functions of it.
 */
export interface Workspace {
  config: LanesConfig;
  versions: Map<string, ComponentVersion>;
  repo: RepoFacts;
  lastRelease: Map<string, ReleaseRecord>;
  /**
   * Per component: files under its sources changed since its last release.
   * Absent when never released; `unknown` when the release commit is not in
   * this (shallow) clone.
   */
  changedSinceRelease: Map<string, string[] | 'unknown'>;
  /** Directories that look like components but are not in lanes.yaml. */
  unlisted: string[];
}
