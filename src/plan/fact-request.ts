import { UsageError } from '../errors.js';
import { componentTagName } from '../git/tag-template.js';
import type { Workspace } from '../workspace/workspace.js';
import { uniqueComposeFiles } from './compose.js';
import { planDev } from './dev.js';
import { NO_FACTS, type LaneFacts } from './lane-facts.js';
import type { LaneOptions } from './plan-lane.js';
import { refsToLookUp } from './registry-findings.js';
import { planRelease } from './release.js';
import type { Lane } from './types.js';

/** What a lane's plan depends on beyond the workspace: asked of the registry and the git remote before planning. */
export interface FactRequest {
  /** Registry references the lane would push, with whether to read the revision label of what is there. */
  refs: { ref: string; withRevision: boolean }[];
  /** Tag names to ask the remote about (release lane). */
  remoteTags: string[];
  /** The release tag to write notes for (release lane). */
  notesFor?: string;
  /** Whether the lane needs to know if it runs in CI. */
  ci: boolean;
  /** The tag to ask the release hosts of lanes.yaml about (release lane). */
  releaseHostsFor?: string;
  /** compose-up-local: the compose files to read, and whether to ask which images are in the local store. */
  compose?: { files: string[]; localImages: boolean };
}

/**
 * The facts a lane needs, decided from the workspace alone. The references
 * come from the lane's own planner run with no facts: facts only ever mark a
 * planned push as skipped or add findings, never add a push, so this list
 * holds every reference the final plan can push (test/unit/fact-request
 * checks that rule for every lane).
 */
export function factRequest(ws: Workspace, lane: Lane, opts: LaneOptions): FactRequest {
  switch (lane) {
    case 'dev':
      return { refs: refsToLookUp(planDev(ws, opts, NO_FACTS.published), false), remoteTags: [], ci: false };
    case 'release': {
      const tag = requireTag(opts);
      const draft = planRelease(ws, { ...opts, tag }, NO_FACTS);
      const componentTags = ws.config.components.map((c) => componentTagName(ws.config, c.name, ws.versions.get(c.name)?.version ?? '0.0.0'));
      return { refs: refsToLookUp(draft, true), remoteTags: [tag, ...componentTags], notesFor: tag, ci: true, releaseHostsFor: tag };
    }
    case 'compose-up-local': {
      return { refs: [], remoteTags: [], ci: false, compose: { files: uniqueComposeFiles(ws.config.components), localImages: true } };
    }
    default:
      return { refs: [], remoteTags: [], ci: false };
  }
}

export function requireTag(opts: LaneOptions): string {
  if (!opts.tag) throw new UsageError('release needs --tag <tag> (e.g. --tag v1.2.3)');
  return opts.tag;
}

export type { LaneFacts };
