import { createHash } from 'node:crypto';
import type { Workspace } from '../workspace/workspace.js';
import { withoutUserinfo } from '../git/remote-url.js';
import { BUILD_INPUTS_KEY, REVISION_KEY } from '../registry/published.js';

/**
 * OCI labels for an image. `created` is the commit's time, not the build's,
 * so two builds of one commit are byte-identical and a rebuild is a cache hit.
 * `buildInputs` (see buildInputsDigest) says what, besides the commit, the
 * image was built from.
 */
export function imageLabels(ws: Workspace, component: string, version: string, now: string, buildInputs?: string): Record<string, string> {
  const source = ws.config.release.github ? `https://github.com/${ws.config.release.github}` : sourceUrl(ws.repo.remoteUrl);
  return {
    'org.opencontainers.image.version': version,
    [REVISION_KEY]: ws.repo.head ?? 'unknown',
    ...(source && !/^(\/|file:)/.test(source) ? { 'org.opencontainers.image.source': source } : {}),
    'org.opencontainers.image.created': ws.repo.headTime ?? now,
    'org.opencontainers.image.title': component,
    ...(buildInputs ? { [BUILD_INPUTS_KEY]: buildInputs } : {}),
  };
}

/**
 * The remote as a browsable https URL: scp-like `git@host:path` and
 * `ssh://[user@]host[:port]/path` become `https://host/path`, `.git` goes, and
 * never any user-info (repo facts already dropped it; this holds for any URL given).
 */
export function sourceUrl(remote: string | undefined): string | undefined {
  if (!remote) return undefined;
  return withoutUserinfo(remote)
    .replace(/^[^@/:]+@([^:/]+):(?!\/)/, 'https://$1/')
    .replace(/^ssh:\/\/([^/:]+)(?::\d+)?\//i, 'https://$1/')
    .replace(/\.git$/, '');
}

/**
 * What, besides the commit (the revision label), decides what an image or a
 * chart package is: a `sha256:` digest of the build inputs the plan passes to
 * docker build (context, Dockerfile, target, platforms, every build arg and
 * its value) or to helm package (chart path, version, appVersion, the values
 * set in the packaged copy). Written into the artifact (BUILD_INPUTS_KEY), so "already
 * published by this commit" can be told from "built from this commit with other
 * inputs" (a dev build with other build args). Tags and the other labels are
 * left out: they name the artifact, and the source label depends on how the
 * clone was made, not on what was built.
 */
export function buildInputsDigest(inputs: Record<string, unknown>): string {
  return `sha256:${createHash('sha256').update(canonicalJson(inputs)).digest('hex')}`;
}

/** JSON with object keys sorted at every level: one input, one text. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}
