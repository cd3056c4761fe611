import { basename } from 'node:path';
import { StepError } from '../errors.js';
import type { StepOf } from '../plan/types.js';
import type { StepOutputs } from '../exec/executor.js';
import type { Redactor } from '../exec/redactor.js';
import { RERUN_HINT } from './github-release.js';
import { callJson, httpFailure } from './http-json.js';

/** What the GitLab client needs: a token and what kind it is, and the asset bytes. */
export interface GitLabContext {
  token?: string;
  /** A CI job token (CI_JOB_TOKEN) goes in JOB-TOKEN; personal, project and group tokens in PRIVATE-TOKEN. */
  jobToken?: boolean;
  redactor: Redactor;
  readAsset: (path: string) => Promise<Uint8Array>;
}

interface GitLabRelease {
  tag_name: string;
  _links?: { self?: string };
  assets?: { links?: { name: string; url: string }[] };
}

export function gitLabHeaders(token: string, jobToken: boolean | undefined): Record<string, string> {
  return { [jobToken ? 'job-token' : 'private-token']: token, 'user-agent': 'lanes' };
}

/**
 * Creates the GitLab release for the tag through the Releases API. GitLab
 * releases hold links, not files: each asset is uploaded to the project's
 * generic package registry (`<packageName>/<tag>/<file>`) and linked as a
 * package. A re-run uploads and links only what the release lacks.
 * API: https://docs.gitlab.com/api/releases/, /api/releases/links/, /user/packages/generic_packages/
 */
export async function publishGitLabRelease(gl: GitLabContext, step: StepOf<'gitlab-release'>): Promise<StepOutputs['gitlab-release']> {
  if (!gl.token) throw new StepError(`creating the GitLab release needs a token: set GITLAB_TOKEN (or run in GitLab CI, where CI_JOB_TOKEN is used), or pass --gitlab-token env://NAME; ${RERUN_HINT}`);
  gl.redactor.add(gl.token);
  const api = step.apiUrl.replace(/\/+$/, '');
  const project = `${api}/projects/${encodeURIComponent(step.project)}`;
  const headers = gitLabHeaders(gl.token, gl.jobToken);
  const call = (what: string, method: 'GET' | 'POST' | 'PUT', url: string, body?: Uint8Array | string, extra: Record<string, string> = {}) =>
    callJson(`GitLab API: ${what}`, method, url, { ...headers, ...extra }, gl.redactor, RERUN_HINT, body);
  const fail = (what: string, r: Awaited<ReturnType<typeof call>>) => httpFailure(`GitLab API: ${what}`, r, gl.redactor, RERUN_HINT, 'check that the token may create releases (Developer role or higher; api scope) and upload packages');
  const tagPath = encodeURIComponent(step.tag);

  const existing = await call(`looking up release ${step.tag}`, 'GET', `${project}/releases/${tagPath}`);
  if (existing.status !== 200 && existing.status !== 404) throw fail(`looking up release ${step.tag}`, existing);
  let release = existing.status === 200 ? (existing.json as GitLabRelease) : undefined;
  const linked = new Set((release?.assets?.links ?? []).map((l) => l.name));

  const links: { name: string; url: string; link_type: 'package' }[] = [];
  for (const asset of step.assets) {
    const name = basename(asset);
    if (linked.has(name)) continue;
    const url = `${project}/packages/generic/${encodeURIComponent(step.packageName)}/${encodeURIComponent(step.tag)}/${encodeURIComponent(name)}`;
    const data = await gl.readAsset(asset);
    const put = await call(`uploading ${name}`, 'PUT', url, data, { 'content-type': 'application/octet-stream', 'content-length': String(data.byteLength) });
    if (put.status !== 201 && put.status !== 200) throw fail(`uploading ${name} to the package registry`, put);
    links.push({ name, url, link_type: 'package' });
  }

  if (!release) {
    const body = JSON.stringify({ tag_name: step.tag, name: step.name, description: step.notes, assets: { links } });
    const created = await call(`creating release ${step.tag}`, 'POST', `${project}/releases`, body, { 'content-type': 'application/json' });
    if (created.status === 201) return { url: (created.json as GitLabRelease)._links?.self ?? `${step.project} ${step.tag}`, assetsUploaded: links.length };
    if (created.status !== 409) throw fail(`creating release ${step.tag}`, created);
    // 409: another run of this release created it meanwhile; link to that one what it lacks.
    const again = await call(`looking up release ${step.tag}`, 'GET', `${project}/releases/${tagPath}`);
    if (again.status !== 200) throw fail(`looking up release ${step.tag}`, again);
    release = again.json as GitLabRelease;
  }
  const nowLinked = new Set((release.assets?.links ?? []).map((l) => l.name));
  for (const link of links.filter((l) => !nowLinked.has(l.name))) {
    const added = await call(`linking ${link.name}`, 'POST', `${project}/releases/${tagPath}/assets/links`, JSON.stringify(link), { 'content-type': 'application/json' });
    // "name has already been taken": linked meanwhile by another run of this release.
    if (added.status === 400 && /already been taken/.test(added.text)) continue;
    if (added.status !== 201) throw fail(`linking ${link.name} to release ${step.tag}`, added);
  }
  return { url: release._links?.self ?? `${step.project} ${step.tag}`, assetsUploaded: links.length };
}
