import type { ConfigIssue } from '../errors.js';
import type { LanesConfig } from './model.js';
import { repositoryKey } from '../registry/image-ref.js';

/**
 * Checks lanes.yaml cannot express in its schema that make the file
 * unusable: names used twice (everything is keyed by name) and a versionOf
 * that names no versioned component. Two things publishing to one repository
 * are not a config error but a finding (E_REF_COLLISION, see
 * guardrails/ref-collisions.ts): it stops the lanes whose references collide,
 * while status and the other lanes still run and show it.
 *
 * A dev namespace that is also a release namespace is a config error: every
 * dev push would write where releases live (its `<version>` tag is a release's
 * tag), a dev build would pass for "already published by this commit" in the
 * release lane, and a later dev push would overwrite the release. No lane is
 * safe with it, and the fix is one line of lanes.yaml.
 */
export function findCollisions(config: LanesConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const firstByName = new Map<string, number>();
  for (const c of config.components) {
    const first = firstByName.get(c.name);
    if (first !== undefined) issues.push({ file: config.file, path: `components[${c.index}].name`, message: `duplicate component name "${c.name}" (also components[${first}]); names must be unique` });
    else firstByName.set(c.name, c.index);
  }

  issues.push(...sharedNamespaces(config));

  if (config.release.versionOf) {
    const target = config.components.find((c) => c.name === config.release.versionOf);
    if (!target) issues.push({ file: config.file, path: 'release.versionOf', message: `no component named "${config.release.versionOf}"; name one of: ${config.components.map((c) => c.name).join(', ')}` });
    else if (target.versionFiles.length === 0) issues.push({ file: config.file, path: 'release.versionOf', message: `component "${target.name}" has no version files; pick a versioned component` });
  }
  return issues;
}

/**
 * Every namespace of registries.dev (images, charts) that is also one of
 * registries.release, registry host aliases taken as one registry
 * (docker.io/ns and oci://registry-1.docker.io/ns are one namespace).
 */
function sharedNamespaces(config: LanesConfig): ConfigIssue[] {
  const { dev, release } = config.registries;
  if (!dev || !release) return [];
  const key = (namespace: string): string | undefined => {
    try {
      return repositoryKey(namespace, '_');
    } catch {
      return undefined; // not a namespace at all: the schema's issue, reported there
    }
  };
  const issues: ConfigIssue[] = [];
  for (const d of ['images', 'charts'] as const) {
    for (const r of ['images', 'charts'] as const) {
      const k = key(dev[d]);
      if (!k || k !== key(release[r])) continue;
      issues.push({
        file: config.file,
        path: `registries.dev.${d}`,
        message: `"${dev[d]}" is also registries.release.${r} ("${release[r]}"); dev pushes would overwrite releases, and a dev build would pass for the release: give dev a namespace of its own (e.g. ${suggestDev(release[r])})`,
      });
    }
  }
  return issues;
}

function suggestDev(namespace: string): string {
  return `${namespace.replace(/\/+$/, '')}-dev`;
}
