import semver from 'semver';
import type { Component, LanesConfig } from '../config/model.js';

/**
 * Tag templates from lanes.yaml: `release.tag` (`v{version}`) for the product,
 * `release.componentTag` (`{component}-v{version}`) for every component, or a
 * component's own `tag:` (`connector-aws-v{version}`, `desktop-{version}`)
 * where a repo's history was tagged some other way.
 */
export function renderTag(template: string, values: { version: string; component?: string }): string {
  return template.replaceAll('{version}', values.version).replaceAll('{component}', values.component ?? '');
}

/** The template a component's release tags follow: its own `tag:`, else `release.componentTag`. */
export function componentTagTemplate(config: Pick<LanesConfig, 'release'>, component: Pick<Component, 'tag'> | undefined): string {
  return component?.tag ?? config.release.componentTag;
}

/**
 * The tag that marks `version` of a component as released. The one place a
 * component's tag is rendered: planners, status and the executors all call it,
 * so a per-component template can never be honoured in one place and not another.
 */
export function componentTagName(config: Pick<LanesConfig, 'release' | 'components'>, componentName: string, version: string): string {
  return renderTag(componentTagTemplate(config, componentsByName(config.components).get(componentName)), { component: componentName, version });
}

// Planners render a tag per component: a lookup by name, not a scan of the list each time.
const byNameCache = new WeakMap<readonly Component[], Map<string, Component>>();
function componentsByName(components: readonly Component[]): Map<string, Component> {
  let map = byNameCache.get(components);
  if (!map || map.size !== components.length) {
    map = new Map(components.map((c) => [c.name, c]));
    byNameCache.set(components, map);
  }
  return map;
}

/** What a tag says under one template: a release version, a version-like token that is not strict semver, or nothing. */
export type TagReading = { version: string } | { invalid: string; reason: string } | undefined;

/**
 * Reads `tag` under `template` (with `{component}` already known). The text
 * where `{version}` stands is taken between the template's literal prefix and
 * suffix, so no regular expression is compiled per tag or per template.
 */
export function readTag(template: string, tag: string, component?: string): TagReading {
  const { prefix, suffix } = splitTemplate(renderTag(template, { version: VERSION_SLOT, component }));
  if (tag.length <= prefix.length + suffix.length || !tag.startsWith(prefix) || !tag.endsWith(suffix)) return undefined;
  return readVersion(tag.slice(prefix.length, tag.length - suffix.length));
}

/** The version a tag names under a template, or undefined when the tag does not follow it (or names no strict semver). */
export function versionFromTag(template: string, tag: string, component?: string): string | undefined {
  const reading = readTag(template, tag, component);
  return reading && 'version' in reading ? reading.version : undefined;
}

const VERSION_SLOT = '\u0000';

/** A template with `{component}` filled in, as the literal text before and after `{version}`. */
export function splitTemplate(rendered: string): { prefix: string; suffix: string } {
  const at = rendered.indexOf(VERSION_SLOT);
  return { prefix: rendered.slice(0, at), suffix: rendered.slice(at + 1) };
}

/** The literal prefix and suffix of a component's tags (`{component}` filled in). */
export function tagShape(template: string, component?: string): { prefix: string; suffix: string } {
  return splitTemplate(renderTag(template, { version: VERSION_SLOT, component }));
}

/**
 * Strict semver or nothing: `09.9.9` (a leading zero) passes a loose `\d+`
 * pattern but makes semver throw "Invalid Version" later, so it is told apart
 * here as a version-like token that is not a version.
 */
export function readVersion(text: string): TagReading {
  const parsed = parseVersion(text);
  return parsed instanceof semver.SemVer ? { version: text } : parsed;
}

