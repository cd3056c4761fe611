import type { ConfigIssue } from '../errors.js';
import type { LanesConfig } from './model.js';

/**
 * Checks lanes.yaml cannot express in its schema that make the file
 * unusable: names used twice (everything is keyed by name) and a versionOf
 * that names no versioned component. Two things publishing to one repository
 * are not a config error but a finding (E_REF_COLLISION, see
 * guardrails/ref-collisions.ts): it stops the lanes whose references collide,
 * while status and the other lanes still run and show it.
 */
export function findCollisions(config: LanesConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const firstByName = new Map<string, number>();
  for (const c of config.components) {
    const first = firstByName.get(c.name);
    if (first !== undefined) issues.push({ file: config.file, path: `components[${c.index}].name`, message: `duplicate component name "${c.name}" (also components[${first}]); names must be unique` });
    else firstByName.set(c.name, c.index);
  }

  if (config.release.versionOf) {
    const target = config.components.find((c) => c.name === config.release.versionOf);
    if (!target) issues.push({ file: config.file, path: 'release.versionOf', message: `no component named "${config.release.versionOf}"; name one of: ${config.components.map((c) => c.name).join(', ')}` });
    else if (target.versionFiles.length === 0) issues.push({ file: config.file, path: 'release.versionOf', message: `component "${target.name}" has no version files; pick a versioned component` });
  }
  return issues;
}
