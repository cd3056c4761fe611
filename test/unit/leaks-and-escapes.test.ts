import { describe, expect, it } from 'vitest';
import { lanes } from '../helpers/cli.js';
import { makeDir } from '../helpers/repo.js';
import { component, pureWorkspace } from '../helpers/pure-workspace.js';
import { withoutUserinfo, userinfoParts } from '../../src/git/remote-url.js';
import { sourceUrl } from '../../src/plan/image-labels.js';
import { buildImageStep, packageChartStep } from '../../src/plan/build-steps.js';
import { mayReceiveCredentials } from '../../src/registry/credentials.js';
import { Redactor } from '../../src/exec/redactor.js';
import { secretBuildArgs, secretBuildArgValues, secretNamed } from '../../src/guardrails/secret-build-args.js';
import { BUILD_INPUTS_KEY } from '../../src/registry/published.js';
import type { Plan } from '../../src/plan/types.js';
import { planRelease, type ReleaseFacts } from '../../src/plan/release.js';
import type { PublishedFact } from '../../src/registry/published.js';

describe('remote URLs lose their credentials where they are read', () => {
  it.each([
    ['https://gitlab-ci-token:glcbt-64_SeCrEt@gitlab.example.com/group/app.git', 'https://gitlab.example.com/group/app.git'],
    ['https://x-access-token:ghs_SeCrEt@github.com/o/r.git', 'https://github.com/o/r.git'],
    ['https://ghp_TokenAsUserName@github.com/o/r', 'https://github.com/o/r'],
    ['https://user:p%40ss@w@host:8443/o/r.git', 'https://host:8443/o/r.git'],
    ['ssh://git@host:2222/o/r.git', 'ssh://host:2222/o/r.git'],
    ['https://github.com/o/r.git', 'https://github.com/o/r.git'],
    ['git@github.com:o/r.git', 'git@github.com:o/r.git'],
    ['/srv/git/r.git', '/srv/git/r.git'],
  ])('%s -> %s', (url, stripped) => {
    expect(withoutUserinfo(url)).toBe(stripped);
  });

  it('makes the source label a browsable https URL without user-info, whatever the remote form', () => {
    expect(sourceUrl('https://gitlab-ci-token:SeCrEt@gitlab.example.com/group/app.git')).toBe('https://gitlab.example.com/group/app');
    expect(sourceUrl('git@github.com:o/r.git')).toBe('https://github.com/o/r');
    expect(sourceUrl('ssh://git@gitlab.example.com:2222/group/app.git')).toBe('https://gitlab.example.com/group/app');
  });

  it('gives the redactor the password, or the user name when it stands alone (a token as the user name)', () => {
    expect(userinfoParts('https://gitlab-ci-token:p%2Fss@host/x')).toEqual({ user: ['gitlab-ci-token'], password: ['p%2Fss', 'p/ss'] });
    const r = new Redactor();
    r.addUrlCredentials('https://gitlab-ci-token:glcbt-SeCrEt@host/x');
    r.addUrlCredentials('https://ghp_TokenAsUserName@github.com/o/r');
    expect(r.redact('clone of gitlab-ci-token:glcbt-SeCrEt and ghp_TokenAsUserName')).toBe('clone of gitlab-ci-token:*** and ***');
  });
});

describe('registry credentials are bound to their host', () => {
  const url = (u: string) => new URL(u);
  it.each([
    ['registry.example.com', 'https://registry.example.com/token', true, "the registry's own host"],
    ['registry.example.com:5443', 'https://registry.example.com/service/token', true, 'its own host on another port'],
    ['registry-1.docker.io', 'https://auth.docker.io/token', true, "Docker Hub's token service"],
    ['docker.io', 'https://auth.docker.io/token', true, 'Docker Hub under its alias'],
    ['registry.gitlab.com', 'https://gitlab.com/jwt/auth', true, 'a parent domain (GitLab.com)'],
    ['registry.gitlab.example.com', 'https://gitlab.example.com/jwt/auth', true, 'a parent domain (self-managed GitLab)'],
    ['registry.example.com', 'https://evil.example.net/token', false, 'another host'],
    ['registry.example.com', 'https://example.com.evil.net/token', false, 'a look-alike'],
    ['registry.example.com', 'https://com/token', false, 'a top-level domain'],
    ['ghcr.io', 'https://auth.docker.io/token', false, "Docker Hub's token service for another registry"],
    ['registry.example.com', 'http://registry.example.com/token', false, 'its own host over plain HTTP'],
    ['127.0.0.1:5000', 'http://127.0.0.2:5001/token', false, 'another IP address'],
  ])('%s, realm %s: %s (%s)', (registry, realm, allowed) => {
    expect(mayReceiveCredentials(registry, url(realm))).toBe(allowed);
  });

  it('allows a plain-HTTP realm on the registry host only when the registry itself is plain HTTP', () => {
    expect(mayReceiveCredentials('127.0.0.1:5000', url('http://127.0.0.1:5000/token'), true)).toBe(true);
    expect(mayReceiveCredentials('127.0.0.1:5000', url('http://127.0.0.1:5000/token'), false)).toBe(false);
  });
});

