import semver from 'semver';
import type { FoundTag } from './scan.js';

/** A component as tag reading needs it: its name, the other names its tags may use, its version. */
export interface TagSubject {
  name: string;
  /** Other names the repository may tag it by: its directory (`aws_s3`, `aws-s3`), image, package. */
  aliases: string[];
  version?: string;
  external: boolean;
}

export interface TagProposal {
  tag: string;
  componentTag: string;
  /** Components whose history follows a template other than componentTag: their own `tag:`. */
  perComponent: Map<string, string>;
  versionOf?: string;
  /** Why each release.* value was chosen, by key (`tag`, `componentTag`, `versionOf`, or a component name). */
  why: Map<string, string>;
  /** What could not be decided. */
  notes: string[];
}

const DEFAULT_COMPONENT_TAG = '{component}-v{version}';
/** Separators between a name and its version in tags, longest first so `-v` wins over `-`. */
const SEPARATORS = ['-v', '_v', '/v', '@v', '-', '_', '/', '@'];

interface Match {
  subject: TagSubject;
  /** The name of the subject the prefix carries. */
  key: string;
  /** The prefix is exactly key + separator. */
  exact: boolean;
  separator?: string;
}

/**
 * Reads the shapes of a repository's existing release tags and proposes the
 * templates that describe them: `release.tag` from `v1.2.3` (or `1.2.3`),
 * `release.componentTag` from the most common `<component><sep>v?<version>`
 * shape, and a component's own `tag:` where its history was tagged by another
 * name (`connector-aws-s3-v1.2.3`, `dsxa-desktop-1.2.0`). Pure.
 */
export function proposeTags(tags: readonly FoundTag[], subjects: readonly TagSubject[], core?: string): TagProposal {
  const why = new Map<string, string>();
  const notes: string[] = [];
  const product = tags.filter((t) => t.prefix === 'v' || t.prefix === '');
  const withV = product.filter((t) => t.prefix === 'v').length;
  const tag = product.length > 0 && withV * 2 < product.length ? '{version}' : 'v{version}';
  why.set('tag', product.length ? `${product.length} existing tag${product.length > 1 ? 's' : ''} like ${product[0]!.name}` : 'the default: no product tags (v1.2.3) yet');

  const byPrefix = new Map<string, FoundTag[]>();
  for (const t of tags) if (t.prefix !== 'v' && t.prefix !== '') byPrefix.set(t.prefix, [...(byPrefix.get(t.prefix) ?? []), t]);

  const candidates = subjects.filter((s) => !s.external);
  const assigned = new Map<string, { prefix: string; match: Match; tags: FoundTag[] }[]>();
  const unmatched: string[] = [];
  for (const [prefix, list] of byPrefix) {
    const match = matchPrefix(prefix, candidates);
    if (match === 'ambiguous') {
      notes.push(`${list.length} tag${list.length > 1 ? 's' : ''} like ${list[0]!.name} could belong to more than one component; give the right one tag: "${prefix}{version}"`);
      continue;
    }
    if (!match) {
      unmatched.push(`${list[0]!.name}${list.length > 1 ? ` (and ${list.length - 1} more ${prefix}…)` : ''}`);
      continue;
    }
    assigned.set(match.subject.name, [...(assigned.get(match.subject.name) ?? []), { prefix, match, tags: list }]);
  }
  if (unmatched.length) notes.push(`tags that match no component, left out of every history: ${unmatched.slice(0, 5).join(', ')}${unmatched.length > 5 ? `, … (${unmatched.length} shapes)` : ''}`);

  // One template per component: the shape most of its tags have.
  const chosen = new Map<string, { template: string; shared?: string; count: number; example: string }>();
  for (const [name, groups] of assigned) {
    groups.sort((a, b) => b.tags.length - a.tags.length || semver.rcompare(highest(a.tags), highest(b.tags)));
    const best = groups[0]!;
    const shared = best.match.exact && best.match.key === name ? `{component}${best.match.separator}{version}` : undefined;
    chosen.set(name, { template: `${best.prefix}{version}`, shared, count: best.tags.length, example: best.tags[0]!.name });
    for (const other of groups.slice(1)) notes.push(`${name} is also tagged like ${other.tags[0]!.name} (${other.tags.length}); lanes reads one template per component, so those tags are not part of its history`);
  }

  const sharedCounts = new Map<string, number>();
  for (const c of chosen.values()) if (c.shared) sharedCounts.set(c.shared, (sharedCounts.get(c.shared) ?? 0) + 1);
  const componentTag = [...sharedCounts].sort((a, b) => b[1] - a[1] || Number(b[0] === DEFAULT_COMPONENT_TAG) - Number(a[0] === DEFAULT_COMPONENT_TAG))[0]?.[0] ?? DEFAULT_COMPONENT_TAG;
  why.set('componentTag', sharedCounts.size ? `${[...chosen.values()].filter((c) => c.shared === componentTag).length} component(s) already tagged this way` : 'the default: no component tags yet');

  const perComponent = new Map<string, string>();
  for (const [name, c] of chosen) {
    if (c.shared === componentTag) {
      why.set(name, `history: ${c.count} tag${c.count > 1 ? 's' : ''} like ${c.example}`);
      continue;
    }
    perComponent.set(name, c.template);
    why.set(name, `its own tag: ${c.count} existing tag${c.count > 1 ? 's' : ''} like ${c.example}`);
  }

  let versionOf: string | undefined;
  if (product.length > 0) {
    const top = product.map((t) => t.version).sort(semver.rcompare)[0]!;
    const same = candidates.filter((s) => s.version === top).map((s) => s.name);
    const pick = same.length === 1 ? same[0] : same.includes(core ?? '') ? core : undefined;
    if (pick) {
      versionOf = pick;
      why.set('versionOf', `its version ${top} is that of the latest product tag ${tag.replace('{version}', top)}`);
    } else if (core && candidates.some((s) => s.name === core && s.version)) {
      versionOf = core;
      why.set('versionOf', 'the core component');
      notes.push(`release.versionOf: the latest product tag is ${tag.replace('{version}', top)}, and no single component is at ${top}; ${core} (the core) was chosen: check it`);
    } else notes.push(`release.versionOf: no component is at ${top}, the latest product tag's version: name the component whose version the product tag carries`);
  } else if (core && candidates.some((s) => s.name === core && s.version)) {
    versionOf = core;
    why.set('versionOf', 'the core component (no product tags yet)');
  } else {
    const versioned = candidates.filter((s) => s.version);
    if (versioned.length === 1) {
      versionOf = versioned[0]!.name;
      why.set('versionOf', 'the only versioned component');
    } else if (versioned.length > 1) notes.push('release.versionOf: which component\'s version the product tag (v1.2.3) carries is not clear; name one, or leave it out to release components only by their own tags');
  }
  return { tag, componentTag, perComponent, versionOf, why, notes };
}

