import type { PublishedFact } from '../registry/published.js';
import type { ComposeFacts } from '../guardrails/compose-preflight.js';

/** What a plan needs beyond the workspace, gathered at the edge (src/facts) and handed to the pure planners. */
export interface LaneFacts {
  /** Running in CI (CI=true or a known CI's variable). */
  ci: boolean;
  /** The remote release tags are pushed to; undefined when the repo has none. */
  remote?: string;
  /** Tags on the remote, name -> commit (only those asked about). */
  remoteTags: ReadonlyMap<string, string>;
  /** What the target registry already has, by reference. */
  published: ReadonlyMap<string, PublishedFact>;
  /** Release notes: the git log since the previous product tag. */
  notes: string;
  /** What each release host (GitHub, GitLab) said when asked before the release (release lane). */
  releaseHosts?: ReleaseHostCheck[];
  /** The compose files and local images compose-up-local will use. */
  compose?: ComposeFacts;
}

/** One release host's answer to "can this release be made there?". */
export interface ReleaseHostCheck {
  host: 'GitHub' | 'GitLab';
  /** owner/repo or group/project. */
  target: string;
  /** Why the release cannot be made there, as a finding's code and message. */
  problem?: { code: 'E_RELEASE_HOST_TOKEN' | 'E_RELEASE_HOST_AUTH' | 'E_RELEASE_HOST_ACCESS' | 'E_RELEASE_HOST_UNREACHABLE'; message: string };
  /** A release for the tag exists there already. */
  releaseExists?: boolean;
}

/** No facts at all: what a planner sees when asked which facts it needs. */
export const NO_FACTS: LaneFacts = { ci: false, remoteTags: new Map(), published: new Map(), notes: '' };
