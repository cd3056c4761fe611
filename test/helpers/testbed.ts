import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

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
    baseImage: process.env.LANES_TEST_BASE_IMAGE!,
  };
}

/** A registry namespace of one's own, so test files never see each other's pushes. */
export function uniqueNamespace(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
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
  try {
    if (Object.keys(labels).length) {
      const ctx = mkdtempSync(join(tmpdir(), 'lanes-test-ctx-'));
      const labelArgs = Object.entries(labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]);
      execFileSync('docker', ['build', '-q', '-t', ref, ...labelArgs, '-'], { input: `FROM ${tb.baseImage}\n`, cwd: ctx, stdio: ['pipe', 'ignore', 'pipe'] });
    } else execFileSync('docker', ['tag', tb.baseImage, ref]);
    execFileSync('docker', ['--config', config, 'login', tb.registry, '-u', tb.user, '--password-stdin'], { input: tb.password, stdio: ['pipe', 'ignore', 'pipe'] });
    execFileSync('docker', ['--config', config, 'push', ref], { stdio: 'ignore' });
  } finally {
    rmSync(config, { recursive: true, force: true });
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