/** readVersion with the parsed version kept, for callers that compare many (the history's one pass). */
export function parseVersion(text: string): semver.SemVer | { invalid: string; reason: string } | undefined {
  if (!/^\d/.test(text) || !/^[0-9A-Za-z.+-]+$/.test(text) || !text.includes('.')) return undefined;
  const parsed = semver.parse(text);
  if (parsed && parsed.version === text.replace(/\+.*$/, '')) return parsed;
  return { invalid: text, reason: `${text} is not a semantic version (MAJOR.MINOR.PATCH, no leading zeros, optional -prerelease)` };
}

/**
 * Problems of one tag template that make tags impossible or unreadable, for
 * the schema: exactly one `{version}`, no placeholder but `{component}`, and
 * nothing git refuses in a tag name. Returns a message, or undefined when fine.
 */
export function tagTemplateProblem(template: string, opts: { component: boolean }): string | undefined {
  const versions = template.split('{version}').length - 1;
  if (versions === 0) return 'must contain {version}';
  if (versions > 1) return 'must contain {version} exactly once';
  const other = template.replace(/\{version\}|\{component\}/g, '').match(/\{[^}]*\}/);
  if (other) return `unknown placeholder ${other[0]}; a tag template knows {version}${opts.component ? ' and {component}' : ''}`;
  if (!opts.component && template.includes('{component}')) return 'the product tag has no component: remove {component} (per-component tags are release.componentTag or a component\'s tag:)';
  const sample = renderTag(template, { version: '1.2.3', component: 'name' });
  if (/[\s~^:?*[\\\x00-\x1f\x7f]/.test(sample)) return 'must not contain spaces or any of ~ ^ : ? * [ \\ (git refuses them in tag names)';
  if (sample.includes('..') || sample.includes('@{') || sample.includes('//') || /^[-/.]|[/.]$|\.lock$|\/\./.test(sample)) {
    return 'is not a valid git tag name once filled in (no "..", "@{", "//", leading "-", "/" or ".", trailing "/", "." or ".lock")';
  }
  return undefined;
}

interface TemplateOwner {
  /** YAML path to report a clash at. */
  path: string;
  what: string;
  shape: string;
  component?: string;
}

/**
 * Tag templates that would give two components (or a component and the
 * product) the same tags: their histories could not be told apart and a
 * release would tag one for the other. Checked when lanes.yaml is loaded.
 */
export function tagTemplateClashes(raw: {
  release?: { tag?: string; componentTag?: string; versionOf?: string };
  components: readonly { name: string; tag?: string; external?: unknown }[];
}): { path: string; message: string }[] {
  const productTemplate = raw.release?.tag ?? 'v{version}';
  const shared = raw.release?.componentTag ?? '{component}-v{version}';
  const seen = new Map<string, TemplateOwner>();
  const out: { path: string; message: string }[] = [];
  const key = (s: { prefix: string; suffix: string }) => `${s.prefix}\u0000${s.suffix}`;
  seen.set(key(tagShape(productTemplate)), { path: 'release.tag', what: `the product tag "${productTemplate}"`, shape: productTemplate, component: raw.release?.versionOf });
  raw.components.forEach((c, i) => {
    if (c.external) return;
    const own = c.tag !== undefined;
    const template = c.tag ?? shared;
    const k = key(tagShape(template, c.name));
    const prior = seen.get(k);
    const owner: TemplateOwner = { path: own ? `components[${i}].tag` : 'release.componentTag', what: `component "${c.name}"`, shape: renderTag(template, { version: '{version}', component: c.name }), component: c.name };
    if (!prior) {
      seen.set(k, owner);
      return;
    }
    // A duplicate name is reported as such; its tags clashing is the same mistake.
    if (prior.component === c.name && prior.path !== 'release.tag') return;
    // The product's own component may share the product tag: that tag is its release either way.
    if (prior.path === 'release.tag' && prior.component === c.name) return;
    const fix = own ? `give components[${i}].tag a template of its own` : `put {component} in release.componentTag, or give "${c.name}" its own tag:`;
    out.push({ path: owner.path, message: `${owner.what} would be tagged "${owner.shape}", exactly like ${prior.what}: their releases could not be told apart; ${fix}` });
  });
  return out;
}
