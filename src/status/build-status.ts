import semver from 'semver';
import type { Workspace } from '../workspace/workspace.js';
import { describeDisagreement } from '../versions/read-versions.js';
import { workspaceFindings } from '../guardrails/workspace-findings.js';
import { refCollisionFindings } from '../guardrails/ref-collisions.js';
import type { Finding } from '../guardrails/finding.js';
import { chartTag, joinRef } from '../registry/image-ref.js';
import type { PublishedFact } from '../registry/published.js';
import { releaseHistory, type AmbiguousTag, type IgnoredTag, type ReleaseHistory } from '../git/release-history.js';

export type ReleaseState = 'up to date' | 'needs bump' | 'bumped, unreleased' | 'never released' | 'unknown' | 'versions disagree' | 'external' | 'behind last release';

/** Where a component's checked-in version is published, when status was asked to look (--published). */
export interface PublishedWhere {
  /** 'yes' when every image and chart of the version is there, 'partly' when some are, 'error' when the registry could not say (why: `errors`). */
  dev?: 'yes' | 'partly' | 'no' | 'error';
  release?: 'yes' | 'partly' | 'no' | 'error';
  /** Why a registry could not say: the registry's answer as a code (E_REGISTRY_AUTH, E_REGISTRY_UNREACHABLE, …) and message, for the first reference it failed on. */
  errors?: { dev?: PublishedError; release?: PublishedError };
}

/** What went wrong asking a registry about one reference. */
export interface PublishedError {
  code: string;
  message: string;
  ref: string;
}

