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
  id: number;
  tag_name: string;
  draft?: boolean;
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

/** Pages of the release list searched for a draft an interrupted run left (100 releases each). */
const DRAFT_SEARCH_PAGES = 10;

/**
 * Publishes the GitHub release of the tag through the REST API, so that it
 * never shows without its assets: the release is created as a draft (seen
 * only by those with push access), the assets are uploaded to it, and only
 * then is it published. A rerun after an interruption finds its draft (the
 * release list; a draft has no by-tag address) and finishes it; a release
 * already published gets only the assets it lacks, each one already there
 * checked against the bytes this commit builds. Two runs of one release that
 * meet: the one that publishes second deletes its own draft and takes the
 * other's release.
 * API: https://docs.github.com/en/rest/releases/releases and /releases/assets
 */
export async function publishGitHubRelease(gh: GitHubContext, step: StepOf<'github-release'>): Promise<StepOutputs['github-release']> {
  if (!gh.token) throw new StepError(`creating the GitHub release needs a token: set GITHUB_TOKEN (or pass --github-token env://NAME); ${RERUN_HINT}`);
  gh.redactor.add(gh.token);
  const api = gh.apiUrl.replace(/\/+$/, '');
  const releases = `${api}/repos/${step.repository}/releases`;
  const headers = gitHubHeaders(gh.token);
  type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
  const call = (what: string, method: Method, url: string, body?: Uint8Array | string, extra: Record<string, string> = {}) =>
    callJson(`GitHub API: ${what}`, method, url, { ...headers, ...extra }, gh.redactor, RERUN_HINT, body);
  const callWithJson = (what: string, method: Method, url: string, body: unknown) => call(what, method, url, JSON.stringify(body), { 'content-type': 'application/json' });
  const fail = (what: string, r: Awaited<ReturnType<typeof call>>) => httpFailure(`GitHub API: ${what}`, r, gh.redactor, RERUN_HINT, 'check that the token may write releases: contents: write');
  const asRelease = (what: string, json: unknown): GitHubRelease => {
    const r = json as GitHubRelease;
    if (typeof r?.upload_url !== 'string' || typeof r.id !== 'number') throw new StepError(`GitHub API: ${what} came back without an id and upload_url; ${RERUN_HINT}`);
    return r;
  };

  /** The published release of the tag, or undefined. */
  const published = async (): Promise<GitHubRelease | undefined> => {
    const r = await call(`looking up release ${step.tag}`, 'GET', `${releases}/tags/${encodeURIComponent(step.tag)}`);
    if (r.status === 404) return undefined;
    if (r.status !== 200) throw fail(`looking up release ${step.tag}`, r);
    return asRelease(`release ${step.tag}`, r.json);
  };

  /** A draft of this tag left by an interrupted run, newest first as GitHub lists them. */
  const leftDraft = async (): Promise<GitHubRelease | undefined> => {
    for (let page = 1; page <= DRAFT_SEARCH_PAGES; page++) {
      const r = await call(`listing releases to find a draft of ${step.tag}`, 'GET', `${releases}?per_page=100&page=${page}`);
      if (r.status !== 200 || !Array.isArray(r.json)) throw fail(`listing releases to find a draft of ${step.tag}`, r);
      const draft = (r.json as GitHubRelease[]).find((x) => x?.draft === true && x.tag_name === step.tag);
      if (draft) return asRelease(`the draft of ${step.tag}`, draft);
      if (r.json.length < 100) return undefined;
    }
    return undefined;
  };

  /** Uploads what the release lacks; what it has must be this commit's bytes. The number uploaded. */
  const completeAssets = async (release: GitHubRelease): Promise<number> => {
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
    return uploaded;
  };

  const done = await published();
  if (done) return { url: done.html_url, assetsUploaded: await completeAssets(done) };

  let draft = await leftDraft();
  if (!draft) {
    const created = await callWithJson(`creating release ${step.tag} (as a draft until its assets are up)`, 'POST', releases, { tag_name: step.tag, name: step.name, body: step.notes, draft: true, prerelease: step.prerelease });
    if (created.status !== 201) throw fail(`creating release ${step.tag}`, created);
    draft = asRelease(`the new draft of ${step.tag}`, created.json);
  }
  const uploaded = await completeAssets(draft);
  const publish = await callWithJson(`publishing release ${step.tag}`, 'PATCH', `${releases}/${draft.id}`, { draft: false });
  if (publish.status === 200) return { url: asRelease(`release ${step.tag}`, publish.json).html_url, assetsUploaded: uploaded };
  // Refused: if another run of this release published first, this run's draft is surplus. Its assets
  // were the same reproducible bytes; what counts is the published release, checked like any rerun's.
  const winner = publish.status === 422 ? await published() : undefined;
  if (!winner) throw fail(`publishing release ${step.tag}`, publish);
  const removed = await call(`deleting the surplus draft of ${step.tag}`, 'DELETE', `${releases}/${draft.id}`);
  if (removed.status !== 204 && removed.status !== 404) throw fail(`deleting the surplus draft of ${step.tag} (release ${draft.id})`, removed);
  return { url: winner.html_url, assetsUploaded: await completeAssets(winner) };
}
