import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, readFileSync, writeFileSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lanes } from '../helpers/cli.js';
import { addBareRemote, exampleRepo, git, PROJECT_ROOT } from '../helpers/repo.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { startFakeGitHub } from '../helpers/fake-github.js';
import { outsideCI, registryEnv, testbed, testScope, uniqueNamespace, useTestRegistry } from '../helpers/testbed.js';
import { RegistryClient } from '../../src/registry/oci-client.js';

// Every image, container and registry repository these tests create is named lanes-test-<run>-publish-lanes-… and removed after the file.
testScope('publish-lanes');

const TOKEN = 'ghp_PlantedTokenThatMustNeverLeak0123456789';
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

function setup(prefix: string) {
  const tb = testbed();
  const ns = uniqueNamespace(prefix);
  const dir = exampleRepo(useTestRegistry(ns));
  const remote = addBareRemote(dir);
  const client = new RegistryClient({ credentials: { explicit: { username: tb.user, password: tb.password, source: 'test' } } });
  closers.push(() => client.close());
  return { tb, ns, dir, remote, client, registry: tb.registry };
}

const base = () => ['--build-arg', `BASE_IMAGE=${testbed().baseImage}`];

describe('push-all-dev', () => {
  it('pushes <version> and the immutable <version>-<sha7> of every image and every chart, and writes no version', async () => {
    const { dir, ns, registry, client } = setup('dev');
    const sha7 = git(dir, 'rev-parse', '--short=7', 'HEAD');
    const r = await lanes(['push-all-dev', '--source', dir, '--jobs', '3', '--json', ...base()], registryEnv());
    expect(r.code, JSON.stringify(r.json().results?.filter((x: any) => x.status !== 'ok'))).toBe(0);
    const out = r.json();
    for (const [name, version] of [['dsx-connect', '0.3.88'], ['aws-s3-connector', '0.5.2'], ['filesystem-connector', '0.2.7']]) {
      const mutable = await client.manifest(`${registry}/${ns}-dev/${name}:${version}`);
      const immutable = await client.manifest(`${registry}/${ns}-dev/${name}:${version}-${sha7}`);
      expect(mutable.exists && immutable.exists).toBe(true);
      expect(immutable.digest).toBe(mutable.digest);
      expect(out.published).toContainEqual({ ref: `${registry}/${ns}-dev/${name}:${version}-${sha7}`, digest: mutable.digest });
      const config = await client.config(`${registry}/${ns}-dev/${name}:${version}`);
      expect((config!.config as any).Labels['org.opencontainers.image.version']).toBe(version);
    }
    const chart = await client.config(`oci://${registry}/${ns}-dev-charts/aws-s3-connector-chart:0.5.2`);
    expect(chart).toMatchObject({ name: 'aws-s3-connector-chart', version: '0.5.2', appVersion: '0.5.2' });
    expect(git(dir, 'status', '--porcelain')).toBe('');
  });

  it('pushes charts that run the images it pushed: helm template of the pushed chart names the pushed image', async () => {
    const { dir, ns, registry, tb } = setup('chart-image');
    const sha7 = git(dir, 'rev-parse', '--short=7', 'HEAD');
    const r = await lanes(['push-all-dev', '--source', dir, '--only', 'aws-s3-connector', ...base()], registryEnv());
    expect(r.code, r.stdout.slice(-1500)).toBe(0);
    const work = mkdtempSync(join(tmpdir(), 'lanes-template-'));
    const helm = join(tb.helmDir, 'helm');
    const cfg = ['--registry-config', join(work, 'config.json')];
    execFileSync(helm, ['registry', 'login', registry, '-u', tb.user, '--password-stdin', '--ca-file', tb.ca, ...cfg], { input: tb.password, stdio: ['pipe', 'ignore', 'pipe'] });
    const rendered = execFileSync(helm, ['template', 'x', `oci://${registry}/${ns}-dev-charts/aws-s3-connector-chart`, '--version', '0.5.2', '--ca-file', tb.ca, ...cfg], { encoding: 'utf8' });
    expect(rendered).toContain(`image: "${registry}/${ns}-dev/aws-s3-connector:0.5.2-${sha7}"`);
    // The source chart is untouched: values.yaml still names the local image.
    expect(readFileSync(join(dir, 'connectors/aws_s3/deploy/helm/values.yaml'), 'utf8')).not.toContain(registry);
  });

  it('works with only the user\'s own docker login and helm registry login', async () => {
    const { dir, ns, registry, client, tb } = setup('own-login');
    const home = mkdtempSync(join(tmpdir(), 'lanes-own-login-'));
    const env = registryEnv({ DOCKER_CONFIG: join(home, 'docker'), HELM_REGISTRY_CONFIG: join(home, 'helm.json') });
    delete env.LANES_REGISTRY_USERNAME;
    delete env.LANES_REGISTRY_PASSWORD;
    execFileSync('docker', ['login', registry, '-u', tb.user, '--password-stdin'], { env, input: tb.password, stdio: ['pipe', 'ignore', 'pipe'] });
    execFileSync(join(tb.helmDir, 'helm'), ['registry', 'login', registry, '-u', tb.user, '--password-stdin', '--ca-file', tb.ca], { env, input: tb.password, stdio: ['pipe', 'ignore', 'pipe'] });
    const r = await lanes(['push-all-dev', '--only', 'filesystem-connector', '--source', dir, ...base()], env);
    expect(r.code, r.stdout.slice(-800)).toBe(0);
    expect((await client.manifest(`${registry}/${ns}-dev/filesystem-connector:0.2.7`)).exists).toBe(true);
    expect((await client.manifest(`oci://${registry}/${ns}-dev-charts/filesystem-connector-chart:0.2.7`)).exists).toBe(true);
  });

  it('stops before pushing anything when check dev finds an error', async () => {
    const { dir, ns, registry, client } = setup('dev-blocked');
    const env = join(dir, 'connectors/aws_s3/deploy/docker/sample.aws.env');
    writeFileSync(env, readFileSync(env, 'utf8').replace(':0.5.2', ':0.5.0'));
    git(dir, 'commit', '-qam', 'drift');
    const r = await lanes(['push-all-dev', '--source', dir, ...base()], registryEnv());
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('E_VERSION_MISMATCH');
    expect(r.stderr).toContain('stopped before doing anything');
    expect((await client.manifest(`${registry}/${ns}-dev/dsx-connect:0.3.88`)).exists).toBe(false);
  });
});

