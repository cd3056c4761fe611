import semver from 'semver';
import type { Workspace } from '../workspace/workspace.js';
import { describeDisagreement } from '../versions/read-versions.js';
import { workspaceFindings } from '../guardrails/workspace-findings.js';
import type { Finding } from '../guardrails/finding.js';
import { chartTag, joinRef } from '../registry/image-ref.js';
import type { PublishedFact } from '../registry/published.js';

export type ReleaseState = 'up to date' | 'needs bump' | 'bumped, unreleased' | 'never released' | 'unknown' | 'versions disagree' | 'external' | 'behind last release';

/** Where a component's checked-in version is published, when status was asked to look (--published). */
export interface PublishedWhere {
  /** 'yes' when every image and chart of the version is there, 'partly' when some are, 'error' when the registry could not say. */
  dev?: 'yes' | 'partly' | 'no' | 'error';
  release?: 'yes' | 'partly' | 'no' | 'error';
}

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
  published?: PublishedWhere;
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

/** The references of each component's checked-in version in the dev and release registries. */
export function publishedRefs(ws: Workspace): { component: string; registry: 'dev' | 'release'; ref: string }[] {
  const out: { component: string; registry: 'dev' | 'release'; ref: string }[] = [];
  for (const c of ws.config.components) {
    const version = ws.versions.get(c.name)?.version;
    if (!version || c.external) continue;
    for (const registry of ['dev', 'release'] as const) {
      const target = ws.config.registries[registry];
      if (!target) continue;
      if (c.image) out.push({ component: c.name, registry, ref: joinRef(target.images, c.image.name, version) });
      if (c.chart) out.push({ component: c.name, registry, ref: `${target.charts}/${c.chart.name}:${chartTag(version)}` });
    }
  }
  return out;
}

function summarisePublished(component: string, refs: ReturnType<typeof publishedRefs>, facts: ReadonlyMap<string, PublishedFact>): PublishedWhere {
  const where: PublishedWhere = {};
  for (const registry of ['dev', 'release'] as const) {
    const mine = refs.filter((r) => r.component === component && r.registry === registry).map((r) => facts.get(r.ref));
    if (mine.length === 0) continue;
    if (mine.some((f) => !f || f.error)) where[registry] = 'error';
    else if (mine.every((f) => f!.exists)) where[registry] = 'yes';
    else where[registry] = mine.some((f) => f!.exists) ? 'partly' : 'no';
  }
  return where;
}

/**
 * The status table: one row per component, from the workspace alone, plus
 * where each version is published when `published` holds registry answers.
 */
export function buildStatus(ws: Workspace, published?: ReadonlyMap<string, PublishedFact>): Status {
  const refs = published ? publishedRefs(ws) : [];
  const rows = ws.config.components.map((c): StatusRow => {
    const v = ws.versions.get(c.name);
    const last = ws.lastRelease.get(c.name);
    const changed = ws.changedSinceRelease.get(c.name);
    const base = {
      component: c.name,
      ...(published ? { published: summarisePublished(c.name, refs, published) } : {}),
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
