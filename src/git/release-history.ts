import semver from 'semver';
import type { LanesConfig } from '../config/model.js';
import type { TagRef } from './repo-facts.js';
import { versionFromTag } from './tag-template.js';

export interface ReleaseRecord {
  tag: string;
  version: string;
  commit: string;
}

/**
 * The last release of each component, from tags: `{component}-v{version}`
 * tags, and for the `release.versionOf` component the product tags
 * `v{version}` too. "Last" is the highest version, not the newest tag.
 */
export function lastReleases(config: LanesConfig, tags: readonly TagRef[]): Map<string, ReleaseRecord> {
  const out = new Map<string, ReleaseRecord>();
  const consider = (component: string, record: ReleaseRecord) => {
    const prior = out.get(component);
    if (!prior || semver.gt(record.version, prior.version)) out.set(component, record);
  };
  for (const tag of tags) {
    const product = versionFromTag(config.release.tag, tag.name);
    if (product && config.release.versionOf) consider(config.release.versionOf, { tag: tag.name, version: product, commit: tag.commit });
    for (const c of config.components) {
      const version = versionFromTag(config.release.componentTag, tag.name, c.name);
      if (version) consider(c.name, { tag: tag.name, version, commit: tag.commit });
    }
  }
  return out;
}

/** The product tags (`v{version}`) by version, highest first. */
export function productTags(config: LanesConfig, tags: readonly TagRef[]): ReleaseRecord[] {
  return tags
    .map((t) => ({ tag: t.name, commit: t.commit, version: versionFromTag(config.release.tag, t.name) }))
    .filter((r): r is ReleaseRecord => r.version !== undefined)
    .sort((a, b) => semver.rcompare(a.version, b.version));
}
