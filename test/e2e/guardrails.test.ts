import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeGitHub } from '../helpers/fake-github.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { lanes } from '../helpers/cli.js';
import { addBareRemote, commitAll, exampleRepo, git, PROJECT_ROOT } from '../helpers/repo.js';
import { outsideCI, pushChartAs, pushImageAs, registryEnv, testbed, testScope, uniqueNamespace, useTestRegistry } from '../helpers/testbed.js';

// Every image, container and registry repository these tests create is named lanes-test-<run>-guardrails-… and removed after the file.
testScope('guardrails');

/** The example monorepo, pointed at the test registry, with a bare `origin`. */
function setup(prefix: string) {
  const ns = uniqueNamespace(prefix);
  const dir = exampleRepo(useTestRegistry(ns));
  const remote = addBareRemote(dir);
  return { ns, dir, remote, registry: testbed().registry };
}

// The release lane asks GitHub before anything else (the example has release.github): a stand-in that says yes.
const TOKEN = 'ghp_guardrailsTestToken000000000000000000';
let gh: Awaited<ReturnType<typeof startFakeGitHub>>;
beforeAll(async () => {
  gh = await startFakeGitHub({ token: TOKEN });
});
afterAll(() => gh.close());
const releaseEnv = () => registryEnv({ GITHUB_TOKEN: TOKEN, GITHUB_API_URL: gh.url });

const codes = (r: { json: () => any }) => r.json().findings.map((f: any) => f.code);
const check = (dir: string, args: string[], env = releaseEnv()) => lanes(['check', ...args, '--json', '--source', dir], env);

