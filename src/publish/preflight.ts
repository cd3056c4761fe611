import type { LanesConfig } from '../config/model.js';
import type { Redactor } from '../exec/redactor.js';
import type { ReleaseHostCheck } from '../plan/lane-facts.js';
import { gitHubHeaders } from './github-release.js';
import { gitLabHeaders } from './gitlab-release.js';

/** Credentials for the release hosts, as the adapter found them (flags, environment, Secrets). */
export interface ReleaseHostAccess {
  github?: { token?: string; apiUrl: string };
  gitlab?: { token?: string; jobToken?: boolean };
}

type Answer = { status: number; json: any } | { error: string };

async function ask(url: string, headers: Record<string, string>, redactor: Redactor): Promise<Answer> {
  const { request } = await import('undici');
  try {
    const res = await request(url, { method: 'GET', headers, headersTimeout: 20_000, bodyTimeout: 20_000 });
    const text = await res.body.text();
    try {
      return { status: res.statusCode, json: text ? JSON.parse(text) : undefined };
    } catch {
      return { error: `${new URL(url).origin} answered HTTP ${res.statusCode} with something that is not JSON (${redactor.redact(text).slice(0, 80).replace(/\s+/g, ' ')}…): is it the API?` };
    }
  } catch (e) {
    const err = e as { code?: string; message?: string };
    return { error: `${new URL(url).origin} could not be reached (${err.code ?? err.message})` };
  }
}

/**
 * Asks each release host of lanes.yaml, before anything is built, whether the
 * release can be made: a token is there, the repository or project is
 * reachable with it, the token may write, and whether a release for the tag
 * exists already. Every failure becomes data for a finding, never a throw.
 */
export async function checkReleaseHosts(config: LanesConfig, tag: string, access: ReleaseHostAccess, redactor: Redactor): Promise<ReleaseHostCheck[]> {
  const checks: Promise<ReleaseHostCheck>[] = [];
  if (config.release.github) checks.push(checkGitHub(config.release.github, tag, access.github ?? { apiUrl: 'https://api.github.com' }, redactor));
  if (config.release.gitlab) checks.push(checkGitLab(config.release.gitlab, tag, access.gitlab ?? {}, redactor));
  return Promise.all(checks);
}

async function checkGitHub(repo: string, tag: string, access: { token?: string; apiUrl: string }, redactor: Redactor): Promise<ReleaseHostCheck> {
  const base = { host: 'GitHub' as const, target: repo };
  if (!access.token) return { ...base, problem: { code: 'E_RELEASE_HOST_TOKEN', message: `no GitHub token to create the release on ${repo}: set GITHUB_TOKEN (or GH_TOKEN), or pass --github-token env://NAME; it needs contents: write` } };
  redactor.add(access.token);
  const api = access.apiUrl.replace(/\/+$/, '');
  const headers = gitHubHeaders(access.token);
  const repoAnswer = await ask(`${api}/repos/${repo}`, headers, redactor);
  if ('error' in repoAnswer) return { ...base, problem: { code: 'E_RELEASE_HOST_UNREACHABLE', message: `GitHub: ${repoAnswer.error}; check GITHUB_API_URL / --github-api-url and the network` } };
  if (repoAnswer.status === 401) return { ...base, problem: { code: 'E_RELEASE_HOST_AUTH', message: `GitHub refused the token (HTTP 401): it is wrong or expired; set a valid GITHUB_TOKEN` } };
  if (repoAnswer.status === 404 || repoAnswer.status === 403) return { ...base, problem: { code: 'E_RELEASE_HOST_ACCESS', message: `GitHub: repository ${repo} is not visible with this token (HTTP ${repoAnswer.status}); check release.github in lanes.yaml and the token's repository access` } };
  if (repoAnswer.status !== 200) return { ...base, problem: { code: 'E_RELEASE_HOST_UNREACHABLE', message: `GitHub answered HTTP ${repoAnswer.status} for ${repo}; try again later` } };
  // User tokens show what they may do; an Actions installation token shows no permissions (its job's `permissions:` decide).
  if (repoAnswer.json?.permissions && repoAnswer.json.permissions.push === false) {
    return { ...base, problem: { code: 'E_RELEASE_HOST_ACCESS', message: `GitHub: the token may read ${repo} but not write to it; releases need contents: write (a token of a user with push access, or permissions: contents: write in the workflow)` } };
  }
  const release = await ask(`${api}/repos/${repo}/releases/tags/${encodeURIComponent(tag)}`, headers, redactor);
  if ('error' in release) return { ...base, problem: { code: 'E_RELEASE_HOST_UNREACHABLE', message: `GitHub: ${release.error}` } };
  return { ...base, releaseExists: release.status === 200 };
}

async function checkGitLab(target: { project: string; apiUrl: string }, tag: string, access: { token?: string; jobToken?: boolean }, redactor: Redactor): Promise<ReleaseHostCheck> {
  const base = { host: 'GitLab' as const, target: target.project };
  if (!access.token) return { ...base, problem: { code: 'E_RELEASE_HOST_TOKEN', message: `no GitLab token to create the release on ${target.project}: set GITLAB_TOKEN (api scope), run in GitLab CI (CI_JOB_TOKEN), or pass --gitlab-token env://NAME` } };
  redactor.add(access.token);
  const project = `${target.apiUrl.replace(/\/+$/, '')}/projects/${encodeURIComponent(target.project)}`;
  const headers = gitLabHeaders(access.token, access.jobToken);
  // A job token may not read the project itself (GitLab refuses it); its release look-up says enough.
  if (!access.jobToken) {
    const p = await ask(project, headers, redactor);
    if ('error' in p) return { ...base, problem: { code: 'E_RELEASE_HOST_UNREACHABLE', message: `GitLab: ${p.error}; check release.gitlab.apiUrl and the network` } };
    if (p.status === 401) return { ...base, problem: { code: 'E_RELEASE_HOST_AUTH', message: 'GitLab refused the token (HTTP 401): it is wrong, expired or lacks the api scope' } };
    if (p.status === 404 || p.status === 403) return { ...base, problem: { code: 'E_RELEASE_HOST_ACCESS', message: `GitLab: project ${target.project} is not visible with this token (HTTP ${p.status}); check release.gitlab.project and the token's access` } };
    if (p.status !== 200) return { ...base, problem: { code: 'E_RELEASE_HOST_UNREACHABLE', message: `GitLab answered HTTP ${p.status} for ${target.project}; try again later` } };
    const level = Math.max(p.json?.permissions?.project_access?.access_level ?? 0, p.json?.permissions?.group_access?.access_level ?? 0);
    // 30 is Developer, the least role that may create releases; no permissions block means GitLab did not say.
    if (p.json?.permissions && level < 30) {
      return { ...base, problem: { code: 'E_RELEASE_HOST_ACCESS', message: `GitLab: the token's role on ${target.project} cannot create releases (access level ${level}; Developer, 30, or higher is needed)` } };
    }
  }
  const release = await ask(`${project}/releases/${encodeURIComponent(tag)}`, headers, redactor);
  if ('error' in release) return { ...base, problem: { code: 'E_RELEASE_HOST_UNREACHABLE', message: `GitLab: ${release.error}` } };
  if (release.status === 401 || release.status === 403) return { ...base, problem: { code: 'E_RELEASE_HOST_AUTH', message: `GitLab refused the token for ${target.project}'s releases (HTTP ${release.status})` } };
  return { ...base, releaseExists: release.status === 200 };
}
