import type { Component } from '../config/model.js';
import { describeDisagreement } from '../versions/read-versions.js';
import type { Workspace } from '../workspace/workspace.js';
import type { Finding } from './finding.js';

/**
 * Guardrails that need only the workspace (no registry, no tag): they apply
 * to every lane, and `status` shows the same facts.
 */

/** Version files of one component disagree (version.py vs Chart.yaml appVersion vs an env pin). */
export function versionAgreement(ws: Workspace, components: readonly Component[]): Finding[] {
  return components.flatMap((c) => {
    const v = ws.versions.get(c.name);
    if (!v || v.agree) return [];
    return [
      {
        code: 'E_VERSION_MISMATCH' as const,
        severity: 'error' as const,
        component: c.name,
        version: v.version,
        message: `${c.name}: version files disagree (${describeDisagreement(v)}); run lanes bump ${c.name} --version <X.Y.Z> to set them all`,
      },
    ];
  });
}

/** Release-relevant sources changed since the component's last release tag, version unchanged. */
export function changedNotBumped(ws: Workspace, components: readonly Component[]): Finding[] {
  const out: Finding[] = [];
  for (const c of components) {
    const last = ws.lastRelease.get(c.name);
    const version = ws.versions.get(c.name)?.version;
    const changed = ws.changedSinceRelease.get(c.name);
    if (!last || !version || version !== last.version || !Array.isArray(changed) || changed.length === 0) continue;
    const sample = changed.slice(0, 3).join(', ') + (changed.length > 3 ? `, … (${changed.length} files)` : '');
    out.push({
      code: 'W_CHANGED_NOT_BUMPED',
      severity: 'warning',
      component: c.name,
      version,
      message: `${c.name}: ${sample} changed since ${last.tag} but the version is still ${version}; run lanes bump ${c.name} --patch (or --minor/--major)`,
    });
  }
  return out;
}

export function unlistedComponents(ws: Workspace): Finding[] {
  return ws.unlisted.map((dir) => ({
    code: 'W_UNLISTED_COMPONENT' as const,
    severity: 'warning' as const,
    message: `${dir} looks like a component (Dockerfile, chart or version file) but no component of ${ws.config.file} covers it; add it, or add its directory to an existing component's sources`,
  }));
}

export function shallowClone(ws: Workspace): Finding[] {
  if (!ws.repo.shallow) return [];
  const unknown = [...ws.changedSinceRelease].filter(([, v]) => v === 'unknown').map(([k]) => k);
  return [
    {
      code: 'W_SHALLOW_CLONE',
      severity: 'warning',
      message: `this is a shallow clone: ${unknown.length ? `changes since the last release of ${unknown.join(', ')} cannot be known, and ` : ''}older tags may be missing; run git fetch --unshallow --tags (in CI: fetch-depth: 0)`,
    },
  ];
}

export function workspaceFindings(ws: Workspace, components: readonly Component[]): Finding[] {
  return [...versionAgreement(ws, components), ...changedNotBumped(ws, components), ...unlistedComponents(ws), ...shallowClone(ws)];
}
