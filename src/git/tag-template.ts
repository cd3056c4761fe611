/**
 * Tag templates from lanes.yaml: `v{version}` for the product,
 * `{component}-v{version}` per component.
 */
export function renderTag(template: string, values: { version: string; component?: string }): string {
  return template.replaceAll('{version}', values.version).replaceAll('{component}', values.component ?? '');
}

/** The version a tag names under a template, or undefined when the tag does not follow it. */
export function versionFromTag(template: string, tag: string, component?: string): string | undefined {
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const source = template
    .split(/(\{version\}|\{component\})/)
    .map((part) => (part === '{version}' ? '(?<version>\\d+\\.\\d+\\.\\d+(?:-[0-9A-Za-z.-]+)?(?:\\+[0-9A-Za-z.-]+)?)' : part === '{component}' ? escape(component ?? '') : escape(part)))
    .join('');
  return new RegExp(`^${source}$`).exec(tag)?.groups?.version;
}