const planWith = (buildArgs: Record<string, string>): Plan =>
  ({ schemaVersion: 1, lane: 'dev', project: 'demo', components: [], skipped: [], findings: [], steps: [buildImageStep(pureWorkspace([component('api', 0)]), component('api', 0), '1.0.0', ['r/api:1.0.0'], { buildArgs })] }) as Plan;

describe('secret build args', () => {
  it.each(['DB_PASS', 'MYSQL_PWD', 'NPM_AUTH', '_auth', 'GITHUB_PAT', 'REGISTRY_CREDS', 'TLS_KEY', 'CERT_KEY', 'SSH_KEY_FILE', 'sshKey', 'AWS_ACCESS_KEY', 'SIGNING_KEY', 'DB_PASSWORD', 'PIP_INDEX_TOKEN', 'AWS_SECRET_ACCESS_KEY', 'NPM_CONFIG__AUTHTOKEN', 'HTPASSWD', 'NETRC'])('refuses %s by its name', (name) => {
    expect(secretNamed(name)).toBe(true);
  });

  it.each(['BASE_IMAGE', 'PASS_THROUGH', 'BYPASS_CACHE', 'COMPASS_URL', 'AUTH_URL', 'AUTH_ENABLED', 'OAUTH_ISSUER', 'AWS_ACCESS_KEY_ID', 'CACHE_KEY', 'PUBLIC_KEY_URL', 'KEYRING', 'PATH'])('lets %s through by its name', (name) => {
    expect(secretNamed(name)).toBe(false);
  });

  it('refuses a build arg whose value is a secret lanes knows, naming the arg but never the value', () => {
    const known = new Redactor();
    known.add('s3cret-Registry-Pa55');
    const findings = secretBuildArgValues(planWith({ GREETING: 's3cret-Registry-Pa55', BASE_IMAGE: 'busybox' }), known);
    expect(findings).toEqual([{ code: 'E_SECRET_BUILD_ARG_VALUE', severity: 'error', component: 'api', message: expect.stringContaining('api: build arg GREETING holds a secret lanes was given') }]);
    expect(JSON.stringify(findings)).not.toContain('s3cret-Registry-Pa55');
  });

  it('refuses a value that holds a known secret inside it (a URL with the password) or its base64', () => {
    const known = new Redactor();
    known.add('ghp_KnownToken123');
    const plan = planWith({ INDEX_URL: 'https://u:ghp_KnownToken123@pypi.example/simple', BLOB: Buffer.from('ghp_KnownToken123').toString('base64') });
    expect(secretBuildArgValues(plan, known).map((f) => f.message.split(' holds')[0])).toEqual(['api: build arg INDEX_URL', 'api: build arg BLOB']);
  });

  it('reports an arg refused for its name once, not again for its value', () => {
    const known = new Redactor();
    known.add('s3cret-Registry-Pa55');
    const plan = planWith({ DB_PASS: 's3cret-Registry-Pa55' });
    expect(secretBuildArgs(plan).map((f) => f.code)).toEqual(['E_SECRET_BUILD_ARG']);
    expect(secretBuildArgValues(plan, known)).toEqual([]);
  });
});

describe('build inputs digest', () => {
  const ws = pureWorkspace([component('api', 0)]);
  const digest = (buildArgs: Record<string, string>, over: Partial<ReturnType<typeof component>> = {}) =>
    (buildImageStep(ws, component('api', 0, over), '1.0.0', ['r/api:1.0.0'], { buildArgs }) as { labels: Record<string, string> }).labels[BUILD_INPUTS_KEY];

  it('labels every image with a digest of its build inputs: the same inputs give the same digest, whatever the order or the tags', () => {
    const a = buildImageStep(ws, component('api', 0), '1.0.0', ['r/api:1.0.0'], { buildArgs: { A: '1', B: '2' } }) as { labels: Record<string, string> };
    const b = buildImageStep(ws, component('api', 0), '1.0.0', ['dev/api:1.0.0', 'dev/api:1.0.0-aaaaaaa'], { buildArgs: { B: '2', A: '1' } }) as { labels: Record<string, string> };
    expect(a.labels[BUILD_INPUTS_KEY]).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(b.labels[BUILD_INPUTS_KEY]).toBe(a.labels[BUILD_INPUTS_KEY]);
  });

  it('changes with a build arg value, the target, the platforms or the Dockerfile', () => {
    const image = component('api', 0).image!;
    const base = digest({ FLAVOR: 'release' });
    expect(new Set([
      base,
      digest({ FLAVOR: 'dev' }),
      digest({ FLAVOR: 'release' }, { image: { ...image, target: 'debug' } }),
      digest({ FLAVOR: 'release' }, { image: { ...image, platforms: ['linux/arm64'] } }),
      digest({ FLAVOR: 'release' }, { image: { ...image, dockerfile: 'api/Dockerfile.dev' } }),
    ]).size).toBe(5);
  });

  it('counts the values set in a chart package among its inputs (a dev chart points at the dev image)', () => {
    const chart = (values?: Record<string, string>) => packageChartStep(ws, component('api', 0), '1.0.0', {}, [], values).annotations[BUILD_INPUTS_KEY];
    expect(chart({ 'image.tag': '1.0.0-aaaaaaa' })).not.toBe(chart({ 'image.tag': '1.0.0' }));
    expect(packageChartStep(ws, component('api', 0), '1.0.0', {}, [], { 'image.tag': '1.0.0' }).values).toEqual({ 'image.tag': '1.0.0' });
  });

  it('annotates every chart package with a digest of its inputs beside the revision', () => {
    const step = packageChartStep(ws, component('api', 0), '1.0.0', {});
    expect(step.annotations).toEqual({ 'org.opencontainers.image.revision': 'a'.repeat(40), [BUILD_INPUTS_KEY]: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) });
  });
});

