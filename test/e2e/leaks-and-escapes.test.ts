import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, watch } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lanes } from '../helpers/cli.js';
import { exampleRepo, git, PROJECT_ROOT } from '../helpers/repo.js';
import { registryEnv, renameForTest, testbed, testScope, uniqueNamespace, useTestRegistry } from '../helpers/testbed.js';
import { RegistryClient } from '../../src/registry/oci-client.js';
import { BUILD_INPUTS_KEY, lookUpPublished } from '../../src/registry/published.js';

// Everything these tests build, push or create is named lanes-test-<run>-leaks-and-escapes-… and removed after the file.
const scope = testScope('leaks-and-escapes');

const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

const base = () => ['--build-arg', `BASE_IMAGE=${testbed().baseImage}`];
const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

/** An HTTP server on loopback, closed (its open connections too) after the test. */
async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void, host = '127.0.0.1'): Promise<string> {
  const sockets = new Set<Socket>();
  const server = createServer(handler);
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, host, r));
  closers.push(() => new Promise<void>((r) => {
    for (const s of sockets) s.destroy();
    server.close(() => r());
  }));
  return `${host}:${(server.address() as AddressInfo).port}`;
}

describe('credentials in the origin URL (how GitLab CI checks out)', () => {
  const TOKEN = 'glcbt-64_PlantedCiJobToken0123456789';
  const ORIGIN = `https://gitlab-ci-token:${TOKEN}@gitlab.lanes.test/group/dsx-connect.git`;

  it('reach neither the built image, nor plan --json, nor status', async () => {
    const names = scope.names();
    // No release.github: the source label then comes from origin.
    const dir = exampleRepo((y) => useTestRegistry(uniqueNamespace('origin'))(y).replace(/^ {2}github: .*\n/m, ''), { rewrite: renameForTest(names, { images: true }) });
    git(dir, 'remote', 'add', 'origin', ORIGIN);
    // The token is not in the environment: nothing could redact it, it must never be read.
    const env = registryEnv();

    const plan = await lanes(['plan', 'dev', '--json', '--source', dir, ...base()], env);
    expect(plan.code).toBe(0);
    expect(plan.stdout).not.toContain(TOKEN);
    const labels = plan.json().steps.find((s: any) => s.kind === 'build-image').labels;
    expect(labels['org.opencontainers.image.source']).toBe('https://gitlab.lanes.test/group/dsx-connect');

    const status = await lanes(['status', '--json', '--source', dir], env);
    expect(status.code).toBe(0);
    expect(status.stdout + status.stderr).not.toContain(TOKEN);

    const built = await lanes(['build-all-local', '--only', 'filesystem-connector', '--source', dir, ...base()], env);
    expect(built.code, built.stdout).toBe(0);
    const imageLabels = docker('image', 'inspect', '--format', '{{json .Config.Labels}}', `${names.image('filesystem-connector')}:0.2.7`);
    expect(JSON.parse(imageLabels)['org.opencontainers.image.source']).toBe('https://gitlab.lanes.test/group/dsx-connect');
    expect(imageLabels).not.toContain(TOKEN);
  });
});

