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

interface GitHubAsset {
  id: number;
  name: string;
  /** 'uploaded' once whole; an upload cut off stays 'starter', listed but not downloadable. */
  state?: string;
  /** GitHub gives each asset's `digest` (sha256:…) since 2025; older servers do not. */
  digest?: string | null;
}

interface GitHubRelease {
  id: number;
  tag_name: string;
  name?: string | null;
  draft?: boolean;
  html_url: string;
  upload_url: string;
  assets?: GitHubAsset[];
}

/** A git ref or tag object as GitHub's git database API gives it: what it points at. */
interface GitObjectRef {
  object: { type: string; sha: string };
}

/** GitHub's 422 when what is created exists already. */
const alreadyExists = (r: { status: number; json: unknown }) => r.status === 422 && JSON.stringify(r.json ?? '').includes('already_exists');

export const RERUN_HINT = 'the tag, images and charts are published; fix this and run the same release again to finish it';

export function gitHubHeaders(token: string): Record<string, string> {
  return { accept: 'application/vnd.github+json', authorization: `Bearer ${token}`, 'x-github-api-version': '2022-11-28', 'user-agent': 'lanes' };
}

/** Pages of the release list searched for a draft an interrupted run left (100 releases each). */
const DRAFT_SEARCH_PAGES = 10;

