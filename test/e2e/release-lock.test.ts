import { createHash } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RegistryClient } from '../../src/registry/oci-client.js';
import { lanes } from '../helpers/cli.js';
import { startFakeGitHub } from '../helpers/fake-github.js';
import { addBareRemote, exampleRepo, git } from '../helpers/repo.js';
import { pullChart, registryEnv, testbed, testScope, uniqueNamespace, useTestRegistry } from '../helpers/testbed.js';

// Images and registry repositories are named lanes-test-<run>-release-lock-… and removed after the file.
testScope('release-lock');

const TOKEN = 'ghp_releaseLockToken000000000000000000000';
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

async function setup(prefix: string) {
  const tb = testbed();
  const ns = uniqueNamespace(prefix);
  const dir = exampleRepo(useTestRegistry(ns));
  const remote = addBareRemote(dir);
  const gh = await startFakeGitHub({ token: TOKEN });
  const client = new RegistryClient({ credentials: { explicit: { username: tb.user, password: tb.password, source: 'test' } } });
  closers.push(gh.close, () => client.close());
  const env = registryEnv({ GITHUB_TOKEN: TOKEN, GITHUB_API_URL: gh.url });
  const release = (source = dir) => lanes(['release', '--tag', 'v0.3.88', '--source', source, '--json', '--build-arg', `BASE_IMAGE=${tb.baseImage}`], env);
  return { dir, remote, ns, gh, client, release, image: `${tb.registry}/${ns}/dsx-connect:0.3.88` };
}

/** A pre-receive hook on the bare remote that refuses every push with the given words (a protected-tag rule, a network proxy…). */
function refusePushes(remote: string, words: string): () => void {
  const hook = join(remote, 'hooks/pre-receive');
  writeFileSync(hook, `#!/bin/sh\necho "${words}" >&2\nexit 1\n`);
  chmodSync(hook, 0o755);
  return () => rmSync(hook);
}

describe('the release lock is the tag on the remote', () => {
  it('says what the remote said when it refuses the tag for a reason of its own, and publishes nothing', async () => {
    const { remote, release, client, image } = await setup('refused');
    refusePushes(remote, 'GL-HOOK-ERR: tags v* are protected');
    const r = await release();
    expect(r.code).toBe(1);
    const push = r.json().results.find((x: any) => x.kind === 'push-tags');
    expect(push).toMatchObject({ status: 'failed' });
    expect(push.reason).toContain('GL-HOOK-ERR: tags v* are protected');
    expect(push.reason).toContain('nothing was published by this run');
    expect(push.code).not.toBe('E_TAG_EXISTS');
    expect((await client.manifest(image)).exists).toBe(false);
  });

  it('after a failed tag push, a rerun pushes the tag it left in this clone instead of taking it as done', async () => {
    const { dir, remote, release, client, image } = await setup('rerun');
    const allow = refusePushes(remote, 'connection reset by proxy');
    expect((await release()).code).toBe(1);
    expect(git(dir, 'tag', '--list', 'v0.3.88')).toBe('v0.3.88');
    expect(git(remote, 'tag', '--list')).toBe('');

    allow();
    const again = await release();
    expect(again.code, again.stdout.slice(-1500)).toBe(0);
    expect(again.json().results.find((x: any) => x.kind === 'push-tags')).toMatchObject({ status: 'ok' });
    expect(git(remote, 'rev-parse', 'v0.3.88^{commit}')).toBe(git(dir, 'rev-parse', 'HEAD'));
    expect((await client.manifest(image)).exists).toBe(true);
  });

  it('lets exactly one of two releases of the same commit publish; the other stops at the tag with nothing pushed', async () => {
    const { dir, release, client, image } = await setup('race');
    // A second clone of the same commit, pushing to the same remote: another CI job for the same tag.
    const other = mkdtempSync(join(tmpdir(), 'lanes-race-'));
    git(other, 'clone', '-q', '-b', 'main', git(dir, 'remote', 'get-url', 'origin'), '.');
    const [a, b] = await Promise.all([release(), release(other)]);
    const results = [a, b].map((r) => ({ code: r.code, tagStep: r.json().results?.find((x: any) => x.kind === 'push-tags') }));
    expect(results.map((r) => r.code).sort()).toEqual([0, 1]);
    const loser = results.find((r) => r.code === 1)!;
    expect(loser.tagStep).toMatchObject({ status: 'failed', code: 'E_TAG_EXISTS' });
    const winner = [a, b][results.findIndex((r) => r.code === 0)]!;
    const there = await client.manifest(image);
    expect(winner.json().published).toContainEqual({ ref: image, digest: there.digest });
    const loserPushes = [a, b][results.findIndex((r) => r.code === 1)]!.json().results.filter((x: any) => x.kind.startsWith('push-') && x.kind !== 'push-tags');
    expect(loserPushes.every((x: any) => x.status === 'skipped')).toBe(true);
  });
});

