import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll } from 'vitest';
import { removeSelected, RUN_LABEL, runId, runMarker, SCOPE_LABEL, type Selector } from './test-resources.js';

/** The real parts scripts/testbed.sh started (read from .lanes/testbed.env by the global setup). */
export function testbed() {
  const registry = process.env.LANES_TEST_REGISTRY;
  if (!registry) throw new Error('the testbed is not running: run `bash scripts/testbed.sh` (npm test does it for you)');
  return {
    registry,
    user: process.env.LANES_TEST_REGISTRY_USER!,
    password: process.env.LANES_TEST_REGISTRY_PASSWORD!,
    ca: process.env.LANES_TEST_CA!,
    helmDir: process.env.LANES_TEST_HELM_DIR!,
    /** In a file with a testScope(): that scope's base image, so everything built from it carries the scope's label. */
    get baseImage(): string {
      return active ? active.baseImage : process.env.LANES_TEST_BASE_IMAGE!;
    },
  };
}

/** Names for one copy of the example: its compose project and network, its local images, and DSXA's image. */
export interface TestNames {
  project: string;
  network: string;
  dsxaImage: string;
  /** The local image name standing in for the example's `name`. */
  image: (name: string) => string;
}

/**
 * Everything one test file creates on the Docker engine and in the test
 * registry: named `lanes-test-<run>-<file>-…`, built from a base image that
 * labels every image and container made from it, and removed in afterAll —
 * whether the tests passed or not. The global teardown then checks that
 * nothing of the run is left.
 */
export interface TestScope {
  id: string;
  selector: Selector;
  /** `lanes-test-base:1` relabelled for this scope (built on first use). */
  readonly baseImage: string;
  /** Test-only names for one more copy of the example. */
  names(): TestNames;
  cleanup(): Promise<void>;
}

let active: TestScope | undefined;

/** Opens the scope of a test file (call once, at the top of the file). */
export function testScope(file: string): TestScope {
  const id = `${runMarker()}-${file}`;
  let base: string | undefined;
  let copies = 0;
  const scope: TestScope = {
    id,
    selector: { label: `${SCOPE_LABEL}=${id}`, prefix: `${id}-` },
    get baseImage() {
      if (!base) {
        const ref = `${id}-base:1`;
        execFileSync('docker', ['build', '-q', '-t', ref, '--label', `${RUN_LABEL}=${runId()}`, '--label', `${SCOPE_LABEL}=${id}`, '-'], {
          input: `FROM ${process.env.LANES_TEST_BASE_IMAGE}\n`,
          stdio: ['pipe', 'ignore', 'pipe'],
        });
        base = ref;
      }
      return base;
    },
    names() {
      const n = `${id}-${++copies}`;
      return { project: n, network: `${n}-net`, dsxaImage: `${n}/dpa-rocky9:4.1.1`, image: (name) => `${n}-${name}` };
    },
    cleanup: () => removeSelected(scope.selector),
  };
  active = scope;
  afterAll(() => scope.cleanup());
  return scope;
}

/**
 * A rewrite for exampleRepo(): the example's compose project, shared network,
 * external DSXA image and (with `images`) local image names replaced by
 * test-only ones, so a test never touches a real user's `dsx-connect` stack,
 * network or images, nor tags anything as the real `docker.io/dsxconnect/…`.
 */
export function renameForTest(names: TestNames, opts: { images?: boolean } = {}): (text: string, path: string) => string {
  return (text, path) => {
    let out = text.replaceAll('docker.io/dsxconnect/dpa-rocky9:4.1.1', names.dsxaImage).replaceAll('dsx-connect-network', names.network);
    if (path === 'lanes.yaml') {
      out = out.replace(/^( {2}project:) dsx-connect$/m, `$1 ${names.project}`);
      if (opts.images) out = out.replace(/(image: \{ name: )([a-z0-9-]+)/g, (_, pre: string, name: string) => `${pre}${names.image(name)}`);
    }
    return out;
  };
}

/** A registry namespace of one's own, so test files never see each other's pushes; removed with the file's scope. */
export function uniqueNamespace(prefix: string): string {
  return `${active?.id ?? runMarker()}-${prefix}-${randomBytes(4).toString('hex')}`;
}

/** Environment for running lanes against the test registry: credentials, helm on PATH, in CI. */
export function registryEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const tb = testbed();
  return {
    ...process.env,
    PATH: `${tb.helmDir}:${process.env.PATH}`,
    LANES_REGISTRY_USERNAME: tb.user,
    LANES_REGISTRY_PASSWORD: tb.password,
    CI: 'true',
    ...extra,
  };
}