describe('release', () => {
  it('publishes exactly the checked-in versions: tags, images, charts and a GitHub release with its assets', async () => {
    const { dir, ns, registry, client, remote } = setup('rel');
    const gh = await startFakeGitHub({ token: TOKEN });
    closers.push(gh.close);
    const head = git(dir, 'rev-parse', 'HEAD');
    const env = registryEnv({ GITHUB_TOKEN: TOKEN, GITHUB_API_URL: gh.url });
    const r = await lanes(['release', '--tag', 'v0.3.88', '--source', dir, '--jobs', '3', '--json', ...base()], env);
    expect(r.code, r.stdout.slice(-2000)).toBe(0);
    const out = r.json();

    // The tags are on the remote, at the released commit.
    const remoteTags = git(remote, 'for-each-ref', '--format=%(refname:short) %(*objectname)', 'refs/tags').split('\n').sort();
    // The desktop app has no image or chart: its tag is its release.
    expect(remoteTags).toEqual([`aws-s3-connector-v0.5.2 ${head}`, `dsx-connect-v0.3.88 ${head}`, `dsxa-desktop-v1.2.0 ${head}`, `filesystem-connector-v0.2.7 ${head}`, `v0.3.88 ${head}`]);

    // Images and charts are in the release namespace, with the digests the JSON reports.
    for (const [name, version, chart] of [['dsx-connect', '0.3.88', 'dsx-connect-chart'], ['aws-s3-connector', '0.5.2', 'aws-s3-connector-chart'], ['filesystem-connector', '0.2.7', 'filesystem-connector-chart']]) {
      const image = await client.manifest(`${registry}/${ns}/${name}:${version}`);
      expect(out.published).toContainEqual({ ref: `${registry}/${ns}/${name}:${version}`, digest: image.digest });
      const c = await client.manifest(`oci://${registry}/${ns}-charts/${chart}:${version}`);
      expect(out.published).toContainEqual({ ref: `oci://${registry}/${ns}-charts/${chart}:${version}`, digest: c.digest });
      const meta = await client.config(`oci://${registry}/${ns}-charts/${chart}:${version}`);
      expect(meta).toMatchObject({ version, appVersion: version, annotations: { 'org.opencontainers.image.revision': head } });
    }

    // GitHub saw exactly: the preflight (the repository, no release yet) before anything was built, then look up the release and
    // a draft left by an earlier run, create the release as a draft, upload five assets, publish it.
    expect(gh.requests.map((q) => `${q.method} ${q.path}`)).toEqual([
      'GET /repos/dsxconnect/dsx-connect',
      'GET /repos/dsxconnect/dsx-connect/releases/tags/v0.3.88',
      'GET /repos/dsxconnect/dsx-connect/git/ref/tags/v0.3.88',
      'GET /repos/dsxconnect/dsx-connect/releases/tags/v0.3.88',
      'GET /repos/dsxconnect/dsx-connect/releases?per_page=100&page=1',
      'POST /repos/dsxconnect/dsx-connect/releases',
      'POST /uploads/repos/dsxconnect/dsx-connect/releases/1/assets?name=dsx-connect-chart-0.3.88.tgz',
      'POST /uploads/repos/dsxconnect/dsx-connect/releases/1/assets?name=aws-s3-connector-chart-0.5.2.tgz',
      'POST /uploads/repos/dsxconnect/dsx-connect/releases/1/assets?name=filesystem-connector-chart-0.2.7.tgz',
      'POST /uploads/repos/dsxconnect/dsx-connect/releases/1/assets?name=dsx-connect-compose-0.3.88.tar.gz',
      'POST /uploads/repos/dsxconnect/dsx-connect/releases/1/assets?name=SHA256SUMS',
      'GET /repos/dsxconnect/dsx-connect/releases/1',
      'PATCH /repos/dsxconnect/dsx-connect/releases/1',
    ]);
    for (const q of gh.requests) {
      expect(q.headers).toMatchObject({ authorization: `Bearer ${TOKEN}`, accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28', 'user-agent': 'lanes' });
    }
    const created = JSON.parse(gh.requests.find((q) => q.method === 'POST')!.body.toString());
    expect(created).toMatchObject({ tag_name: 'v0.3.88', target_commitish: head, name: 'dsx-connect 0.3.88', draft: true, prerelease: false });
    expect(JSON.parse(gh.requests.at(-1)!.body.toString())).toEqual({ tag_name: 'v0.3.88', name: 'dsx-connect 0.3.88', body: created.body, prerelease: false, draft: false });
    expect(created.body).toContain(`- **dsx-connect 0.3.88** (first release): \`${registry}/${ns}/dsx-connect:0.3.88\`, \`oci://${registry}/${ns}-charts/dsx-connect-chart:0.3.88\``);
    expect(created.body).toMatch(/\n\nChanges:\n\n- initial \([0-9a-f]{7}\)/);
    const release = gh.releases.get('v0.3.88')!;
    expect(release.assets.find((a) => a.name.endsWith('.tgz'))!.content_type).toBe('application/gzip');
    // SHA256SUMS matches the other assets, byte for byte.
    const sums = release.assets.find((a) => a.name === 'SHA256SUMS')!.data.toString();
    for (const a of release.assets.filter((x) => x.name !== 'SHA256SUMS')) {
      expect(sums).toContain(`${createHash('sha256').update(a.data).digest('hex')}  ${a.name}`);
    }
    // The compose bundle holds every compose file.
    const bundle = join(mkdtempSync(join(tmpdir(), 'lanes-bundle-')), 'b.tar.gz');
    writeFileSync(bundle, release.assets.find((a) => a.name.endsWith('.tar.gz'))!.data);
    expect(execFileSync('tar', ['-tzf', bundle], { encoding: 'utf8' }).trim().split('\n')).toEqual([
      'connectors/aws_s3/deploy/docker/docker-compose-aws-s3-connector.yaml',
      'connectors/filesystem/deploy/docker/docker-compose-filesystem-connector.yaml',
      'dsx_connect/deploy/docker/docker-compose-dsx-connect-all-services.yaml',
      'dsxa/docker-compose-dsxa.yaml',
    ]);

    // The release's outputs for CI: artifacts.json (valid against its published schema, digests as the registry serves them) and the notes.
    const artifacts = JSON.parse(readFileSync(join(dir, '.lanes/out/artifacts.json'), 'utf8'));
    const validate = new Ajv2020({ strict: false }).compile(JSON.parse(readFileSync(join(PROJECT_ROOT, 'artifacts.schema.json'), 'utf8')));
    expect(validate(artifacts), JSON.stringify(validate.errors)).toBe(true);
    expect(artifacts).toMatchObject({ tag: 'v0.3.88', commit: head, releases: [{ host: 'github', url: 'https://github.com/o/r/releases/tag/v0.3.88' }] });
    expect(artifacts.tags.sort()).toEqual(['aws-s3-connector-v0.5.2', 'dsx-connect-v0.3.88', 'dsxa-desktop-v1.2.0', 'filesystem-connector-v0.2.7', 'v0.3.88']);
    for (const image of artifacts.images) expect(image.digest).toBe((await client.manifest(image.ref)).digest);
    for (const chart of artifacts.charts) expect(chart.digest).toBe((await client.manifest(chart.ref)).digest);
    expect(artifacts.images).toHaveLength(3);
    expect(artifacts.charts).toHaveLength(3);
    for (const asset of artifacts.assets) expect(asset.sha256).toBe(createHash('sha256').update(release.assets.find((a) => a.name === asset.name)!.data).digest('hex'));
    expect(readFileSync(join(dir, '.lanes/out/RELEASE_NOTES.md'), 'utf8')).toBe(created.body);

    // Run again: everything is there already; nothing is pushed or uploaded twice.
    const seen = gh.requests.length;
    const again = await lanes(['release', '--tag', 'v0.3.88', '--source', dir, '--json', ...base()], env);
    expect(again.code).toBe(0);
    const skipped = again.json().results.filter((x: any) => x.kind.startsWith('push-'));
    expect(skipped.every((x: any) => x.status === 'skipped')).toBe(true);
    // The preflight (repository, release) and the release step's look-ups (the tag, now GitHub's, at the released commit; the release): only reads.
    expect(gh.requests.slice(seen).map((q) => `${q.method} ${q.path}`)).toEqual([
      'GET /repos/dsxconnect/dsx-connect',
      'GET /repos/dsxconnect/dsx-connect/releases/tags/v0.3.88',
      'GET /repos/dsxconnect/dsx-connect/git/ref/tags/v0.3.88',
      'GET /repos/dsxconnect/dsx-connect/releases/tags/v0.3.88',
    ]);
  });

  it('after an interruption, a re-run publishes what is missing and nothing twice', async () => {
    const { dir, ns, registry, client } = setup('resume');
    const gh = await startFakeGitHub({ token: TOKEN, failUploadNumber: 2 });
    closers.push(gh.close);
    const env = registryEnv({ GITHUB_TOKEN: TOKEN, GITHUB_API_URL: gh.url });
    const first = await lanes(['release', '--tag', 'v0.3.88', '--source', dir, ...base()], env);
    expect(first.code).toBe(1);
    expect(first.stdout).toContain('github-release failed');
    expect(first.stdout).toContain('uploading aws-s3-connector-chart-0.5.2.tgz failed with HTTP 500');
    const digestBefore = (await client.manifest(`${registry}/${ns}/dsx-connect:0.3.88`)).digest;

    const second = await lanes(['release', '--tag', 'v0.3.88', '--source', dir, '--json', ...base()], env);
    expect(second.code, second.stdout.slice(-1500)).toBe(0);
    const results = second.json().results;
    expect(results.filter((x: any) => x.kind === 'push-image' || x.kind === 'push-chart').map((x: any) => x.reason)).toEqual(Array(6).fill('already published by an earlier run of this release (same commit)'));
    expect(results.find((x: any) => x.kind === 'push-tags')).toMatchObject({ status: 'skipped', reason: 'v0.3.88 is already on the remote at this commit' });
    expect((await client.manifest(`${registry}/${ns}/dsx-connect:0.3.88`)).digest).toBe(digestBefore);
    expect(gh.releases.get('v0.3.88')!.assets.map((a) => a.name).sort()).toEqual(
      ['SHA256SUMS', 'aws-s3-connector-chart-0.5.2.tgz', 'dsx-connect-chart-0.3.88.tgz', 'dsx-connect-compose-0.3.88.tar.gz', 'filesystem-connector-chart-0.2.7.tgz'],
    );
    expect(gh.requests.filter((q) => q.path.includes('name=dsx-connect-chart-0.3.88.tgz'))).toHaveLength(1);
    // The interrupted run's release stayed a draft (the public never saw it without its assets); the rerun published that draft.
    expect(gh.requests.filter((q) => q.method === 'POST' && q.path.endsWith('/releases'))).toHaveLength(1);
    expect(gh.drafts).toEqual([]);
  });

  it('builds everything before the first push: one failing image publishes nothing', async () => {
    const { dir, ns, registry, client, remote } = setup('atomic');
    writeFileSync(join(dir, 'connectors/filesystem/Dockerfile'), 'ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nRUN exit 7\n');
    git(dir, 'commit', '-qam', 'broken');
    const gh = await startFakeGitHub({ token: TOKEN });
    closers.push(gh.close);
    const r = await lanes(['release', '--tag', 'v0.3.88', '--source', dir, '--jobs', '3', ...base()], registryEnv({ GITHUB_TOKEN: TOKEN, GITHUB_API_URL: gh.url }));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/build:filesystem-connector\s+failed/);
    expect(r.stdout).toMatch(/push-tags\s+skipped/);
    for (const name of ['dsx-connect', 'aws-s3-connector']) expect((await client.manifest(`${registry}/${ns}/${name}:${name === 'dsx-connect' ? '0.3.88' : '0.5.2'}`)).exists).toBe(false);
    expect(git(remote, 'tag', '--list')).toBe('');
    // GitHub was only asked (the preflight): nothing was created or uploaded.
    expect(gh.requests.filter((q) => q.method !== 'GET')).toEqual([]);
  });

  it('loses a race for the tag cleanly: the remote refuses it and nothing is published', async () => {
    const { dir, ns, registry, client, remote } = setup('race');
    // Another release got there first: the remote refuses our tag push, as it would for an existing tag.
    writeFileSync(join(remote, 'hooks/pre-receive'), '#!/bin/sh\necho "! [rejected] v0.3.88 (already exists)" >&2\nexit 1\n');
    chmodSync(join(remote, 'hooks/pre-receive'), 0o755);
    const gh = await startFakeGitHub({ token: TOKEN });
    closers.push(gh.close);
    const r = await lanes(['release', '--tag', 'v0.3.88', '--source', dir, ...base()], registryEnv({ GITHUB_TOKEN: TOKEN, GITHUB_API_URL: gh.url }));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('push-tags failed [E_TAG_EXISTS]:');
    expect(r.stdout).toContain('the remote refused v0.3.88');
    expect(r.stdout).toContain('The remote said: ');
    expect(r.stdout).toContain('Nothing was published by this run');
    expect((await client.manifest(`${registry}/${ns}/dsx-connect:0.3.88`)).exists).toBe(false);
  });

  it('refuses to run outside CI without --allow-local, before building anything', async () => {
    const { dir } = setup('notci');
    const r = await lanes(['release', '--tag', 'v0.3.88', '--source', dir, ...base()], outsideCI(registryEnv()));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('E_NOT_CI');
    expect(readdirSync(dir)).not.toContain('.lanes');
  });
});

describe('secrets', () => {
  it('the registry password and GitHub token appear in no output, label, layer or history', async () => {
    const { dir, tb, ns, registry } = setup('secrets');
    const gh = await startFakeGitHub({ token: TOKEN });
    closers.push(gh.close);
    const env = registryEnv({ GITHUB_TOKEN: TOKEN, GITHUB_API_URL: gh.url });
    const r = await lanes(['release', '--tag', 'v0.3.88', '--source', dir, '--verbose', '--json', ...base()], env);
    expect(r.code).toBe(0);
    const dev = await lanes(['push-all-dev', '--source', dir, '--verbose', ...base()], env);
    expect(dev.code).toBe(0);
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    const everything = [r.stdout, r.stderr, dev.stdout, dev.stderr].join('\n');
    for (const secret of [tb.password, TOKEN, b64(`${tb.user}:${tb.password}`)]) expect(everything).not.toContain(secret);

    const image = `${registry}/${ns}/dsx-connect:0.3.88`;
    const inspect = execFileSync('docker', ['image', 'inspect', image], { encoding: 'utf8' });
    const history = execFileSync('docker', ['history', '--no-trunc', image], { encoding: 'utf8' });
    const saved = execFileSync('docker', ['save', image], { maxBuffer: 256 * 1024 * 1024 });
    for (const secret of [tb.password, TOKEN]) {
      expect(inspect).not.toContain(secret);
      expect(history).not.toContain(secret);
      expect(saved.includes(Buffer.from(secret))).toBe(false);
    }
    // Nor did lanes leave credentials in the user's Docker config.
    const home = process.env.HOME ?? '/root';
    const cfg = join(home, '.docker/config.json');
    const { existsSync } = await import('node:fs');
    if (existsSync(cfg)) expect(readFileSync(cfg, 'utf8')).not.toContain(b64(`${tb.user}:${tb.password}`));
  });
});
