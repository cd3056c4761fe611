import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { lanes } from '../helpers/cli.js';
import { startFakeGitHub } from '../helpers/fake-github.js';
import { startFakeGitLab } from '../helpers/fake-gitlab.js';
import { addBareRemote, exampleRepo, git } from '../helpers/repo.js';
import { registryEnv, testbed, testScope, uniqueNamespace, useTestRegistry } from '../helpers/testbed.js';

// Images and registry repositories are named lanes-test-<run>-release-hosts-… and removed after the file.
testScope('release-hosts');

const GH_TOKEN = 'ghp_releaseHostsToken00000000000000000000';
const GL_TOKEN = 'glpat-releaseHostsToken0000000';
const JOB_TOKEN = 'glcbt-jobTokenOfThisPipeline000';
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

/** The example pointed at the test registry, with a bare origin; `gitlab` swaps GitHub for a GitLab project. */
function setup(prefix: string, gitlab?: { apiUrl: string }) {
  const ns = uniqueNamespace(prefix);
  const dir = exampleRepo((yaml) => {
    const onRegistry = useTestRegistry(ns)(yaml);
    return gitlab ? onRegistry.replace(/^ {2}github: .*$/m, `  gitlab: { project: dsx/dsx-connect, apiUrl: "${gitlab.apiUrl}" }`) : onRegistry;
  });
  addBareRemote(dir);
  return { dir, ns };
}

