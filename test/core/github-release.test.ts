import { afterEach, describe, expect, it } from 'vitest';
import { Redactor } from '../../src/exec/redactor.js';
import { publishGitHubRelease } from '../../src/publish/github-release.js';
import type { StepOf } from '../../src/plan/types.js';
import { startFakeGitHub } from '../helpers/fake-github.js';

const TOKEN = 'ghp_githubReleaseClientTest000000000000';
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

const step: StepOf<'github-release'> = { id: 'github-release', needs: [], kind: 'github-release', repository: 'o/r', tag: 'v1.0.0', name: 'r 1.0.0', notes: 'notes', prerelease: false, assets: ['out/a.tgz', 'out/SHA256SUMS'] };
const files: Record<string, Buffer> = { 'out/a.tgz': Buffer.from('chart bytes'), 'out/SHA256SUMS': Buffer.from('sums\n') };
const context = (apiUrl: string, bytes = files) => ({ token: TOKEN, apiUrl, redactor: new Redactor(), readAsset: async (path: string) => bytes[path]! });

describe('the GitHub release client', () => {
  it('lets two runs of one release finish it together: the second takes the release the first created, and nothing is uploaded twice', async () => {
    const gh = await startFakeGitHub({ token: TOKEN });
    closers.push(gh.close);
    const [a, b] = await Promise.all([publishGitHubRelease(context(gh.url), step), publishGitHubRelease(context(gh.url), step)]);
    expect(a.url).toBe(b.url);
    expect(gh.releases.get('v1.0.0')!.assets.map((x) => x.name).sort()).toEqual(['SHA256SUMS', 'a.tgz']);
    expect(a.assetsUploaded + b.assetsUploaded).toBe(2);
  });

  it('refuses to take an asset already on the release with other bytes than this commit builds', async () => {
    const gh = await startFakeGitHub({ token: TOKEN });
    closers.push(gh.close);
    await publishGitHubRelease(context(gh.url, { ...files, 'out/a.tgz': Buffer.from('bytes of another build') }), step);
    await expect(publishGitHubRelease(context(gh.url), step)).rejects.toThrow(/already has a\.tgz with other bytes \(sha256:[0-9a-f]{64}\) than this commit builds/);
  });
});

describe('the GitLab release client', () => {
  it('lets two runs of one release finish it together: the second links what the first created lacks, and nothing is linked twice', async () => {
    const { startFakeGitLab } = await import('../helpers/fake-gitlab.js');
    const { publishGitLabRelease } = await import('../../src/publish/gitlab-release.js');
    const gl = await startFakeGitLab({ project: 'g/p', token: 'glpat-gitlabReleaseClientTest' });
    closers.push(gl.close);
    const glStep: StepOf<'gitlab-release'> = { id: 'gitlab-release', needs: [], kind: 'gitlab-release', project: 'g/p', apiUrl: gl.apiUrl, tag: 'v1.0.0', name: 'p 1.0.0', notes: 'notes', assets: ['out/a.tgz', 'out/SHA256SUMS'], packageName: 'p' };
    const ctx = { token: 'glpat-gitlabReleaseClientTest', redactor: new Redactor(), readAsset: async (path: string) => files[path]! };
    await Promise.all([publishGitLabRelease(ctx, glStep), publishGitLabRelease(ctx, glStep)]);
    expect(gl.releases.get('v1.0.0')!.links.map((l) => l.name).sort()).toEqual(['SHA256SUMS', 'a.tgz']);
  });
});
