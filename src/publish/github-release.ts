import { readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { StepError } from '../../errors.js';
import type { StepOf } from '../../plan/types.js';
import type { HostContext } from './context.js';

interface GitHubRelease {
  id: number;
  html_url: string;
  upload_url: string;
  assets: { name: string }[];
}

/**
 * Creates the GitHub release for the tag through the REST API and uploads
 * its assets. If the release already exists (a re-run after an interruption),
 * only the assets it lacks are uploaded.
 * API: https://docs.github.com/en/rest/releases/releases and /releases/assets
 */
export async function createGitHubRelease(ctx: HostContext, step: StepOf<'github-release'>): Promise<Record<string, string>> {
  const token = ctx.github?.token;
  if (!token) throw new StepError('creating the GitHub release needs a token: set GITHUB_TOKEN (or pass --github-token env://NAME); images and charts are already published, re-run to finish');
  ctx.redactor.add(token);
  const api = (ctx.github?.apiUrl ?? 'https://api.github.com').replace(/\/+$/, '');
  const headers = {
    accept: 'application/vnd.github+json',
    authorization: `Bearer ${token}`,
    'x-github-api-version': '2022-11-28',
    'user-agent': 'lanes',
  };
  // Loaded here, not at start-up: only the release lane talks to GitHub.
  const { request } = await import('undici');
  const call = async (method: 'GET' | 'POST', url: string, body?: Buffer | string, extra: Record<string, string> = {}) => {
    const res = await request(url, { method, headers: { ...headers, ...extra }, body, headersTimeout: 60_000, bodyTimeout: 300_000 });
    const text = await res.body.text();
    return { status: res.statusCode, json: text ? (JSON.parse(text) as unknown) : undefined, text };
  };
  const fail = (what: string, r: { status: number; text: string }) =>
    new StepError(`GitHub API: ${what} failed with HTTP ${r.status}: ${ctx.redactor.redact(r.text).slice(0, 300)}${r.status === 401 || r.status === 403 ? ' (check that the token may write releases: contents: write)' : ''}`);

  const existing = await call('GET', `${api}/repos/${step.repository}/releases/tags/${encodeURIComponent(step.tag)}`);
  let release: GitHubRelease;
  if (existing.status === 200) release = existing.json as GitHubRelease;
  else if (existing.status === 404) {
    const created = await call(
      'POST',
      `${api}/repos/${step.repository}/releases`,
      JSON.stringify({ tag_name: step.tag, name: step.name, body: step.notes, draft: false, prerelease: step.prerelease }),
      { 'content-type': 'application/json' },
    );
    if (created.status !== 201) throw fail(`creating release ${step.tag}`, created);
    release = created.json as GitHubRelease;
  } else throw fail(`looking up release ${step.tag}`, existing);

  const present = new Set(release.assets.map((a) => a.name));
  const uploadBase = release.upload_url.replace(/\{.*\}$/, '');
  let uploaded = 0;
  for (const asset of step.assets) {
    const name = basename(asset);
    if (present.has(name)) continue;
    const file = join(ctx.root, asset);
    const r = await call('POST', `${uploadBase}?name=${encodeURIComponent(name)}`, readFileSync(file), {
      'content-type': name.endsWith('gz') ? 'application/gzip' : 'text/plain',
      'content-length': String(statSync(file).size),
    });
    if (r.status !== 201) throw fail(`uploading ${name}`, r);
    uploaded++;
  }
  return { url: release.html_url, assetsUploaded: String(uploaded) };
}