/**
 * Publishes the GitHub release of the tag through the REST API, never public
 * without its assets: the release is created as a draft (seen only by those
 * with push access), the assets are uploaded to it, the draft is read back
 * and published only if every asset is there whole and with this commit's
 * bytes. A rerun after an interruption finishes the draft it left (found in
 * the release list by tag and name: a draft has no by-tag address, and a
 * draft made by hand or by another tool is not taken); an upload that was cut
 * off is deleted and made again. A release already published gets only what
 * it lacks. Two runs that meet: the one that publishes second deletes its own
 * draft and checks the other's release.
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
  /** DELETE of what this run no longer wants; already gone (404) is as good. */
  const remove = async (what: string, url: string): Promise<void> => {
    const r = await call(what, 'DELETE', url);
    if (r.status !== 204 && r.status !== 404) throw fail(what, r);
  };
  const expected = await Promise.all(step.assets.map(async (path) => ({ name: basename(path), data: await gh.readAsset(path) })));
  const digestOf = new Map(expected.map((a) => [a.name, `sha256:${sha256(a.data)}`]));

  /** The published release of the tag, or undefined. */
  const published = async (): Promise<GitHubRelease | undefined> => {
    const r = await call(`looking up release ${step.tag}`, 'GET', `${releases}/tags/${encodeURIComponent(step.tag)}`);
    if (r.status === 404) return undefined;
    if (r.status !== 200) throw fail(`looking up release ${step.tag}`, r);
    return asRelease(`release ${step.tag}`, r.json);
  };

  /** The release as GitHub has it now. */
  const reread = async (release: GitHubRelease): Promise<GitHubRelease> => {
    const r = await call(`reading release ${step.tag}`, 'GET', `${releases}/${release.id}`);
    if (r.status !== 200) throw fail(`reading release ${step.tag} (release ${release.id})`, r);
    return asRelease(`release ${step.tag}`, r.json);
  };

  /** A draft this release left: its tag and name, and no asset that is not one of its own. */
  const leftDraft = async (): Promise<GitHubRelease | undefined> => {
    for (let page = 1; page <= DRAFT_SEARCH_PAGES; page++) {
      const r = await call(`listing releases to find a draft of ${step.tag}`, 'GET', `${releases}?per_page=100&page=${page}`);
      if (r.status !== 200 || !Array.isArray(r.json)) throw fail(`listing releases to find a draft of ${step.tag}`, r);
      const ours = (r.json as GitHubRelease[]).find((x) => x?.draft === true && x.tag_name === step.tag && x.name === step.name && (x.assets ?? []).every((a) => digestOf.has(a.name)));
      if (ours) return asRelease(`the draft of ${step.tag}`, ours);
      if (r.json.length < 100) return undefined;
    }
    return undefined;
  };

  /** Uploads what the release lacks, after deleting an upload that was cut off. The number uploaded. */
  const completeAssets = async (release: GitHubRelease): Promise<number> => {
    const present = new Map((release.assets ?? []).map((a) => [a.name, a]));
    const uploadBase = release.upload_url.replace(/\{.*\}$/, '');
    let uploaded = 0;
    for (const { name, data } of expected) {
      const there = present.get(name);
      if (there && isWhole(there)) continue; // checked, with the rest, by unfinished()
      if (there) await remove(`deleting ${name}, an upload that was cut off`, `${releases}/assets/${there.id}`);
      const r = await call(`uploading ${name}`, 'POST', `${uploadBase}?name=${encodeURIComponent(name)}`, data, {
        'content-type': name.endsWith('gz') ? 'application/gzip' : 'text/plain',
        'content-length': String(data.byteLength),
      });
      // Taken meanwhile by another run of this release: whether it is whole and the same bytes is checked before anything is published.
      if (alreadyExists(r)) continue;
      if (r.status !== 201) throw fail(`uploading ${name}`, r);
      uploaded++;
    }
    return uploaded;
  };

  /** What keeps the release from being complete: an asset missing, not whole, or other bytes than this commit builds. */
  const unfinished = (release: GitHubRelease): string | undefined => {
    const there = new Map((release.assets ?? []).map((a) => [a.name, a]));
    for (const [name, digest] of digestOf) {
      const a = there.get(name);
      if (!a) return `${name} is not on it`;
      if (!isWhole(a)) return `${name} is not whole yet (state ${a.state}: another run may still be uploading it, or its upload was cut off)`;
      if (a.digest && a.digest !== digest) return `${name} has other bytes (${a.digest}) than this commit builds (${digest}); delete that asset (or the release) and run the release again`;
    }
    return undefined;
  };

  /**
   * GitHub's tag of the release, if it has one, must be at the released
   * commit: release.github could name a repository other than the remote
   * lanes pushed the tag to (a fork, a mirror) whose tag of that name is
   * another commit, and the release would attach to it. Without the tag,
   * GitHub makes it at target_commitish, the released commit.
   */
  const checkTag = async (): Promise<void> => {
    const what = `looking up tag ${step.tag}`;
    let r = await call(what, 'GET', `${api}/repos/${step.repository}/git/ref/tags/${encodeURIComponent(step.tag)}`);
    if (r.status === 404) return;
    // Annotated tags (lanes writes those) point at a tag object, which points at the commit.
    for (let depth = 0; r.status === 200 && (r.json as GitObjectRef)?.object?.type === 'tag' && depth < 4; depth++) {
      r = await call(what, 'GET', `${api}/repos/${step.repository}/git/tags/${(r.json as GitObjectRef).object.sha}`);
    }
    if (r.status !== 200) throw fail(what, r);
    const target = (r.json as GitObjectRef)?.object;
    if (target?.type !== 'commit' || target.sha !== step.commit) {
      throw new StepError(`GitHub's tag ${step.tag} in ${step.repository} is at ${target?.type === 'commit' ? `commit ${target.sha.slice(0, 7)}` : `a ${target?.type ?? 'missing'} object`}, not at the released commit ${step.commit.slice(0, 7)}; release.github must name the repository the tag was pushed to (or one without that tag): fix it or the tag there, then run the same release again`);
    }
  };

  /** A published release given what it lacks, then checked whole (read back only when that may have changed it). */
  const finishPublished = async (release: GitHubRelease): Promise<StepOutputs['github-release']> => {
    const uploaded = await completeAssets(release);
    const problem = unfinished(uploaded > 0 || !(release.assets ?? []).every(isWhole) ? await reread(release) : release);
    if (problem) throw new StepError(`GitHub release ${step.tag} is published but ${problem}; ${RERUN_HINT}`);
    return { url: release.html_url, assetsUploaded: uploaded };
  };

  await checkTag();
  const done = await published();
  if (done) return finishPublished(done);

  let draft = await leftDraft();
  if (!draft) {
    const body = { tag_name: step.tag, target_commitish: step.commit, name: step.name, body: step.notes, draft: true, prerelease: step.prerelease };
    const created = await callWithJson(`creating release ${step.tag} (as a draft until its assets are up)`, 'POST', releases, body);
    if (created.status !== 201) throw fail(`creating release ${step.tag}`, created);
    draft = asRelease(`the new draft of ${step.tag}`, created.json);
  }
  const uploaded = await completeAssets(draft);
  const problem = unfinished(await reread(draft));
  if (problem) throw new StepError(`GitHub release ${step.tag} stays a draft, unpublished: ${problem}; ${RERUN_HINT}`);
  // The whole release again, not only draft:false: a draft edited without its tag_name loses the tag.
  const publishing = { tag_name: step.tag, name: step.name, body: step.notes, prerelease: step.prerelease, draft: false };
  const publish = await callWithJson(`publishing release ${step.tag}`, 'PATCH', `${releases}/${draft.id}`, publishing);
  if (publish.status === 200) {
    const out = asRelease(`release ${step.tag}`, publish.json);
    if (out.draft !== false || out.tag_name !== step.tag) throw new StepError(`GitHub API: publishing release ${step.tag} answered with ${out.draft !== false ? 'a draft' : `tag ${out.tag_name}`}; check the release on GitHub, then ${RERUN_HINT}`);
    return { url: out.html_url, assetsUploaded: uploaded };
  }
  // Refused: if another run of this release published first, this run's draft is surplus. What counts is the published release, checked like any rerun's.
  const winner = publish.status === 422 ? await published() : undefined;
  if (!winner) throw fail(`publishing release ${step.tag}`, publish);
  await remove(`deleting the surplus draft of ${step.tag} (release ${draft.id})`, `${releases}/${draft.id}`);
  return finishPublished(winner);
}

/** Whether an asset is whole: 'uploaded' (older servers give no state, only whole assets). */
const isWhole = (a: GitHubAsset) => (a.state ?? 'uploaded') === 'uploaded';