describe('check release against a real registry and git remote', () => {
  it('passes on a clean repo with nothing published (exit 0)', async () => {
    const { dir } = setup('clean');
    const r = await check(dir, ['release', '--tag', 'v0.3.88']);
    expect(r.json().findings).toEqual([]);
    expect(r.code).toBe(0);
  });

  it('fails when the image tag is already published (E_ALREADY_PUBLISHED)', async () => {
    const { dir, ns, registry } = setup('img');
    pushImageAs(`${registry}/${ns}/aws-s3-connector:0.5.2`);
    const r = await check(dir, ['release', '--tag', 'v0.3.88']);
    expect(r.code).toBe(1);
    const f = r.json().findings.find((x: any) => x.code === 'E_ALREADY_PUBLISHED');
    expect(f).toMatchObject({ component: 'aws-s3-connector', version: '0.5.2', severity: 'error' });
    expect(f.message).toContain(`image ${registry}/${ns}/aws-s3-connector:0.5.2 is already published`);
    expect(f.message).toContain('bump aws-s3-connector');
  });

  it('fails when the chart version is already in the OCI repo (E_ALREADY_PUBLISHED)', async () => {
    const { dir, ns, registry } = setup('chart');
    pushChartAs(join(dir, 'connectors/filesystem/deploy/helm'), '0.2.7', `oci://${registry}/${ns}-charts`);
    const r = await check(dir, ['release', '--tag', 'v0.3.88']);
    expect(r.code).toBe(1);
    expect(r.json().findings).toEqual([expect.objectContaining({ code: 'E_ALREADY_PUBLISHED', component: 'filesystem-connector', message: expect.stringContaining(`chart oci://${registry}/${ns}-charts/filesystem-connector-chart:0.2.7`) })]);
  });

  it('does not fire for another version of the same image', async () => {
    const { dir, ns, registry } = setup('other');
    pushImageAs(`${registry}/${ns}/aws-s3-connector:0.5.1`);
    expect((await check(dir, ['release', '--tag', 'v0.3.88'])).code).toBe(0);
  });

  it('fails when the tag exists locally at another commit (E_TAG_EXISTS)', async () => {
    const { dir } = setup('tag-local');
    git(dir, 'tag', 'v0.3.88');
    commitAll(dir, 'later');
    const r = await check(dir, ['release', '--tag', 'v0.3.88']);
    expect(r.code).toBe(1);
    expect(r.json().findings).toContainEqual(expect.objectContaining({ code: 'E_TAG_EXISTS', message: expect.stringContaining('tag v0.3.88 already exists locally') }));
  });

  it('fails when the tag exists only on the remote (E_TAG_EXISTS via git ls-remote)', async () => {
    const { dir } = setup('tag-remote');
    git(dir, 'tag', 'v0.3.88');
    git(dir, 'push', '-q', 'origin', 'v0.3.88');
    git(dir, 'tag', '-d', 'v0.3.88');
    commitAll(dir, 'later');
    const r = await check(dir, ['release', '--tag', 'v0.3.88']);
    expect(r.json().findings).toContainEqual(expect.objectContaining({ code: 'E_TAG_EXISTS', message: expect.stringContaining('already exists on the remote') }));
  });

  it('accepts a tag that already points at HEAD (CI triggered by the tag)', async () => {
    const { dir } = setup('tag-head');
    git(dir, 'tag', 'v0.3.88');
    git(dir, 'push', '-q', 'origin', 'v0.3.88');
    const r = await check(dir, ['release', '--tag', 'v0.3.88']);
    expect(r.json().findings).toEqual([]);
  });

  it("fails when the tag's version is not the checked-in one (E_TAG_VERSION_MISMATCH)", async () => {
    const { dir } = setup('mismatch');
    const r = await check(dir, ['release', '--tag', 'v0.4.0']);
    expect(r.json().findings).toEqual([expect.objectContaining({ code: 'E_TAG_VERSION_MISMATCH', message: expect.stringContaining('tag v0.4.0 says 0.4.0 but dsx-connect is 0.3.88') })]);
  });

  it('fails on a tag that does not follow release.tag (E_TAG_FORMAT)', async () => {
    const { dir } = setup('format');
    expect(codes(await check(dir, ['release', '--tag', 'release-0.3.88']))).toEqual(['E_TAG_FORMAT']);
  });

  it('fails on a dirty working tree (E_DIRTY_TREE)', async () => {
    const { dir } = setup('dirty');
    writeFileSync(join(dir, 'dsx_connect/server.py'), '# wip\n');
    expect(codes(await check(dir, ['release', '--tag', 'v0.3.88']))).toEqual(['E_DIRTY_TREE']);
  });

  it("does not count lanes' own output directory as uncommitted changes", async () => {
    const { dir } = setup('own-output');
    writeFileSync(join(dir, '.gitignore'), '');
    git(dir, 'commit', '-qam', 'no ignore file');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(dir, '.lanes/out'), { recursive: true });
    writeFileSync(join(dir, '.lanes/out/SHA256SUMS'), 'x\n');
    expect(codes(await check(dir, ['release', '--tag', 'v0.3.88']))).toEqual([]);
  });

  it('fails outside CI unless --allow-local (E_NOT_CI)', async () => {
    const { dir } = setup('ci');
    const env = outsideCI(releaseEnv());
    expect(codes(await check(dir, ['release', '--tag', 'v0.3.88'], env))).toEqual(['E_NOT_CI']);
    expect(codes(await check(dir, ['release', '--tag', 'v0.3.88', '--allow-local'], env))).toEqual([]);
  });

  it('fails when a version is lower than its last release (E_VERSION_NOT_GREATER)', async () => {
    const { dir } = setup('lower');
    git(dir, 'tag', 'aws-s3-connector-v0.6.0');
    commitAll(dir, 'later');
    const r = await check(dir, ['release', '--tag', 'v0.3.88']);
    expect(r.json().findings).toContainEqual(expect.objectContaining({ code: 'E_VERSION_NOT_GREATER', component: 'aws-s3-connector', message: expect.stringContaining('0.5.2 is lower than its last release 0.6.0') }));
  });

  it('warns when sources changed without a bump, and fails with --strict', async () => {
    const { dir } = setup('changed');
    git(dir, 'tag', 'filesystem-connector-v0.2.7');
    writeFileSync(join(dir, 'connectors/filesystem/server.py'), '# changed\n');
    commitAll(dir, 'change');
    const plain = await check(dir, ['release', '--tag', 'v0.3.88']);
    expect(plain.code).toBe(0);
    expect(plain.json().findings).toEqual([expect.objectContaining({ code: 'W_CHANGED_NOT_BUMPED', severity: 'warning', component: 'filesystem-connector' })]);
    const strict = await check(dir, ['release', '--tag', 'v0.3.88', '--strict']);
    expect(strict.code).toBe(1);
    expect(strict.json().findings[0]).toMatchObject({ code: 'W_CHANGED_NOT_BUMPED', severity: 'error' });
  });

  it('fails when version files disagree, in every lane (E_VERSION_MISMATCH)', async () => {
    const { dir } = setup('disagree');
    const env = join(dir, 'connectors/aws_s3/deploy/docker/sample.aws.env');
    writeFileSync(env, readFileSync(env, 'utf8').replace(':0.5.2', ':0.5.1'));
    commitAll(dir, 'drift');
    for (const lane of [['local'], ['dev'], ['release', '--tag', 'v0.3.88']]) {
      const r = await check(dir, lane);
      expect(r.code).toBe(1);
      expect(r.json().findings).toContainEqual(expect.objectContaining({ code: 'E_VERSION_MISMATCH', message: expect.stringContaining('connectors/aws_s3/deploy/docker/sample.aws.env AWS_S3_CONNECTOR_IMAGE=0.5.1') }));
    }
  });
});

