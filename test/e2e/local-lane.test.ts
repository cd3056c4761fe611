import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { lanes } from '../helpers/cli.js';
import { exampleRepo, git } from '../helpers/repo.js';
import { registryEnv, renameForTest, testbed, testScope } from '../helpers/testbed.js';

const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
const labels = (ref: string) => JSON.parse(docker('image', 'inspect', '--format', '{{json .Config.Labels}}', ref)) as Record<string, string>;
const base = () => ['--build-arg', `BASE_IMAGE=${testbed().baseImage}`];

// Everything these tests build, start or create is named lanes-test-<run>-local-lane-… and removed after the file.
const scope = testScope('local-lane');
/** A copy of the example whose images, compose project, network and DSXA image have test-only names. */
function example(edit?: (yaml: string) => string) {
  const names = scope.names();
  const dir = exampleRepo(edit, { rewrite: renameForTest(names, { images: true }) });
  return { dir, names, image: names.image };
}

async function freePort(): Promise<number> {
  return new Promise((r) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => r(port));
    });
  });
}

/** Polls until the URL answers (a container needs a moment to start listening); fails after ~15 s. */
async function fetchWhenUp(url: string): Promise<string> {
  let last: unknown;
  for (let i = 0; i < 150; i++) {
    try {
      const res = await fetch(url);
      if (res.ok) return await res.text();
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} never answered: ${String(last)}`);
}

describe('local lane, on the real Docker engine', () => {
  it('build-all-local builds every image as :latest and :<version> with OCI labels', async () => {
    const { dir, image } = example();
    const head = git(dir, 'rev-parse', 'HEAD');
    const r = await lanes(['build-all-local', '--source', dir, '--jobs', '3', '--json', ...base()], registryEnv());
    expect(r.code).toBe(0);
    expect(r.json().results.map((x: any) => [x.id, x.status])).toEqual([
      ['build:dsx-connect', 'ok'],
      ['build:aws-s3-connector', 'ok'],
      ['build:filesystem-connector', 'ok'],
    ]);
    for (const [name, version] of [['dsx-connect', '0.3.88'], ['aws-s3-connector', '0.5.2'], ['filesystem-connector', '0.2.7']]) {
      expect(docker('image', 'inspect', '--format', '{{.Id}}', `${image(name!)}:latest`)).toBe(docker('image', 'inspect', '--format', '{{.Id}}', `${image(name!)}:${version}`));
      expect(labels(`${image(name!)}:${version}`)).toMatchObject({
        'org.opencontainers.image.version': version,
        'org.opencontainers.image.revision': head,
        'org.opencontainers.image.source': 'https://github.com/dsxconnect/dsx-connect',
        'org.opencontainers.image.created': '2026-01-01T00:00:00+00:00',
      });
    }
    // Never bumps: the working tree is untouched.
    expect(git(dir, 'status', '--porcelain')).toBe('');
  });

  it('a failing build stops none of the builds already running; the summary says which failed and why', async () => {
    const { dir } = example();
    writeFileSync(join(dir, 'connectors/aws_s3/Dockerfile'), 'ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nRUN exit 3\n');
    git(dir, 'commit', '-qam', 'break the connector');
    const r = await lanes(['build-all-local', '--source', dir, '--jobs', '3', ...base()], registryEnv());
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/build:dsx-connect\s+ok/);
    expect(r.stdout).toMatch(/build:filesystem-connector\s+ok/);
    expect(r.stdout).toMatch(/build:aws-s3-connector\s+failed/);
    expect(r.stdout).toContain('build:aws-s3-connector failed [E_EXEC]:');
    // The legacy builder's words, or BuildKit's (the default on newer engines, e.g. GitHub's runners).
    expect(r.stdout).toMatch(/returned a non-zero code: 3|did not complete successfully: exit code: 3/);
  });

  it('--dry-run prints the plan and builds nothing', async () => {
    const { dir, image } = example();
    const r = await lanes(['build-all-local', '--source', dir, '--dry-run', '--only', 'dsx-connect'], registryEnv());
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`docker build ${image('dsx-connect')}:latest, ${image('dsx-connect')}:0.3.88 from dsx_connect/Dockerfile`);
    expect(r.stderr).not.toContain('build:dsx-connect');
  });

  it('compose-up-local --include-dsxa starts the layered stack on the shared network; compose-down-local removes exactly it', async () => {
    const { dir, names, image } = example();
    expect((await lanes(['build-all-local', '--source', dir, ...base()], registryEnv())).code).toBe(0);
    // DSXA is only ever pulled; here nothing can be pulled, so stand a local image in for it (under a test-only name).
    docker('tag', testbed().baseImage, names.dsxaImage);
    const port = await freePort();
    const env = registryEnv({ DSXCONNECT_PORT: String(port) });
    try {
      const up = await lanes(['compose-up-local', '--include-dsxa', '--source', dir], env);
      expect(up.code, up.stdout + up.stderr).toBe(0);
      expect(JSON.parse(await fetchWhenUp(`http://127.0.0.1:${port}/`))).toEqual({ service: 'dsx-connect', version: '0.3.88' });
      const running = docker('ps', '--filter', `label=com.docker.compose.project=${names.project}`, '--format', '{{.Image}}').split('\n').sort();
      expect(running).toEqual([`${image('aws-s3-connector')}:latest`, `${image('dsx-connect')}:latest`, `${image('filesystem-connector')}:latest`, names.dsxaImage].sort());
      // Found by its compose labels: Compose v1 names it <project>_dsx_connect_1, v2 <project>-dsx_connect-1.
      const core = docker('ps', '-q', '--filter', `label=com.docker.compose.project=${names.project}`, '--filter', 'label=com.docker.compose.service=dsx_connect');
      const networks = docker('inspect', '--format', '{{range $k, $v := .NetworkSettings.Networks}}{{$k}}{{end}}', core);
      expect(networks).toBe(names.network);
    } finally {
      const down = await lanes(['compose-down-local', '--source', dir], env);
      expect(down.code).toBe(0);
    }
    expect(docker('ps', '-a', '--filter', `label=com.docker.compose.project=${names.project}`, '--format', '{{.Names}}')).toBe('');
    // The shared network outlives the project: other stacks may use it. (The file's scope removes it afterwards.)
    expect(docker('network', 'inspect', '--format', '{{.Name}}', names.network)).toBe(names.network);
  });

  it('compose-up-local passes an env file to compose, from the flag or lanes.yaml', async () => {
    const { dir } = example((yaml) => yaml.replace('  project: dsx-connect\n', '  project: dsx-connect\n  envFile: dsx_connect/deploy/docker/sample.core.env\n'));
    const fromConfig = (await lanes(['compose-up-local', '--dry-run', '--json', '--source', dir])).json();
    expect(fromConfig.plan.steps.find((s: any) => s.kind === 'compose-up').envFile).toBe('dsx_connect/deploy/docker/sample.core.env');
    const fromFlag = (await lanes(['compose-up-local', '--dry-run', '--json', '--env-file', 'local.env', '--source', dir])).json();
    expect(fromFlag.plan.steps.find((s: any) => s.kind === 'compose-up').envFile).toBe('local.env');
    const { composeArgs } = await import('../../src/exec/command-args.js');
    expect(composeArgs(fromFlag.plan.steps.find((s: any) => s.kind === 'compose-up'))).toEqual(expect.arrayContaining(['--env-file', 'local.env', 'up', '-d']));
  });

  it('compose-up-local without the flag leaves DSXA out, and says how to include it', async () => {
    const { dir } = example();
    const r = await lanes(['plan', 'compose-up-local', '--source', dir]);
    expect(r.stdout).toContain('left out: dsxa (optional: pass --include-dsxa to include it)');
    expect(r.stdout).not.toContain('dsxa/docker-compose-dsxa.yaml');
    const unknown = await lanes(['compose-up-local', '--include-kafka', '--source', dir]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--include-kafka: no optional compose file has flag "include-kafka"');
  });
});

