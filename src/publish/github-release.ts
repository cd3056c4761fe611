import { basename } from 'node:path';
import { StepError } from '../errors.js';
import type { StepOf } from '../plan/types.js';
import type { StepOutputs } from '../exec/executor.js';
import type { Redactor } from '../exec/redactor.js';
import { callJson, httpFailure } from './http-json.js';
import { sha256 } from '../artifacts/checksums.js';

/** What the GitHub client needs, and nothing more: either executor can give it. */
export interface GitHubContext {
  token?: string;
  /** https://api.github.com, or GitHub Enterprise's /api/v3. */
  apiUrl: string;
  redactor: Redactor;
  /** The bytes of a release asset, by its plan path. */
  readAsset: (path: string) => Promise<Uint8Array>;
}

interface GitHubRelease {
  html_url: string;
  upload_url: string;
  /** GitHub gives each asset's `digest` (sha256:…) since 2025; older servers do not. */
  assets?: { name: string; digest?: string | null }[];
}

/** GitHub's 422 when what is created exists already: another run of this release got there first. */
const alreadyExists = (r: { status: number; json: unknown }) => r.status === 422 && JSON.stringify(r.json ?? '').includes('already_exists');

export const RERUN_HINT = 'the tag, images and charts are published; fix this and run the same release again to finish it';

export function gitHubHeaders(token: string): Record<string, string> {
  return { accept: 'application/vnd.github+json', authorization: `Bearer ${token}`, 'x-github-api-version': '2022-11-28', 'user-agent': 'lanes' };
}

/**
 * Creates the GitHub release for the tag through the REST API and uploads
 * its assets. If the release already exists (a re-run after an interruption),
 * only the assets it lacks are uploaded.
 * API: https://docs.github.com/en/rest/releases/releases and /releases/assets
 */
export async function publishGitHubRelease(gh: GitHubContext, step: StepOf<'github-release'>): Promise<StepOutputs['github-release']> {
  if (!gh.token) throw new StepError(`creating the GitHub release needs a token: set GITHUB_TOKEN (or pass --github-token env://NAME); ${RERUN_HINT}`);
  gh.redactor.add(gh.token);
  const api = gh.apiUrl.replace(/\/+$/, '');
  const headers = gitHubHeaders(gh.token);
  const call = (what: string, method: 'GET' | 'POST', url: string, body?: Uint8Array | string, extra: Record<string, string> = {}) =>
    callJson(`GitHub API: ${what}`, method, url, { ...headers, ...extra }, gh.redactor, RERUN_HINT, body);
  const fail = (what: string, r: Awaited<ReturnType<typeof call>>) => httpFailure(`GitHub API: ${what}`, r, gh.redactor, RERUN_HINT, 'check that the token may write releases: contents: write');

  const existing = await call(`looking up release ${step.tag}`, 'GET', `${api}/repos/${step.repository}/releases/tags/${encodeURIComponent(step.tag)}`);
  let release: GitHubRelease;
  if (existing.status === 200) release = existing.json as GitHubRelease;
  else if (existing.status === 404) {
    const body = JSON.stringify({ tag_name: step.tag, name: step.name, body: step.notes, draft: false, prerelease: step.prerelease });
    const created = await call(`creating release ${step.tag}`, 'POST', `${api}/repos/${step.repository}/releases`, body, { 'content-type': 'application/json' });
    if (alreadyExists(created)) {
      // Another run of this release created it between our look-up and now: carry on with that one.
      const again = await call(`looking up release ${step.tag}`, 'GET', `${api}/repos/${step.repository}/releases/tags/${encodeURIComponent(step.tag)}`);
      if (again.status !== 200) throw fail(`looking up release ${step.tag}`, again);
      release = again.json as GitHubRelease;
    } else if (created.status !== 201) throw fail(`creating release ${step.tag}`, created);
    else release = created.json as GitHubRelease;
  } else throw fail(`looking up release ${step.tag}`, existing);
  if (typeof release?.upload_url !== 'string') throw new StepError(`GitHub API: release ${step.tag} came back without an upload_url; ${RERUN_HINT}`);

  const present = new Map((release.assets ?? []).map((a) => [a.name, a.digest ?? undefined]));
  const uploadBase = release.upload_url.replace(/\{.*\}$/, '');
  let uploaded = 0;
  for (const asset of step.assets) {
    const name = basename(asset);
    const data = await gh.readAsset(asset);
    if (present.has(name)) {
      // A rerun verifies what it finds: an asset of this release must be the bytes this commit builds.
      const there = present.get(name);
      if (there && there !== `sha256:${sha256(data)}`) throw new StepError(`GitHub release ${step.tag} already has ${name} with other bytes (${there}) than this commit builds (sha256:${sha256(data)}); delete that asset (or the release) and run the release again`);
      continue;
    }
    const r = await call(`uploading ${name}`, 'POST', `${uploadBase}?name=${encodeURIComponent(name)}`, data, {
      'content-type': name.endsWith('gz') ? 'application/gzip' : 'text/plain',
      'content-length': String(data.byteLength),
    });
    // Uploaded meanwhile by another run of this release: the same reproducible bytes.
    if (alreadyExists(r)) continue;
    if (r.status !== 201) throw fail(`uploading ${name}`, r);
    uploaded++;
  }
  return { url: release.html_url, assetsUploaded: uploaded };
}