describe('check dev', () => {
  it('warns that a mutable dev tag will be overwritten, for images and charts', async () => {
    const { dir, ns, registry } = setup('dev');
    pushImageAs(`${registry}/${ns}-dev/dsx-connect:0.3.88`);
    pushChartAs(join(dir, 'dsx_connect/deploy/helm'), '0.3.88', `oci://${registry}/${ns}-dev-charts`);
    const r = await check(dir, ['dev']);
    expect(r.code).toBe(0);
    expect(r.json().findings.map((f: any) => [f.code, f.component])).toEqual([
      ['W_DEV_OVERWRITE', 'dsx-connect'],
      ['W_DEV_OVERWRITE', 'dsx-connect'],
    ]);
  });

  it('skips re-pushing the immutable <version>-<sha7> tag of this commit', async () => {
    const { dir, ns, registry } = setup('immutable');
    const sha7 = git(dir, 'rev-parse', '--short=7', 'HEAD');
    pushImageAs(`${registry}/${ns}-dev/aws-s3-connector:0.5.2-${sha7}`);
    const plan = (await lanes(['plan', 'dev', '--json', '--source', dir], registryEnv())).json();
    expect(plan.steps.find((s: any) => s.id === `push:${registry}/${ns}-dev/aws-s3-connector:0.5.2-${sha7}`)).toMatchObject({ skip: 'already pushed from this commit' });
  });
});

describe('registry credentials', () => {
  it('reports wrong credentials clearly, naming the user and never the password', async () => {
    const { dir } = setup('badauth');
    const wrong = 'Wr0ng-Passw0rd-Planted';
    const r = await lanes(['check', 'dev', '--source', dir], registryEnv({ LANES_REGISTRY_PASSWORD: wrong }));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('E_REGISTRY');
    expect(r.stdout).toContain('refused access');
    expect(r.stdout).toContain('as user "lanes" (credentials from LANES_REGISTRY_USERNAME/LANES_REGISTRY_PASSWORD)');
    expect(r.stdout + r.stderr).not.toContain(wrong);
    expect(r.stdout + r.stderr).not.toContain(Buffer.from(`lanes:${wrong}`).toString('base64'));
  });

  it('uses the Docker config file when no other credentials are given', async () => {
    const { dir, ns, registry } = setup('dockercfg');
    pushImageAs(`${registry}/${ns}-dev/dsx-connect:0.3.88`);
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const cfgDir = mkdtempSync(join(tmpdir(), 'lanes-dockercfg-'));
    const tb = testbed();
    writeFileSync(join(cfgDir, 'config.json'), JSON.stringify({ auths: { [registry]: { auth: Buffer.from(`${tb.user}:${tb.password}`).toString('base64') } } }));
    const env = registryEnv({ DOCKER_CONFIG: cfgDir });
    delete env.LANES_REGISTRY_USERNAME;
    delete env.LANES_REGISTRY_PASSWORD;
    const r = await check(dir, ['dev'], env);
    expect(codes(r)).toEqual(['W_DEV_OVERWRITE']);
  });

  it('takes --registry-password as an env:// reference', async () => {
    const { dir } = setup('flags');
    const env = registryEnv({ MY_REG_PASS: testbed().password });
    delete env.LANES_REGISTRY_USERNAME;
    delete env.LANES_REGISTRY_PASSWORD;
    const r = await lanes(['check', 'dev', '--json', '--source', dir, '--registry-username', 'lanes', '--registry-password', 'env://MY_REG_PASS'], { ...env, DOCKER_CONFIG: '/nonexistent' });
    expect(codes(r)).toEqual([]);
  });
});