/** A server that answers everything with an HTML error page, like a proxy in front of the wrong host. */
async function htmlServer() {
  const server = createServer((_, res) => {
    res.writeHead(502, { 'content-type': 'text/html' });
    res.end('<html><body><h1>502 Bad Gateway</h1></body></html>');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => new Promise((r) => server.close(() => r())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const findings = (r: { json: () => any }) => r.json().findings.map((f: any) => f.code);

describe('check release asks the release host first', () => {
  it('finds no GitHub token (E_RELEASE_HOST_TOKEN), exit 1, having built nothing', async () => {
    const { dir } = setup('gh-notoken');
    const env = registryEnv();
    delete env.GITHUB_TOKEN;
    delete env.GH_TOKEN;
    const r = await lanes(['check', 'release', '--tag', 'v0.3.88', '--source', dir, '--json'], env);
    expect(r.code).toBe(1);
    expect(findings(r)).toEqual(['E_RELEASE_HOST_TOKEN']);
    expect(r.json().findings[0].message).toContain('GITHUB_TOKEN');
    expect(readdirSync(dir)).not.toContain('.lanes');
  });

  it('reports a refused token (E_RELEASE_HOST_AUTH) without ever printing it', async () => {
    const gh = await startFakeGitHub({ token: 'ghp_theRightOne' });
    closers.push(gh.close);
    const { dir } = setup('gh-auth');
    const r = await lanes(['check', 'release', '--tag', 'v0.3.88', '--source', dir], registryEnv({ GITHUB_TOKEN: GH_TOKEN, GITHUB_API_URL: gh.url }));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('E_RELEASE_HOST_AUTH');
    expect(r.stdout + r.stderr).not.toContain(GH_TOKEN);
  });

  it('reports a token that may read but not write the repository (E_RELEASE_HOST_ACCESS)', async () => {
    const gh = await startFakeGitHub({ token: GH_TOKEN, canPush: false });
    closers.push(gh.close);
    const { dir } = setup('gh-readonly');
    const r = await lanes(['check', 'release', '--tag', 'v0.3.88', '--source', dir, '--json'], registryEnv({ GITHUB_TOKEN: GH_TOKEN, GITHUB_API_URL: gh.url }));
    expect(findings(r)).toEqual(['E_RELEASE_HOST_ACCESS']);
    expect(r.json().findings[0].message).toContain('contents: write');
  });

  it('reports an unreachable GitHub as a finding, not an internal error (E_RELEASE_HOST_UNREACHABLE)', async () => {
    const { dir } = setup('gh-down');
    const r = await lanes(['check', 'release', '--tag', 'v0.3.88', '--source', dir, '--json'], registryEnv({ GITHUB_TOKEN: GH_TOKEN, GITHUB_API_URL: 'http://127.0.0.1:1' }));
    expect(r.code).toBe(1);
    expect(findings(r)).toEqual(['E_RELEASE_HOST_UNREACHABLE']);
    expect(r.stderr).not.toContain('internal error');
  });

  it('reports a host that answers HTML instead of the API (E_RELEASE_HOST_UNREACHABLE)', async () => {
    const { dir } = setup('gh-html');
    const r = await lanes(['check', 'release', '--tag', 'v0.3.88', '--source', dir, '--json'], registryEnv({ GITHUB_TOKEN: GH_TOKEN, GITHUB_API_URL: await htmlServer() }));
    expect(findings(r)).toEqual(['E_RELEASE_HOST_UNREACHABLE']);
    expect(r.json().findings[0].message).toContain('not JSON');
  });

  it('refuses a tag whose release already exists on GitHub while the tag is not pushed (E_RELEASE_EXISTS)', async () => {
    const gh = await startFakeGitHub({ token: GH_TOKEN, existingReleases: ['v0.3.88'] });
    closers.push(gh.close);
    const { dir } = setup('gh-exists');
    const r = await lanes(['check', 'release', '--tag', 'v0.3.88', '--source', dir, '--json'], registryEnv({ GITHUB_TOKEN: GH_TOKEN, GITHUB_API_URL: gh.url }));
    expect(findings(r)).toEqual(['E_RELEASE_EXISTS']);
  });

  it('asks GitLab for the project and the release with a personal token, and passes', async () => {
    const gl = await startFakeGitLab({ project: 'dsx/dsx-connect', token: GL_TOKEN });
    closers.push(gl.close);
    const { dir } = setup('gl-check', gl);
    const r = await lanes(['check', 'release', '--tag', 'v0.3.88', '--source', dir, '--json'], registryEnv({ GITLAB_TOKEN: GL_TOKEN }));
    expect(r.json().findings).toEqual([]);
    expect(gl.requests.map((q) => `${q.method} ${q.path}`)).toEqual(['GET /api/v4/projects/dsx%2Fdsx-connect', 'GET /api/v4/projects/dsx%2Fdsx-connect/releases/v0.3.88']);
    expect(gl.requests[0]!.headers['private-token']).toBe(GL_TOKEN);
  });

  it('reports a GitLab role below Developer (E_RELEASE_HOST_ACCESS)', async () => {
    const gl = await startFakeGitLab({ project: 'dsx/dsx-connect', token: GL_TOKEN, accessLevel: 20 });
    closers.push(gl.close);
    const { dir } = setup('gl-reporter', gl);
    const r = await lanes(['check', 'release', '--tag', 'v0.3.88', '--source', dir, '--json'], registryEnv({ GITLAB_TOKEN: GL_TOKEN }));
    expect(findings(r)).toEqual(['E_RELEASE_HOST_ACCESS']);
    expect(r.json().findings[0].message).toContain('Developer');
  });
});

describe('release to GitLab', () => {
  it('uploads every asset to the generic package registry, then creates the release linking them, with the job token of the pipeline', async () => {
    const gl = await startFakeGitLab({ project: 'dsx/dsx-connect', jobToken: JOB_TOKEN });
    closers.push(gl.close);
    const { dir } = setup('gl-release', gl);
    const env = registryEnv({ CI_JOB_TOKEN: JOB_TOKEN });
    delete env.GITLAB_TOKEN;
    const r = await lanes(['release', '--tag', 'v0.3.88', '--source', dir, '--json', '--build-arg', `BASE_IMAGE=${testbed().baseImage}`], env);
    expect(r.code, r.stdout.slice(-1500)).toBe(0);

    const project = '/api/v4/projects/dsx%2Fdsx-connect';
    const assets = ['dsx-connect-chart-0.3.88.tgz', 'aws-s3-connector-chart-0.5.2.tgz', 'filesystem-connector-chart-0.2.7.tgz', 'dsx-connect-compose-0.3.88.tar.gz', 'SHA256SUMS'];
    expect(gl.requests.map((q) => `${q.method} ${q.path}`)).toEqual([
      // The preflight: a job token cannot read the project, so only the release is asked about.
      `GET ${project}/releases/v0.3.88`,
      `GET ${project}/releases/v0.3.88`,
      ...assets.map((a) => `PUT ${project}/packages/generic/dsx-connect/v0.3.88/${a}`),
      `POST ${project}/releases`,
    ]);
    for (const q of gl.requests) {
      expect(q.headers['job-token']).toBe(JOB_TOKEN);
      expect(q.headers['private-token']).toBeUndefined();
    }
    const created = JSON.parse(gl.requests.at(-1)!.body.toString());
    expect(created).toMatchObject({ tag_name: 'v0.3.88', name: 'dsx-connect 0.3.88' });
    expect(created.description).toContain('**dsx-connect 0.3.88**');
    expect(created.assets.links.map((l: any) => [l.name, l.link_type])).toEqual(assets.map((a) => [a, 'package']));
    // SHA256SUMS holds the uploaded bytes of every other asset.
    const sums = gl.packages.get('dsx-connect/v0.3.88/SHA256SUMS')!.toString();
    for (const a of assets.slice(0, -1)) expect(sums).toContain(`${createHash('sha256').update(gl.packages.get(`dsx-connect/v0.3.88/${a}`)!).digest('hex')}  ${a}`);
    expect(git(dir, 'tag', '--list', 'v0.3.88')).toBe('v0.3.88');
  });

  it('completes an interrupted GitLab release on the next run: links only what is missing', async () => {
    const gl = await startFakeGitLab({ project: 'dsx/dsx-connect', token: GL_TOKEN });
    closers.push(gl.close);
    const { dir } = setup('gl-rerun', gl);
    const env = registryEnv({ GITLAB_TOKEN: GL_TOKEN });
    const args = ['release', '--tag', 'v0.3.88', '--source', dir, '--build-arg', `BASE_IMAGE=${testbed().baseImage}`];
    expect((await lanes(args, env)).code).toBe(0);
    // Someone removed one link by hand; the release is otherwise there.
    const release = gl.releases.get('v0.3.88')!;
    release.links = release.links.filter((l) => l.name !== 'SHA256SUMS');
    const seen = gl.requests.length;
    const again = await lanes(args, env);
    expect(again.code, again.stdout.slice(-1500)).toBe(0);
    const writes = gl.requests.slice(seen).filter((q) => q.method !== 'GET').map((q) => `${q.method} ${q.path}`);
    expect(writes).toEqual(['PUT /api/v4/projects/dsx%2Fdsx-connect/packages/generic/dsx-connect/v0.3.88/SHA256SUMS', 'POST /api/v4/projects/dsx%2Fdsx-connect/releases/v0.3.88/assets/links']);
    expect(gl.releases.get('v0.3.88')!.links.map((l) => l.name)).toContain('SHA256SUMS');
  });
});
