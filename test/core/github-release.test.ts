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

const step: StepOf<'github-release'> = { id: 'github-release', needs: [], kind: 'github-release', repository: 'o/r', tag: 'v1.0.0', commit: 'c0ffee0000000000000000000000000000000000', name: 'r 1.0.0', notes: 'notes', prerelease: false, assets: ['out/a.tgz', 'out/SHA256SUMS'] };
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
    expect(gh.drafts).toEqual([]);
  });

  it('publishes the release only once every asset is on it: created as a draft, assets uploaded, then published', async () => {
    const gh = await startFakeGitHub({ token: TOKEN });
    closers.push(gh.close);
    const out = await publishGitHubRelease(context(gh.url), step);
    expect(gh.requests.map((q) => `${q.method} ${q.path}`)).toEqual([
      'GET /repos/o/r/git/ref/tags/v1.0.0',
      'GET /repos/o/r/releases/tags/v1.0.0',
      'GET /repos/o/r/releases?per_page=100&page=1',
      'POST /repos/o/r/releases',
      'POST /uploads/repos/o/r/releases/1/assets?name=a.tgz',
      'POST /uploads/repos/o/r/releases/1/assets?name=SHA256SUMS',
      'GET /repos/o/r/releases/1',
      'PATCH /repos/o/r/releases/1',
    ]);
    // Made at the released commit, should GitHub not have the tag; published with all of its fields (an edit of a draft without tag_name loses the tag).
    expect(JSON.parse(gh.requests[3]!.body.toString())).toEqual({ tag_name: 'v1.0.0', target_commitish: 'c0ffee0000000000000000000000000000000000', name: 'r 1.0.0', body: 'notes', draft: true, prerelease: false });
    expect(JSON.parse(gh.requests[7]!.body.toString())).toEqual({ tag_name: 'v1.0.0', name: 'r 1.0.0', body: 'notes', prerelease: false, draft: false });
    // GitHub had no such tag: publishing made it, at the released commit.
    expect(gh.tags.get('v1.0.0')).toEqual({ commit: step.commit });
    expect(out).toEqual({ url: 'https://github.com/o/r/releases/tag/v1.0.0', assetsUploaded: 2 });
    expect(gh.drafts).toEqual([]);
  });

  it('leaves an interrupted release a draft, unseen by the public, and the rerun finishes that draft', async () => {
    const gh = await startFakeGitHub({ token: TOKEN, failUploadNumber: 2 });
    closers.push(gh.close);
    await expect(publishGitHubRelease(context(gh.url), step)).rejects.toThrow(/uploading SHA256SUMS failed with HTTP 500/);
    expect(gh.releases.has('v1.0.0')).toBe(false);
    expect(gh.drafts.map((d) => [d.tag_name, d.assets.map((a) => a.name)])).toEqual([['v1.0.0', ['a.tgz']]]);

    const seen = gh.requests.length;
    const rerun = await publishGitHubRelease(context(gh.url), step);
    expect(gh.requests.slice(seen).map((q) => `${q.method} ${q.path}`)).toEqual([
      'GET /repos/o/r/git/ref/tags/v1.0.0',
      'GET /repos/o/r/releases/tags/v1.0.0',
      'GET /repos/o/r/releases?per_page=100&page=1',
      'POST /uploads/repos/o/r/releases/1/assets?name=SHA256SUMS',
      'GET /repos/o/r/releases/1',
      'PATCH /repos/o/r/releases/1',
    ]);
    expect(rerun.assetsUploaded).toBe(1);
    expect(gh.drafts).toEqual([]);
    expect(gh.releases.get('v1.0.0')!.assets.map((a) => a.name)).toEqual(['a.tgz', 'SHA256SUMS']);
  });

  it('deletes an upload that was cut off (left listed, not whole) and uploads it again before publishing', async () => {
    const gh = await startFakeGitHub({ token: TOKEN, cutUploadNumber: 1 });
    closers.push(gh.close);
    await expect(publishGitHubRelease(context(gh.url), step)).rejects.toThrow(/uploading a\.tgz/);
    expect(gh.drafts[0]!.assets.map((a) => [a.name, a.state])).toEqual([['a.tgz', 'starter']]);
    const seen = gh.requests.length;
    await publishGitHubRelease(context(gh.url), step);
    expect(gh.requests.slice(seen).map((q) => `${q.method} ${q.path}`)).toEqual([
      'GET /repos/o/r/git/ref/tags/v1.0.0',
      'GET /repos/o/r/releases/tags/v1.0.0',
      'GET /repos/o/r/releases?per_page=100&page=1',
      'DELETE /repos/o/r/releases/assets/1',
      'POST /uploads/repos/o/r/releases/1/assets?name=a.tgz',
      'POST /uploads/repos/o/r/releases/1/assets?name=SHA256SUMS',
      'GET /repos/o/r/releases/1',
      'PATCH /repos/o/r/releases/1',
    ]);
    expect(gh.releases.get('v1.0.0')!.assets.map((a) => [a.name, a.state, a.data.toString()])).toEqual([['a.tgz', 'uploaded', 'chart bytes'], ['SHA256SUMS', 'uploaded', 'sums\n']]);
  });

  it('does not publish while another run is still uploading an asset: the release stays a draft, and the run says why', async () => {
    const gh = await startFakeGitHub({ token: TOKEN, uploadInProgress: 'a.tgz', existingDrafts: [{ tag_name: 'v1.0.0', name: 'r 1.0.0' }] });
    closers.push(gh.close);
    await expect(publishGitHubRelease(context(gh.url), step)).rejects.toThrow(/stays a draft, unpublished: a\.tgz is not whole yet \(state starter: another run may still be uploading it, or its upload was cut off\).*run the same release again/);
    expect(gh.requests.filter((q) => q.method === 'PATCH')).toEqual([]);
    expect(gh.releases.has('v1.0.0')).toBe(false);
  });

  it('leaves a draft of the tag made by another tool alone (another name, assets of its own) and publishes its own', async () => {
    const gh = await startFakeGitHub({ token: TOKEN, existingDrafts: [{ tag_name: 'v1.0.0', name: 'v1.0.0 (release-drafter)', assets: [{ name: 'debug-build.zip', data: Buffer.from('zip') }] }] });
    closers.push(gh.close);
    await publishGitHubRelease(context(gh.url), step);
    const published = gh.releases.get('v1.0.0')!;
    expect([published.name, published.body, published.prerelease, published.assets.map((a) => a.name)]).toEqual(['r 1.0.0', 'notes', false, ['a.tgz', 'SHA256SUMS']]);
    expect(gh.drafts.map((d) => d.name)).toEqual(['v1.0.0 (release-drafter)']);
  });

  it('refuses a repository whose tag of that name is another commit (a fork, a mirror), creating nothing', async () => {
    const gh = await startFakeGitHub({ token: TOKEN, tags: { 'v1.0.0': { commit: 'bad0000000000000000000000000000000000000', annotated: true } } });
    closers.push(gh.close);
    await expect(publishGitHubRelease(context(gh.url), step)).rejects.toThrow(/GitHub's tag v1\.0\.0 in o\/r is at commit bad0000, not at the released commit c0ffee0; release\.github must name the repository the tag was pushed to/);
    expect(gh.requests.filter((q) => q.method !== 'GET')).toEqual([]);
  });

  it('follows an annotated tag on GitHub to its commit, and goes on when it is the released one', async () => {
    const gh = await startFakeGitHub({ token: TOKEN, tags: { 'v1.0.0': { commit: step.commit, annotated: true } } });
    closers.push(gh.close);
    await publishGitHubRelease(context(gh.url), step);
    expect(gh.requests.slice(0, 2).map((q) => `${q.method} ${q.path.replace(/[0-9a-f]{40}$/, '<sha>')}`)).toEqual(['GET /repos/o/r/git/ref/tags/v1.0.0', 'GET /repos/o/r/git/tags/<sha>']);
    expect(gh.releases.get('v1.0.0')!.assets).toHaveLength(2);
  });

  it('looks for a left draft past the first page of releases, and stops at the last page', async () => {
    const gh = await startFakeGitHub({ token: TOKEN, failUploadNumber: 1 });
    closers.push(gh.close);
    await expect(publishGitHubRelease(context(gh.url), step)).rejects.toThrow(/HTTP 500/);
    // 150 releases made after the interrupted run: its draft is now on the second page.
    for (let i = 0; i < 150; i++) await publishGitHubRelease(context(gh.url), { ...step, tag: `x${i}`, assets: [] });
    const seen = gh.requests.length;
    await publishGitHubRelease(context(gh.url), step);
    const asked = gh.requests.slice(seen).map((q) => `${q.method} ${q.path}`);
    expect(asked.filter((q) => q.startsWith('GET /repos/o/r/releases?'))).toEqual(['GET /repos/o/r/releases?per_page=100&page=1', 'GET /repos/o/r/releases?per_page=100&page=2']);
    expect(asked.filter((q) => q.startsWith('POST /repos'))).toEqual([]);
    expect(gh.releases.get('v1.0.0')!.assets).toHaveLength(2);
  });

  it('fails with GitHub’s words when publishing is refused and no other run published the tag, keeping the draft for the rerun', async () => {
    const gh = await startFakeGitHub({ token: TOKEN, publishRefusal: { message: 'Validation Failed', errors: [{ resource: 'Release', code: 'custom', field: 'tag_name', message: 'tag_name is not a valid tag' }] } });
    closers.push(gh.close);
    await expect(publishGitHubRelease(context(gh.url), step)).rejects.toThrow(/publishing release v1\.0\.0 failed with HTTP 422: .*tag_name is not a valid tag.*run the same release again/);
    expect(gh.requests.filter((q) => q.method === 'DELETE')).toEqual([]);
    expect(gh.drafts.map((d) => d.assets.length)).toEqual([2]);
  });

  it('refuses to take an asset already on the release with other bytes than this commit builds', async () => {
    const gh = await startFakeGitHub({ token: TOKEN });
    closers.push(gh.close);
    await publishGitHubRelease(context(gh.url, { ...files, 'out/a.tgz': Buffer.from('bytes of another build') }), step);
    await expect(publishGitHubRelease(context(gh.url), step)).rejects.toThrow(/is published but a\.tgz has other bytes \(sha256:[0-9a-f]{64}\) than this commit builds \(sha256:[0-9a-f]{64}\); delete that asset/);
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