describe('reproducible release artifacts', () => {
  it('after an interrupted upload, the rerun packs the same chart bytes, so SHA256SUMS matches what the first run published', async () => {
    const tb = testbed();
    const ns = uniqueNamespace('repro');
    const dir = exampleRepo(useTestRegistry(ns));
    addBareRemote(dir);
    // The second upload fails: the first chart is on GitHub from run one (on the release, still a draft), the rest (SHA256SUMS too) come from run two.
    const gh = await startFakeGitHub({ token: TOKEN, failUploadNumber: 2 });
    closers.push(gh.close);
    const env = registryEnv({ GITHUB_TOKEN: TOKEN, GITHUB_API_URL: gh.url });
    const args = ['release', '--tag', 'v0.3.88', '--source', dir, '--build-arg', `BASE_IMAGE=${tb.baseImage}`];
    expect((await lanes(args, env)).code).toBe(1);
    expect(gh.releases.has('v0.3.88')).toBe(false);
    const firstChart = gh.drafts.find((d) => d.tag_name === 'v0.3.88')!.assets.map((a) => a.name);
    expect(firstChart).toEqual(['dsx-connect-chart-0.3.88.tgz']);
    expect((await lanes(args, env)).code).toBe(0);
    const assets = gh.releases.get('v0.3.88')!.assets;
    const sums = assets.find((a) => a.name === 'SHA256SUMS')!.data.toString();
    for (const a of assets.filter((x) => x.name !== 'SHA256SUMS')) expect(sums, a.name).toContain(`${createHash('sha256').update(a.data).digest('hex')}  ${a.name}`);
    // And the chart in the registry is that same package, byte for byte.
    const pulled = pullChart(`oci://${tb.registry}/${ns}-charts/dsx-connect-chart`, '0.3.88');
    expect(pulled.equals(assets.find((a) => a.name === 'dsx-connect-chart-0.3.88.tgz')!.data)).toBe(true);
  });
});

describe('a component released from its own tag', () => {
  it("publishes that component alone under its tag, and a second release of it from another commit stops at the tag", async () => {
    const { dir, remote, release: _product, client, gh, ns } = await setup('component');
    const tb = testbed();
    const env = registryEnv({ GITHUB_TOKEN: TOKEN, GITHUB_API_URL: gh.url });
    const args = (tag: string) => ['release', '--tag', tag, '--source', dir, '--json', '--build-arg', `BASE_IMAGE=${tb.baseImage}`];
    const r = await lanes(args('aws-s3-connector-v0.5.2'), env);
    expect(r.code, r.stdout.slice(-1500)).toBe(0);
    expect(r.json().plan.components.map((c: any) => c.name)).toEqual(['aws-s3-connector']);
    expect(git(remote, 'tag', '--list')).toBe('aws-s3-connector-v0.5.2');
    expect((await client.manifest(`${tb.registry}/${ns}/aws-s3-connector:0.5.2`)).exists).toBe(true);
    expect((await client.manifest(`${tb.registry}/${ns}/dsx-connect:0.3.88`)).exists).toBe(false);
    expect(gh.releases.get('aws-s3-connector-v0.5.2')).toMatchObject({ name: 'aws-s3-connector 0.5.2' });
    expect(gh.releases.get('aws-s3-connector-v0.5.2')!.assets.map((a) => a.name)).toEqual(['aws-s3-connector-chart-0.5.2.tgz', 'SHA256SUMS']);

    // A later commit, same version: that component version is released; the lock says so.
    writeFileSync(join(dir, 'connectors/aws_s3/server.py'), '# changed\n');
    git(dir, 'commit', '-qam', 'change without a bump');
    const again = await lanes(args('aws-s3-connector-v0.5.2'), env);
    expect(again.code).toBe(1);
    expect(again.json().plan.findings.map((f: any) => f.code)).toContain('E_TAG_EXISTS');
  });
});