describe('plan --json', () => {
  it('validates against the published plan.schema.json for every lane', async () => {
    const { dir } = setup('schema');
    const schema = JSON.parse(readFileSync(join(PROJECT_ROOT, 'plan.schema.json'), 'utf8'));
    const validate = new Ajv2020({ strict: false }).compile(schema);
    for (const lane of [['local'], ['dev'], ['release', '--tag', 'v0.3.88'], ['deploy-local'], ['compose-up-local'], ['compose-down-local']]) {
      const plan = (await lanes(['plan', ...lane, '--json', '--source', dir], registryEnv())).json();
      expect(validate(plan), `${lane[0]}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });

  it('lists every image and chart reference of the release, and the steps in order', async () => {
    const { dir, ns, registry } = setup('order');
    const plan = (await lanes(['plan', 'release', '--tag', 'v0.3.88', '--json', '--source', dir], registryEnv())).json();
    expect(plan.components.map((c: any) => [c.name, c.version, c.images, c.chart?.ref])).toEqual([
      ['dsx-connect', '0.3.88', [`${registry}/${ns}/dsx-connect:0.3.88`], `oci://${registry}/${ns}-charts/dsx-connect-chart:0.3.88`],
      ['aws-s3-connector', '0.5.2', [`${registry}/${ns}/aws-s3-connector:0.5.2`], `oci://${registry}/${ns}-charts/aws-s3-connector-chart:0.5.2`],
      ['filesystem-connector', '0.2.7', [`${registry}/${ns}/filesystem-connector:0.2.7`], `oci://${registry}/${ns}-charts/filesystem-connector-chart:0.2.7`],
      ['dsxa-desktop', '1.2.0', [], undefined],
    ]);
    // The desktop app is released by its tag alone, and the plan says so.
    expect(plan.components.at(-1).tagOnly).toBe('dsxa-desktop-v1.2.0');
    const kinds = plan.steps.map((s: any) => s.kind);
    const firstPush = kinds.findIndex((k: string) => k.startsWith('push-'));
    expect(kinds.slice(0, firstPush).every((k: string) => ['build-image', 'package-chart', 'compose-bundle', 'checksums'].includes(k))).toBe(true);
    expect(kinds[firstPush]).toBe('push-tags');
    expect(plan.steps.find((s: any) => s.kind === 'push-tags').tags.map((t: any) => t.name)).toEqual(['v0.3.88', 'dsx-connect-v0.3.88', 'aws-s3-connector-v0.5.2', 'filesystem-connector-v0.2.7', 'dsxa-desktop-v1.2.0']);
    expect(kinds.at(-1)).toBe('github-release');
  });
});

describe('status --published', () => {
  it('says where each checked-in version is published, and when only partly', async () => {
    const { dir, ns, registry } = setup('where');
    pushImageAs(`${registry}/${ns}-dev/dsx-connect:0.3.88`);
    pushChartAs(join(dir, 'dsx_connect/deploy/helm'), '0.3.88', `oci://${registry}/${ns}-dev-charts`);
    pushImageAs(`${registry}/${ns}/aws-s3-connector:0.5.2`);
    const r = await lanes(['status', '--published', '--source', dir], registryEnv());
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/dsx-connect\s+0\.3\.88.*never released\s+dev$/m);
    expect(r.stdout).toMatch(/aws-s3-connector\s+0\.5\.2.*never released\s+release \(partly\)$/m);
    expect(r.stdout).toMatch(/filesystem-connector\s+0\.2\.7.*never released\s+nowhere$/m);
    const json = (await lanes(['status', '--published', '--json', '--source', dir], registryEnv())).json();
    expect(json.rows.find((x: any) => x.component === 'dsx-connect').published).toEqual({ dev: 'yes', release: 'no' });
  });
});
