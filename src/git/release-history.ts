import semver from 'semver';
import type { LanesConfig } from '../config/model.js';
import type { TagRef } from './repo-facts.js';
import { componentTagTemplate, parseVersion, tagShape } from './tag-template.js';

export interface ReleaseRecord {
  tag: string;
  version: string;
  commit: string;
}

/** The tags that matched one component, for `status` to show what history it was given. */
export interface ComponentTags {
  /** The templates its releases are read from, `{component}` filled in: its own (`aws-s3-connector-v{version}`), and `release.tag` for `release.versionOf`. */
  templates: string[];
  /** Tags that name a release of it: its own template, and the product tag for `release.versionOf`. */
  matched: number;
  /** Of those, tags on commits that HEAD does not contain (other branches): not counted as its history. */
  notReachable: number;
  lowest?: ReleaseRecord;
  highest?: ReleaseRecord;
}

/** A tag that more than one component's template reads as a release: counted for each, shown in status. */
export interface AmbiguousTag {
  tag: string;
  components: string[];
}

/** A tag laid out like a release tag whose version is not strict semver (`v09.9.9`): ignored, shown in status. */
export interface IgnoredTag {
  tag: string;
  template: string;
  reason: string;
}

export interface ReleaseHistory {
  /** The last release of each component: its highest version among the tags reachable from HEAD. */
  last: Map<string, ReleaseRecord>;
  /** Product tags (`release.tag`) reachable from HEAD, highest version first. */
  product: ReleaseRecord[];
  byComponent: Map<string, ComponentTags>;
  ambiguous: AmbiguousTag[];
  ignored: IgnoredTag[];
  /** Whether git said which tags HEAD contains; when not (no commit, missing objects), every tag counts. */
  reachabilityKnown: boolean;
}

/** Who a template's tags belong to: a component, or the product (whose version is `release.versionOf`'s). */
interface Owner {
  component?: string;
  product: boolean;
  template: string;
  suffix: string;
}

/**
 * Every template of the config, indexed by its literal prefix (`{component}`
 * filled in). A tag is read by looking its possible prefixes up (each place a
 * version could start), so reading all tags costs tags + components, not
 * their product.
 */
function indexTemplates(config: LanesConfig): Map<string, Owner[]> {
  const byPrefix = new Map<string, Owner[]>();
  const add = (template: string, owner: Omit<Owner, 'suffix' | 'template'>, component?: string) => {
    const { prefix, suffix } = tagShape(template, component);
    const list = byPrefix.get(prefix) ?? [];
    list.push({ ...owner, suffix, template: `${prefix}{version}${suffix}` });
    byPrefix.set(prefix, list);
  };
  add(config.release.tag, { product: true, component: config.release.versionOf });
  for (const c of config.components) {
    if (!c.external) add(componentTagTemplate(config, c), { product: false, component: c.name }, c.name);
  }
  return byPrefix;
}

const cache = new WeakMap<readonly TagRef[], WeakMap<LanesConfig, ReleaseHistory>>();

/**
 * Reads every tag once against every template. Only tags reachable from HEAD
 * count as a component's history, so a maintenance branch cut from an old
 * release compares with the releases it descends from, not with newer ones
 * on main. The result is memoised per (config, tags), so the planners,
 * status and bump share one pass.
 */