const highest = (tags: readonly FoundTag[]) => tags.map((t) => t.version).sort(semver.rcompare)[0]!;

/** Which component a tag prefix names: exactly (`aws-s3-connector-v`), else by a dash-separated part (`connector-aws-s3-v`). */
function matchPrefix(prefix: string, subjects: readonly TagSubject[]): Match | 'ambiguous' | undefined {
  const exact: Match[] = [];
  for (const subject of subjects) {
    for (const key of names(subject)) {
      for (const separator of SEPARATORS) if (prefix === key + separator) exact.push({ subject, key, exact: true, separator });
    }
  }
  const one = pickOne(exact);
  if (one) return one;
  const separator = SEPARATORS.find((s) => prefix.endsWith(s));
  if (!separator) return undefined;
  const stem = prefix.slice(0, -separator.length);
  const loose: Match[] = [];
  for (const subject of subjects) {
    for (const key of names(subject)) {
      if (stem.endsWith(`-${key}`) || stem.startsWith(`${key}-`) || stem.endsWith(`/${key}`)) loose.push({ subject, key, exact: false });
    }
  }
  return pickOne(loose);
}

/** The match with the longest name; two different components tied is ambiguous. */
function pickOne(matches: Match[]): Match | 'ambiguous' | undefined {
  if (matches.length === 0) return undefined;
  // The component's own name wins over an alias of the same length.
  matches.sort((a, b) => b.key.length - a.key.length || Number(b.key === b.subject.name) - Number(a.key === a.subject.name));
  const best = matches[0]!;
  const rival = matches.find((m) => m.subject !== best.subject && m.key.length === best.key.length);
  return rival ? 'ambiguous' : best;
}

const names = (s: TagSubject) => [...new Set([s.name, ...s.aliases])].filter((n) => n.length > 0);