describe('deploy-all-local, with real Helm and no cluster', () => {
  it('--dry-run lints nothing away and renders manifests pointing at the local image with pullPolicy Never', async () => {
    const dir = exampleRepo();
    const r = await lanes(['deploy-all-local', '--dry-run', '--source', dir], registryEnv());
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('helm upgrade --install dsx-connect dsx_connect/deploy/helm --set-string image.repository=dsx-connect --set-string image.tag=0.3.88 --set-string image.pullPolicy=Never');
    const manifest = readFileSync(join(dir, '.lanes/out/manifests/dsx-connect.yaml'), 'utf8');
    expect(manifest).toContain('image: "dsx-connect:0.3.88"');
    expect(manifest).toContain('imagePullPolicy: Never');
    expect(existsSync(join(dir, '.lanes/out/manifests/filesystem-connector.yaml'))).toBe(true);
  });

  it('lints every chart, then says clearly that no cluster is reachable', async () => {
    const dir = exampleRepo();
    const r = await lanes(['deploy-all-local', '--continue-on-error', '--kube-context', 'kind-dev', '--source', dir], { ...registryEnv(), KUBECONFIG: '/nonexistent' });
    expect(r.code).toBe(1);
    for (const c of ['dsx-connect', 'aws-s3-connector', 'filesystem-connector']) {
      expect(r.stdout).toMatch(new RegExp(`helm-lint:${c}\\s+ok`));
      expect(r.stdout).toMatch(new RegExp(`helm-deploy:${c}\\s+failed`));
    }
    expect(r.stdout).toContain('no Kubernetes cluster is reachable with --kube-context kind-dev');
    expect(r.stdout).toContain('--dry-run renders the manifests without a cluster');
  });
});