export function releaseHistory(config: LanesConfig, tags: readonly TagRef[]): ReleaseHistory {
  const known = cache.get(tags)?.get(config);
  if (known) return known;
  const byPrefix = indexTemplates(config);
  const reachabilityKnown = tags.some((t) => t.reachable !== undefined) || tags.length === 0;
  const history: ReleaseHistory = { last: new Map(), product: [], byComponent: new Map(), ambiguous: [], ignored: [], reachabilityKnown };
  for (const c of config.components) {
    if (c.external) continue;
    const { prefix, suffix } = tagShape(componentTagTemplate(config, c), c.name);
    const templates = [`${prefix}{version}${suffix}`, ...(c.name === config.release.versionOf ? [config.release.tag] : [])];
    history.byComponent.set(c.name, { templates, matched: 0, notReachable: 0 });
  }
  // Parsed versions of each component's current lowest and highest: compared, never parsed again.
  const bounds = new Map<string, { low: semver.SemVer; high: semver.SemVer }>();
  const count = (component: string, record: ReleaseRecord, parsed: semver.SemVer, reachable: boolean) => {
    const entry = history.byComponent.get(component);
    if (!entry) return;
    entry.matched++;
    if (!reachable) {
      entry.notReachable++;
      return;
    }
    const b = bounds.get(component);
    if (!b) {
      bounds.set(component, { low: parsed, high: parsed });
      entry.lowest = entry.highest = record;
      return;
    }
    if (parsed.compare(b.low) < 0) [b.low, entry.lowest] = [parsed, record];
    if (parsed.compare(b.high) > 0) [b.high, entry.highest] = [parsed, record];
  };
  const productVersions = new Map<ReleaseRecord, semver.SemVer>();
  // Only where some template's prefix ends can a version start: no slice or look-up elsewhere.
  const prefixLengths = new Set([...byPrefix.keys()].map((p) => p.length));
  // Many tags carry the same version text (every component's 1.2.0): each text is parsed once.
  // The parsed versions are only compared, never changed, so sharing them is safe.
  const parsedText = new Map<string, ReturnType<typeof parseVersion>>();
  const parse = (text: string) => {
    if (parsedText.has(text)) return parsedText.get(text);
    const parsed = parseVersion(text);
    parsedText.set(text, parsed);
    return parsed;
  };

  for (const tag of tags) {
    const reachable = tag.reachable !== false;
    // Nearly every tag has one owner: a set only for the rare tag two templates read (20,000 tags, 20,000 sets less).
    let owner1: string | undefined;
    let owners: Set<string> | undefined;
    let invalid: IgnoredTag | undefined;
    let matchedAny = false;
    // A version starts with a digit: only those places can end a template's prefix.
    for (let i = 0; i < tag.name.length; i++) {
      const ch = tag.name.charCodeAt(i);
      if (ch < 48 || ch > 57 || !prefixLengths.has(i)) continue;
      const candidates = byPrefix.get(tag.name.slice(0, i));
      if (!candidates) continue;
      for (const owner of candidates) {
        if (!tag.name.endsWith(owner.suffix) || tag.name.length - owner.suffix.length <= i) continue;
        const text = tag.name.slice(i, tag.name.length - owner.suffix.length);
        const parsed = parse(text);
        if (!parsed) continue;
        if (!(parsed instanceof semver.SemVer)) {
          invalid ??= { tag: tag.name, template: owner.template, reason: parsed.reason };
          continue;
        }
        matchedAny = true;
        const record = { tag: tag.name, version: text, commit: tag.commit };
        if (owner.product && reachable) {
          history.product.push(record);
          productVersions.set(record, parsed);
        }
        if (owner.component && owner.component !== owner1 && !owners?.has(owner.component)) {
          if (owner1 === undefined) owner1 = owner.component;
          else (owners ??= new Set([owner1])).add(owner.component);
          count(owner.component, record, parsed, reachable);
        }
      }
    }
    // A tag some other template reads as a release is that release, not a stray.
    if (invalid && !matchedAny) history.ignored.push(invalid);
    if (owners) history.ambiguous.push({ tag: tag.name, components: [...owners] });
  }
  for (const [name, entry] of history.byComponent) if (entry.highest) history.last.set(name, entry.highest);
  history.product.sort((a, b) => productVersions.get(b)!.compare(productVersions.get(a)!));

  const perConfig = cache.get(tags) ?? new WeakMap<LanesConfig, ReleaseHistory>();
  perConfig.set(config, history);
  cache.set(tags, perConfig);
  return history;
}

/**
 * The last release of each component: the highest version among the tags
 * reachable from HEAD that follow its template (and, for `release.versionOf`,
 * the product tags). "Last" is the highest version, not the newest tag.
 */
export function lastReleases(config: LanesConfig, tags: readonly TagRef[]): Map<string, ReleaseRecord> {
  // A copy: the history is shared between callers and must not change under them.
  return new Map(releaseHistory(config, tags).last);
}

/** The product tags (`v{version}`) reachable from HEAD, by version, highest first. */
export function productTags(config: LanesConfig, tags: readonly TagRef[]): ReleaseRecord[] {
  return releaseHistory(config, tags).product;
}
