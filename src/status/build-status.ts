import semver from 'semver';
import type { Workspace } from '../workspace/workspace.js';
import { describeDisagreement } from '../versions/read-versions.js';
import { workspaceFindings } from '../guardrails/workspace-findings.js';
import type { Finding } from '../guardrails/finding.js';

export type ReleaseState = 'up to date' | 'needs bump' | 'bumped, unreleased' | 'never released' | 'unknown' | 'versions disagree' | 'external' | 'behind last release';

export interface StatusRow {
  component: string;
  version?: string;
  versionFilesAgree: boolean;
  /** The files and values, when they disagree. */
  disagreement?: string;
  lastRelease?: { version: string; tag: string };
  /** Files under the component's sources changed since its last release; 'unknown' in a shallow clone. */
  changedSinceRelease?: string[] | 'unknown';
  state: ReleaseState;
  needsBump: boolean | 'unknown';
}

export interface Status {
  project: string;
  commit?: string;
  branch?: string;
  detached: boolean;
  shallow: boolean;
  tagsFound: number;
  rows: StatusRow[];
  findings: Finding[];
  /** What status could not know, in words. */
  notes: string[];
}

/** The status table: one row per component, from the workspace alone. */
export function buildStatus(ws: Workspace): Status {
  const rows = ws.config.components.map((c): StatusRow => {
    const v = ws.versions.get(c.name);
    const last = ws.lastRelease.get(c.name);
    const changed = ws.changedSinceRelease.get(c.name);
    const base = {
      component: c.name,
      version: v?.version,
      versionFilesAgree: v?.agree ?? true,
      ...(v && !v.agree ? { disagreement: describeDisagreement(v) } : {}),
      ...(last ? { lastRelease: { version: last.version, tag: last.tag } } : {}),
      ...(changed !== undefined ? { changedSinceRelease: changed } : {}),
    };
    if (c.external) return { ...base, state: 'external', needsBump: false };
    if (v && !v.agree) return { ...base, state: 'versions disagree', needsBump: true };
    if (!v?.version) return { ...base, state: 'external', needsBump: false };
    if (!last) return { ...base, state: 'never released', needsBump: false };
    if (semver.gt(v.version, last.version)) return { ...base, state: 'bumped, unreleased', needsBump: false };
    if (semver.lt(v.version, last.version)) return { ...base, state: 'behind last release', needsBump: true };
    if (changed === 'unknown') return { ...base, state: 'unknown', needsBump: 'unknown' };
    return changed && changed.length > 0 ? { ...base, state: 'needs bump', needsBump: true } : { ...base, state: 'up to date', needsBump: false };
  });
  const notes: string[] = [];
  if (!ws.repo.isRepo) notes.push('not a git repository: release history unknown');
  else {
    if (!ws.repo.head) notes.push('the repository has no commits yet');
    if (ws.repo.head && !ws.repo.branch) notes.push(`detached HEAD at ${ws.repo.head.slice(0, 7)}`);
    if (ws.repo.tags.length === 0) notes.push(`no release tags found (${ws.config.release.componentTag}${ws.config.release.versionOf ? ` or ${ws.config.release.tag}` : ''}): every component counts as never released${ws.repo.shallow ? '; this shallow clone may simply lack them (git fetch --tags --unshallow)' : ''}`);
    else if (ws.repo.shallow) notes.push('shallow clone: tags or commits may be missing (git fetch --unshallow --tags)');
  }
  return {
    project: ws.config.project,
    commit: ws.repo.head,
    branch: ws.repo.branch,
    detached: !!ws.repo.head && !ws.repo.branch,
    shallow: ws.repo.shallow,
    tagsFound: ws.repo.tags.length,
    rows,
    findings: workspaceFindings(ws, ws.config.components),
    notes,
  };
}