describe('a push stopped by a signal', () => {
  it('leaves no throw-away registry config behind, never wrote the password into it, and exits 143 on SIGTERM', async () => {
    // A registry that answers lanes' look-ups (no such tag) and then never answers a push.
    const stalled: ServerResponse[] = [];
    const address = await serve((req, res) => {
      if (/\/manifests\//.test(req.url ?? '')) res.writeHead(404).end();
      else stalled.push(res);
    });
    const dir = exampleRepo(useTestRegistry(uniqueNamespace('sigterm'), address));
    const tmp = mkdtempSync(join(tmpdir(), 'lanes-test-sigterm-'));
    closers.push(() => rmSync(tmp, { recursive: true, force: true }));
    const configDirs = () => readdirSync(tmp).filter((n) => /^lanes-(docker|helm)-/.test(n));

    // Watch before starting, so the config dir's creation cannot be missed.
    let created: () => void = () => {};
    const appeared = new Promise<void>((r) => (created = r));
    const watcher = watch(tmp, () => configDirs().length > 0 && created());
    closers.push(() => watcher.close());

    const { password } = testbed();
    const child = spawn(process.execPath, [join(PROJECT_ROOT, 'bin/lanes.js'), 'push-all-dev', '--only', 'filesystem-connector', '--plain-http', '--source', dir, ...base()], {
      env: registryEnv({ TMPDIR: tmp }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    closers.push(() => void child.kill('SIGKILL'));

    // Bounded: the push starts within a minute (a build of the small example image first), or the lane ended without pushing.
    const outcome = await Promise.race([appeared.then(() => 'push started'), exited.then(() => 'exited'), new Promise((r) => setTimeout(() => r('timed out'), 60_000))]);
    expect(outcome, output).toBe('push started');
    const [configDir] = configDirs();
    const configFile = join(tmp, configDir!, 'config.json');
    // The config names a credential helper; the password is never on disk.
    for (let i = 0; i < 1000 && !existsSync(configFile); i++) await new Promise((r) => setImmediate(r));
    const onDisk = readdirSync(join(tmp, configDir!)).map((f) => readFileSync(join(tmp, configDir!, f), 'utf8')).join('\n');
    expect(onDisk).toContain('credHelpers');
    expect(onDisk).not.toContain(password);
    expect(onDisk).not.toContain(Buffer.from(`${testbed().user}:${password}`).toString('base64'));

    child.kill('SIGTERM');
    expect(await exited).toBe(143);
    expect(configDirs()).toEqual([]);
  });
});

describe('registry credentials are bound to the registry host', () => {
  /** A registry on 127.0.0.1 whose Bearer challenge names a realm on 127.0.0.2, which records what it is sent. */
  async function registryWithForeignRealm(realmAnswer: { status: number; body?: string }) {
    const seenByRealm: (string | undefined)[] = [];
    const realm = await serve((req, res) => {
      seenByRealm.push(req.headers.authorization);
      res.writeHead(realmAnswer.status, { 'content-type': 'application/json' }).end(realmAnswer.body ?? '{}');
    }, '127.0.0.2');
    const registry = await serve((req, res) => {
      if (req.headers.authorization?.startsWith('Bearer ')) res.writeHead(404).end();
      else res.writeHead(401, { 'www-authenticate': `Bearer realm="http://${realm}/token",service="evil",scope="repository:x/app:pull"` }).end();
    });
    return { registry, seenByRealm };
  }
  const client = () => {
    const c = new RegistryClient({ plainHttp: true, retries: 0, credentials: { explicit: { username: 'robot', password: 'Robot-Secret-Pass', source: '--registry-password' } } });
    closers.push(() => c.close());
    return c;
  };

  it('asks a token realm on another host anonymously: it never sees the credentials', async () => {
    const { registry, seenByRealm } = await registryWithForeignRealm({ status: 200, body: '{"token":"anonymous-pull"}' });
    const fact = (await lookUpPublished(client(), [{ ref: `${registry}/x/app:1.0.0` }])).get(`${registry}/x/app:1.0.0`)!;
    expect(fact).toEqual({ ref: `${registry}/x/app:1.0.0`, exists: false });
    expect(seenByRealm).toEqual([undefined]);
  });

  it('says so when that realm refuses anonymous access, naming the user but never the password', async () => {
    const { registry, seenByRealm } = await registryWithForeignRealm({ status: 401 });
    const fact = (await lookUpPublished(client(), [{ ref: `${registry}/x/app:1.0.0` }])).get(`${registry}/x/app:1.0.0`)!;
    expect(seenByRealm).toEqual([undefined]);
    expect(fact.error?.code).toBe('E_REGISTRY_AUTH');
    expect(fact.error?.message).toContain(`${registry} sent its token request to http://127.0.0.2:`);
    expect(fact.error?.message).toContain(`lanes sends the credentials for ${registry} (user "robot", from --registry-password) only to ${registry}'s own host`);
    expect(fact.error?.message).not.toContain('Robot-Secret-Pass');
  });
});

describe('build args holding a secret lanes knows', () => {
  it('refuses a build arg whose value is the registry password, whatever its name, and never prints the value', async () => {
    const dir = exampleRepo(useTestRegistry(uniqueNamespace('secret-arg')));
    const { password } = testbed();
    const r = await lanes(['check', 'dev', '--source', dir, '--build-arg', `GREETING=${password}`, ...base()], registryEnv());
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('E_SECRET_BUILD_ARG_VALUE: dsx-connect: build arg GREETING holds a secret lanes was given');
    expect(r.stdout + r.stderr).not.toContain(password);
    expect(r.stdout + r.stderr).not.toContain('***');
  });

  it('refuses DB_PASS by its name (the issue\'s reproduction), before anything is built', async () => {
    const dir = exampleRepo(useTestRegistry(uniqueNamespace('secret-arg')));
    const r = await lanes(['push-all-dev', '--source', dir, '--build-arg', `DB_PASS=${testbed().password}`, ...base()], registryEnv());
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('E_SECRET_BUILD_ARG: dsx-connect: build arg DB_PASS looks like a secret');
    expect(r.stderr).toContain('stopped before doing anything');
  });
});

describe('build inputs in the registry', () => {
  it('a pushed image and chart carry the digest of their build inputs, and the registry look-up returns it', async () => {
    const tb = testbed();
    const ns = uniqueNamespace('inputs');
    const dir = exampleRepo(useTestRegistry(ns));
    const args = ['--only', 'filesystem-connector', '--source', dir, ...base()];
    const planned = async (flavor: string) => {
      const p = await lanes(['plan', 'dev', '--json', '--build-arg', `FLAVOR=${flavor}`, ...args], registryEnv());
      return p.json().steps.find((s: any) => s.kind === 'build-image').labels[BUILD_INPUTS_KEY] as string;
    };
    const pushed = await lanes(['push-all-dev', '--build-arg', 'FLAVOR=dev', ...args], registryEnv());
    expect(pushed.code, pushed.stdout.slice(-1500)).toBe(0);

    const c = new RegistryClient({ credentials: { explicit: { username: tb.user, password: tb.password, source: 'test' } } });
    closers.push(() => c.close());
    const image = `${tb.registry}/${ns}-dev/filesystem-connector:0.2.7`;
    const chart = `oci://${tb.registry}/${ns}-dev-charts/filesystem-connector-chart:0.2.7`;
    const facts = await lookUpPublished(c, [{ ref: image, withRevision: true }, { ref: chart, withRevision: true }]);
    expect(facts.get(image)).toMatchObject({ exists: true, revision: git(dir, 'rev-parse', 'HEAD'), buildInputs: await planned('dev') });
    expect(facts.get(image)!.buildInputs).not.toBe(await planned('release'));
    expect(facts.get(chart)!.buildInputs).toMatch(/^sha256:[0-9a-f]{64}$/);
  });
});
