import type { Workspace } from '../workspace/workspace.js';
import { REVISION_KEY } from '../registry/published.js';

/**
 * OCI labels for an image. `created` is the commit's time, not the build's,
 * so two builds of one commit are byte-identical and a rebuild is a cache hit.
 */
export function imageLabels(ws: Workspace, component: string, version: string, now: string): Record<string, string> {
  const source = ws.config.release.github ? `https://github.com/${ws.config.release.github}` : ws.repo.remoteUrl?.replace(/^git@([^:]+):/, 'https://$1/').replace(/\.git$/, '');
  return {
    'org.opencontainers.image.version': version,
    [REVISION_KEY]: ws.repo.head ?? 'unknown',
    ...(source && !/^(\/|file:)/.test(source) ? { 'org.opencontainers.image.source': source } : {}),
    'org.opencontainers.image.created': ws.repo.headTime ?? now,
    'org.opencontainers.image.title': component,
  };
}