describe('secrets in build args', () => {
  it('refuses a build arg named like a credential, from lanes.yaml or the flag, before building', async () => {
    const { dir } = example((yaml) => yaml.replace('image: { name: aws-s3-connector }', 'image: { name: aws-s3-connector, buildArgs: { PIP_INDEX_TOKEN: abc } }'));
    const r = await lanes(['build-all-local', '--source', dir, '--build-arg', 'GITHUB_TOKEN=x'], registryEnv());
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('E_SECRET_BUILD_ARG: aws-s3-connector: build arg PIP_INDEX_TOKEN looks like a secret');
    expect(r.stdout).toContain('E_SECRET_BUILD_ARG: dsx-connect: build arg GITHUB_TOKEN looks like a secret');
    expect(r.stderr).toContain('stopped before doing anything');
  });
});

describe('compose-up-local preflight, before anything starts', () => {
  it('stops when the local images are not built, instead of letting compose pull those names (E_LOCAL_IMAGE_MISSING)', async () => {
    const { dir, names } = example();
    const r = await lanes(['compose-up-local', '--source', dir, '--json']);
    expect(r.code).toBe(1);
    expect(r.json().plan.findings.filter((f: any) => f.code === 'E_LOCAL_IMAGE_MISSING').map((f: any) => f.component).sort()).toEqual(['aws-s3-connector', 'dsx-connect', 'filesystem-connector']);
    // Nothing was started: not even the shared network.
    expect(() => docker('network', 'inspect', names.network)).toThrow();
  });

  it("stops on a misspelt imageVar and on a compose file joining another network than lanes.yaml's", async () => {
    const { dir } = example((yaml) => yaml.replace('imageVar: AWS_S3_CONNECTOR_IMAGE', 'imageVar: AWS_S3_CONECTOR_IMAGE').replace(/network: (\S+)/, 'network: $1-renamed'));
    const r = await lanes(['plan', 'compose-up-local', '--source', dir, '--json']);
    const codes = r.json().findings.map((f: any) => f.code);
    expect(codes).toContain('E_COMPOSE_IMAGE_VAR');
    expect(codes).toContain('E_COMPOSE_NETWORK');
    expect(r.code).toBe(1);
  });
});