/** lanes.yaml edit: point both registries at the test registry under `namespace`. */
export function useTestRegistry(namespace: string, registry = testbed().registry, scheme = 'oci'): (yaml: string) => string {
  return (yaml) =>
    yaml.replace(
      /registries:\n(?: {2}.*\n)+/,
      `registries:\n  dev:     { images: ${registry}/${namespace}-dev, charts: "${scheme}://${registry}/${namespace}-dev-charts" }\n  release: { images: ${registry}/${namespace}, charts: "${scheme}://${registry}/${namespace}-charts" }\n`,
    );
}

/** Pushes the base image under `ref`, as someone else's earlier push would have. */
export function pushImageAs(ref: string, labels: Record<string, string> = {}): void {
  const tb = testbed();
  const config = mkdtempSync(join(tmpdir(), 'lanes-test-docker-'));
  const ctx = mkdtempSync(join(tmpdir(), 'lanes-test-ctx-'));
  try {
    if (Object.keys(labels).length) {
      const labelArgs = Object.entries(labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]);
      execFileSync('docker', ['build', '-q', '-t', ref, ...labelArgs, '-'], { input: `FROM ${tb.baseImage}\n`, cwd: ctx, stdio: ['pipe', 'ignore', 'pipe'] });
    } else execFileSync('docker', ['tag', tb.baseImage, ref]);
    execFileSync('docker', ['--config', config, 'login', tb.registry, '-u', tb.user, '--password-stdin'], { input: tb.password, stdio: ['pipe', 'ignore', 'pipe'] });
    execFileSync('docker', ['--config', config, 'push', ref], { stdio: 'ignore' });
  } finally {
    rmSync(config, { recursive: true, force: true });
    rmSync(ctx, { recursive: true, force: true });
  }
}

/** Packages the chart at `chartDir` as `version` and pushes it to `repository` (oci://host/ns). */
export function pushChartAs(chartDir: string, version: string, repository: string): void {
  const tb = testbed();
  const work = mkdtempSync(join(tmpdir(), 'lanes-test-helm-'));
  const helm = join(tb.helmDir, 'helm');
  const cfg = ['--registry-config', join(work, 'config.json')];
  try {
    execFileSync(helm, ['package', chartDir, '--version', version, '--app-version', version, '-d', work], { stdio: 'ignore' });
    execFileSync(helm, ['registry', 'login', tb.registry, '-u', tb.user, '--password-stdin', '--ca-file', tb.ca, ...cfg], { input: tb.password, stdio: ['pipe', 'ignore', 'pipe'] });
    const pkg = execFileSync('sh', ['-c', `ls ${work}/*.tgz`], { encoding: 'utf8' }).trim();
    execFileSync(helm, ['push', pkg, repository, '--ca-file', tb.ca, ...cfg], { stdio: 'ignore' });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The environment of a laptop: every variable by which lanes recognises CI removed. */
export function outsideCI(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out = { ...env };
  for (const k of ['CI', 'GITHUB_ACTIONS', 'GITLAB_CI', 'BUILDKITE', 'JENKINS_URL', 'TF_BUILD']) delete out[k];
  return out;
}

/** `helm pull` of a chart from the test registry, as a user would get it (with a throw-away registry login, removed after). */
export function pullChart(repository: string, version: string): Buffer {
  const tb = testbed();
  const work = mkdtempSync(join(tmpdir(), 'lanes-pull-'));
  try {
    const helm = join(tb.helmDir, 'helm');
    const cfg = ['--registry-config', join(work, 'config.json')];
    execFileSync(helm, ['registry', 'login', tb.registry, '-u', tb.user, '--password-stdin', '--ca-file', tb.ca, ...cfg], { input: tb.password, stdio: ['pipe', 'ignore', 'pipe'] });
    execFileSync(helm, ['pull', repository, '--version', version, '--ca-file', tb.ca, '-d', work, ...cfg], { stdio: 'ignore' });
    const file = readdirSync(work).find((f) => f.endsWith('.tgz'))!;
    return readFileSync(join(work, file));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