describe('dev and release registries in one namespace', () => {
  const files = (registries: string) => ({
    'lanes.yaml': `project: demo\nregistries:\n${registries}components:\n  - name: api\n    path: api\n    version: { file: api/VERSION }\n    image: { name: api }\n`,
    'api/VERSION': '1.0.0\n',
    'api/Dockerfile': 'FROM scratch\n',
  });

  it('is a config error naming both YAML paths, host aliases counted as one registry', async () => {
    const dir = makeDir(files('  dev:     { images: docker.io/acme, charts: oci://r.example/acme-dev-charts }\n  release: { images: registry-1.docker.io/acme, charts: oci://r.example/acme-charts }\n'));
    const r = await lanes(['check', 'local', '--source', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('E_CONFIG');
    expect(r.stderr).toMatch(/lanes\.yaml:3 registries\.dev\.images: "docker\.io\/acme" is also registries\.release\.images \("registry-1\.docker\.io\/acme"\); dev pushes would overwrite releases/);
  });

  it('catches a dev chart namespace that is the release image namespace', async () => {
    const dir = makeDir(files('  dev:     { images: r.example/acme-dev, charts: oci://r.example/acme }\n  release: { images: r.example/acme, charts: oci://r.example/acme-charts }\n'));
    const r = await lanes(['check', 'local', '--source', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('registries.dev.charts: "oci://r.example/acme" is also registries.release.images');
  });

  it('accepts namespaces of their own', async () => {
    const dir = makeDir(files('  dev:     { images: r.example/acme-dev, charts: oci://r.example/acme-dev-charts }\n  release: { images: r.example/acme, charts: oci://r.example/acme-charts }\n'));
    const r = await lanes(['check', 'local', '--source', dir]);
    expect(r.stderr).not.toContain('E_CONFIG');
  });
});

describe('a release skips only what this commit published from the same build inputs', () => {
  const ws = pureWorkspace([component('api', 0, { chart: undefined })], { release: { tag: 'v{version}', versionOf: 'api', componentTag: '{component}-v{version}' } });
  const ref = 'r.example/demo/api:1.0.0';
  const facts = (published: Partial<PublishedFact>): ReleaseFacts => ({
    ci: true,
    remote: 'origin',
    remoteTags: new Map(),
    published: new Map([[ref, { ref, exists: true, ...published }]]),
    notes: '',
  });
  const opts = { tag: 'v1.0.0', buildArgs: { FLAVOR: 'release' } };
  const expected = (planRelease(ws, opts, { ...facts({}), published: new Map() }).steps.find((s) => s.kind === 'build-image') as { labels: Record<string, string> }).labels[BUILD_INPUTS_KEY]!;
  const push = (plan: Plan) => plan.steps.find((s) => s.kind === 'push-image')!;

  it('skips an image of this commit built from the same inputs (an earlier run of this release)', () => {
    const plan = planRelease(ws, opts, facts({ revision: 'a'.repeat(40), buildInputs: expected }));
    expect(push(plan).skip).toBe('already published by an earlier run of this release (same commit)');
    expect(plan.findings.filter((f) => f.code === 'E_ALREADY_PUBLISHED')).toEqual([]);
  });

  it('refuses an image of this commit built from other inputs (a dev build in the release namespace): never taken as the release', () => {
    const plan = planRelease(ws, opts, facts({ revision: 'a'.repeat(40), buildInputs: 'sha256:' + '0'.repeat(64) }));
    expect(push(plan).skip).toBeUndefined();
    expect(plan.findings.map((f) => f.code)).toContain('E_ALREADY_PUBLISHED');
  });

  it('refuses an image of this commit that carries no build-inputs digest (pushed by another tool or an older lanes)', () => {
    const plan = planRelease(ws, opts, facts({ revision: 'a'.repeat(40) }));
    expect(push(plan).skip).toBeUndefined();
    expect(plan.findings.map((f) => f.code)).toContain('E_ALREADY_PUBLISHED');
  });
});
