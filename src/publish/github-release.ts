import { basename } from 'node:path';
import { StepError } from '../errors.js';
import type { StepOf } from '../plan/types.js';
import type { StepOutputs } from '../exec/executor.js';
import type { Redactor } from '../exec/redactor.js';

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
  assets?: { name: string }[];
}

/**
 * Creates the GitHub release for the tag through the REST API and uploads
 * its assets. If the release already exists (a re-run after an interruption),
 * only the assets it lacks are uploaded. Every failure, network ones included,
 * is a step error that says what to do: by now the tag, images and charts are
 * published, and the run must still end with its summary.
 * API: https://docs.github.com/en/rest/releases/releases and /releases/assets
 */
export async function publishGitHubRelease(gh: GitHubContext, step: StepOf<'github-release'>): Promise<StepOutputs['github-release']> {
  const rerun = 'the tag, images and charts are published; fix this and run the same release again to finish it';
  if (!gh.token) throw new StepError(`creating the GitHub release needs a token: set GITHUB_TOKEN (or pass --github-token env://NAME); ${rerun}`);
  gh.redactor.add(gh.token);
  const api = gh.apiUrl.replace(/\/+$/, '');
  const headers = { accept: 'application/vnd.github+json', authorization: `Bearer ${gh.token}`, 'x-github-api-version': '2022-11-28', 'user-agent': 'lanes' };
  // Loaded here, not at start-up: only the release lane talks to GitHub.
  const { request } = await import('undici');
  const call = async (what: string, method: 'GET' | 'POST', url: string, body?: Uint8Array | string, extra: Record<string, string> = {}) => {
    let status: number;
    let text: string;
    try {
      const res = await request(url, { method, headers: { ...headers, ...extra }, body, headersTimeout: 60_000, bodyTimeout: 300_000 });
      status = res.statusCode;
      text = await res.body.text();
    } catch (e) {
      const err = e as { code?: string; message?: string };
      throw new StepError(`GitHub API: ${what}: ${url.replace(/\?.*$/, '')} could not be reached (${err.code ?? err.message}); ${rerun}`);
    }
    let json: unknown;
    if (text) {
      try {
        json = JSON.parse(text);
      } catch {
        throw new StepError(`GitHub API: ${what}: HTTP ${status} with a body that is not JSON (${gh.redactor.redact(text).slice(0, 120).replace(/\s+/g, ' ')}…); is ${api} the GitHub API? ${rerun}`);
      }
    }
    return { status, json, text };
  };
  const fail = (what: string, r: { status: number; text: string }) =>
    new StepError(`GitHub API: ${what} failed with HTTP ${r.status}: ${gh.redactor.redact(r.text).slice(0, 300)}${r.status === 401 || r.status === 403 ? ' (check that the token may write releases: contents: write)' : ''}; ${rerun}`);

  const existing = await call(`looking up release ${step.tag}`, 'GET', `${api}/repos/${step.repository}/releases/tags/${encodeURIComponent(step.tag)}`);
  let release: GitHubRelease;
  if (existing.status === 200) release = existing.json as GitHubRelease;
  else if (existing.status === 404) {
    const body = JSON.stringify({ tag_name: step.tag, name: step.name, body: step.notes, draft: false, prerelease: step.prerelease });
    const created = await call(`creating release ${step.tag}`, 'POST', `${api}/repos/${step.repository}/releases`, body, { 'content-type': 'application/json' });
    if (created.status !== 201) throw fail(`creating release ${step.tag}`, created);
    release = created.json as GitHubRelease;
  } else throw fail(`looking up release ${step.tag}`, existing);
  if (typeof release?.upload_url !== 'string') throw new StepError(`GitHub API: release ${step.tag} came back without an upload_url; ${rerun}`);

  const present = new Set((release.assets ?? []).map((a) => a.name));
  const uploadBase = release.upload_url.replace(/\{.*\}$/, '');
  let uploaded = 0;
  for (const asset of step.assets) {
    const name = basename(asset);
    if (present.has(name)) continue;
    const data = await gh.readAsset(asset);
    const r = await call(`uploading ${name}`, 'POST', `${uploadBase}?name=${encodeURIComponent(name)}`, data, {
      'content-type': name.endsWith('gz') ? 'application/gzip' : 'text/plain',
      'content-length': String(data.byteLength),
    });
    if (r.status !== 201) throw fail(`uploading ${name}`, r);
    uploaded++;
  }
  return { url: release.html_url, assetsUploaded: uploaded };
}