export interface StatusRow {
  component: string;
  version?: string;
  versionFilesAgree: boolean;
  /** The files and values, when they disagree. */
  disagreement?: string;
  lastRelease?: { version: string; tag: string };
  /** Which tags were read as this component's releases: its template, how many matched, and the range they span. */
  tags?: { templates: string[]; matched: number; notReachable: number; lowest?: string; highest?: string };
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
  /** How the release history was read from the tags. */
  history: {
    /** 'HEAD': only tags on commits HEAD contains count (a maintenance branch compares with its own releases); 'all tags' when git could not say. */
    reachableFrom: 'HEAD' | 'all tags';
    tagsReachable?: number;
    /** Tags two or more components' templates read as a release (each counts it). */
    ambiguous: AmbiguousTag[];
    /** Tags laid out like a release whose version is not strict semver: not counted. */
    ignored: IgnoredTag[];
  };
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
    if (mine.some((f) => !f || f.error)) {
      where[registry] = 'error';
      const failed = mine.find((f) => f?.error);
      const error: PublishedError = failed
        ? { code: failed.error!.code, message: failed.error!.message, ref: failed.ref }
        : { code: 'E_REGISTRY', message: 'the registry look-up gave no answer for this reference', ref: refs.find((r) => r.component === component && r.registry === registry && !facts.has(r.ref))!.ref };
      where.errors = { ...where.errors, [registry]: error };
    } else if (mine.every((f) => f!.exists)) where[registry] = 'yes';
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
  const history = releaseHistory(ws.config, ws.repo.tags);
  const rows = ws.config.components.map((c): StatusRow => {
    const v = ws.versions.get(c.name);
    const last = ws.lastRelease.get(c.name);
    const changed = ws.changedSinceRelease.get(c.name);
    const matched = history.byComponent.get(c.name);
    const base = {
      component: c.name,
      ...(published ? { published: summarisePublished(c.name, refs, published) } : {}),
      version: v?.version,
      versionFilesAgree: v?.agree ?? true,
      ...(v && !v.agree ? { disagreement: describeDisagreement(v) } : {}),
      ...(last ? { lastRelease: { version: last.version, tag: last.tag } } : {}),
      ...(matched ? { tags: { templates: matched.templates, matched: matched.matched, notReachable: matched.notReachable, ...(matched.lowest ? { lowest: matched.lowest.version, highest: matched.highest!.version } : {}) } } : {}),
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
    notes.push(...historyNotes(ws, history, rows));
  }
  if (published) notes.push(...publishedNotes(rows));
  return {
    project: ws.config.project,
    commit: ws.repo.head,
    branch: ws.repo.branch,
    detached: !!ws.repo.head && !ws.repo.branch,
    shallow: ws.repo.shallow,
    tagsFound: ws.repo.tags.length,
    history: {
      reachableFrom: history.reachabilityKnown ? 'HEAD' : 'all tags',
      ...(history.reachabilityKnown ? { tagsReachable: ws.repo.tags.filter((t) => t.reachable !== false).length } : {}),
      ambiguous: history.ambiguous,
      ignored: history.ignored,
    },
    rows,
    findings: [...workspaceFindings(ws, ws.config.components), ...refCollisionFindings(ws.config), ...historyFindings(history)],
    notes,
  };
}

/** Why a registry could not say where versions are published: one note per registry and code (with the first reference's message), naming the components it hid. */
function publishedNotes(rows: readonly StatusRow[]): string[] {
  const groups = new Map<string, { registry: string; error: PublishedError; components: string[] }>();
  for (const r of rows) {
    for (const registry of ['dev', 'release'] as const) {
      const error = r.published?.errors?.[registry];
      if (!error) continue;
      const key = `${registry} ${error.code}`;
      const group = groups.get(key) ?? { registry, error, components: [] };
      group.components.push(r.component);
      groups.set(key, group);
    }
  }
  return [...groups.values()].map((g) => `published in ${g.registry}: unknown for ${sample(g.components)}: ${g.error.code}: ${g.error.message} (asking for ${g.error.ref})`);
}

/** How many names to spell out before "and N more": a note stays one readable line. */
const SHOWN = 3;
const sample = (names: readonly string[]) => names.slice(0, SHOWN).join(', ') + (names.length > SHOWN ? `, and ${names.length - SHOWN} more` : '');

/**
 * Tags that say nothing reliable about a release, as findings of status
 * only: a stray tag is no reason to stop a lane (anyone who can push a tag
 * could otherwise stop everyone's pipeline, even under --strict).
 */
function historyFindings(history: ReleaseHistory): Finding[] {
  const out: Finding[] = [];
  if (history.ignored.length > 0) {
    out.push({
      code: 'W_TAG_NOT_SEMVER',
      severity: 'warning',
      message: `${history.ignored.length === 1 ? 'tag' : `${history.ignored.length} tags`} ${sample(history.ignored.map((t) => `${t.tag} (${t.template})`))} ${history.ignored.length === 1 ? 'looks' : 'look'} like a release but ${history.ignored.length === 1 ? 'names' : 'name'} no semantic version (MAJOR.MINOR.PATCH, no leading zeros): ignored for release history; delete or rename ${history.ignored.length === 1 ? 'it' : 'them'} if ${history.ignored.length === 1 ? 'it was' : 'they were'} meant as releases`,
    });
  }
  // One finding per set of components, not per tag: two generations sharing a prefix share hundreds of tags.
  const groups = new Map<string, string[]>();
  for (const a of history.ambiguous) {
    const key = a.components.join(', ');
    groups.set(key, [...(groups.get(key) ?? []), a.tag]);
  }
  for (const [components, tags] of groups) {
    out.push({
      code: 'W_TAG_AMBIGUOUS',
      severity: 'warning',
      message: `${tags.length === 1 ? 'tag' : `${tags.length} tags`} ${sample(tags)} ${tags.length === 1 ? 'matches' : 'match'} the tag templates of ${components}: counted as a release of each; give each of them its own tag: template in lanes.yaml so its history is its own`,
    });
  }
  return out;
}

/** What status read the history from, and where that history looks wrong, in words. */
function historyNotes(ws: Workspace, history: ReleaseHistory, rows: readonly StatusRow[]): string[] {
  const notes: string[] = [];
  const total = ws.repo.tags.length;
  if (total > 0) {
    if (history.reachabilityKnown) {
      const other = ws.repo.tags.filter((t) => t.reachable === false).length;
      notes.push(`last releases are read from the tags reachable from HEAD (${total - other} of ${total} tags)${other ? `; ${other} tag${other === 1 ? '' : 's'} on other branches ${other === 1 ? 'is' : 'are'} not counted` : ''}`);
    } else notes.push(`last releases are read from all ${total} tags: git could not tell which of them HEAD contains`);
  }
  for (const r of rows) {
    if (r.state !== 'behind last release' || !r.tags || !r.lastRelease) continue;
    notes.push(
      `${r.component} is at ${r.version} but ${r.tags.matched} tag${r.tags.matched === 1 ? '' : 's'} matched its template${r.tags.templates.length === 1 ? '' : 's'} ${r.tags.templates.join(', ')} (${r.tags.lowest} … ${r.tags.highest}, last ${r.lastRelease.tag}); if some belong to another component or an older generation, give ${r.component} its own tag: template in lanes.yaml`,
    );
  }
  return notes;
}
