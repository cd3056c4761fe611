import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryClient } from '../../src/registry/oci-client.js';
import { lanes } from '../helpers/cli.js';
import { startEngineStandIn, type DaggerEngineStandIn } from '../helpers/dagger-engine/engine.js';
import { startGitDaemon, type GitDaemon } from '../helpers/dagger-engine/git-daemon.js';
import { callFunction, prepareModule, type PreparedModule } from '../helpers/dagger-runtime/runtime.js';
import { startFakeGitHub } from '../helpers/fake-github.js';
import { exampleRepo, git, PROJECT_ROOT } from '../helpers/repo.js';
import { deleteRepository, registryCatalog } from '../helpers/test-resources.js';
import { registryEnv, renameForTest, testbed, testScope, uniqueNamespace, useTestRegistry, type TestNames } from '../helpers/testbed.js';

/**
 * One contract for both executors. Each scenario runs the same lane on two
 * byte-identical copies of the example monorepo (same files, same commit):
 * once with the host executor (`lanes …`, the CLI in-process, on the real
 * Docker engine, registry, helm and git) and once with the Dagger executor
 * (the module loaded and invoked as the Dagger 0.21.9 TypeScript runtime does
 * it, against the engine stand-in, which runs every command for real). Each
 * run must have its real effects (images in the caller's Docker, images and
 * charts in the registry, tags on the remote, a GitHub release), and the two
 * runs must agree: the same plan, the same step ids and statuses, the same
 * references, the same compose bundle and SHA256SUMS bytes.
 *
 * Both copies use one registry namespace, so the references are equal; the
 * host runs first, and what it pushed is deleted before the module runs.
 * Each executor has its own git remote (served over git://, which the
 * engine's git container can reach) and its own GitHub stand-in.
 */
const scope = testScope('lanes-contract');
const TOKEN = 'ghp_ContractSuiteTokenThatMustNeverLeak01';
const VERSIONS = [
  ['dsx-connect', '0.3.88', 'dsx-connect-chart'],
  ['aws-s3-connector', '0.5.2', 'aws-s3-connector-chart'],
  ['filesystem-connector', '0.2.7', 'filesystem-connector-chart'],
] as const;

let mod: PreparedModule;
let engine: DaggerEngineStandIn;
let daemon: GitDaemon;
let client: RegistryClient;
const closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  mod = prepareModule(PROJECT_ROOT);
  engine = await startEngineStandIn({ moduleName: mod.name, imagePrefix: `${scope.id}-standin` });
  daemon = await startGitDaemon();
  const tb = testbed();
  client = new RegistryClient({ credentials: { explicit: { username: tb.user, password: tb.password, source: 'test' } } });
});
afterAll(async () => {
  for (const close of closers) await close();
  await client?.close();
  await daemon?.close();
  await engine?.close();
  mod?.dispose();
});

// ---- the two executors, behind one interface -----------------------------------------------------

type ExecutorName = 'host' | 'dagger';
type LaneName = 'build-all-local' | 'push-all-dev' | 'release';
interface LaneRun {
  executor: ExecutorName;
  ok: boolean;
  /** The lane's --json report: plan, results, published. */
  report: any;
  /** For a failing assertion's message: what the run printed (and the engine was asked). */
  log: string;
}
interface RunInputs {
  tag?: string;
  github?: string;
  /** Steps side by side (3 unless given): 1 makes which steps start before a failure the plan's order, not a race. */
  jobs?: number;
}

const FUNCTION: Record<LaneName, string> = { 'build-all-local': 'buildAllLocal', 'push-all-dev': 'pushAllDev', release: 'release' };

async function runLane(executor: ExecutorName, lane: LaneName, dir: string, inputs: RunInputs = {}): Promise<LaneRun> {
  const tb = testbed();
  const buildArg = `BASE_IMAGE=${tb.baseImage}`;
  if (executor === 'host') {
    const args = [lane, '--source', dir, '--json', '--jobs', String(inputs.jobs ?? 3), '--build-arg', buildArg, ...(inputs.tag ? ['--tag', inputs.tag] : [])];
    const r = await lanes(args, registryEnv({ GITHUB_TOKEN: TOKEN, ...(inputs.github ? { GITHUB_API_URL: inputs.github } : {}) }));
    const report = parseReport(r.stdout, () => r.stderr);
    return { executor, ok: r.code === 0, report, log: `${failures(report)}\n--- stderr ---\n${r.stderr.slice(-2000)}` };
  }
  const input: Record<string, unknown> = { source: engine.hostDirectory(dir), json: true, jobs: inputs.jobs ?? 3, buildArg: [buildArg] };
  if (lane === 'build-all-local') input.dockerSocket = engine.hostSocket('/var/run/docker.sock');
  else Object.assign(input, { registryUsername: tb.user, registryPassword: engine.secret('registry-password', tb.password), registryCa: engine.hostFile(tb.ca) });
  if (lane === 'release') Object.assign(input, { tag: inputs.tag, ci: true, githubToken: engine.secret('github-token', TOKEN), githubApiUrl: inputs.github });
  const r = await callFunction(mod, engine, { parentName: 'Lanes', name: FUNCTION[lane], inputArgs: input });
  const text = String(r.returned?.error ?? r.returned?.value ?? '');
  const report = parseReport(text, () => `${r.stderr.slice(-3000)}\n--- engine queries ---\n${engine.transcript().slice(-3000)}`);
  const log = `${failures(report)}\n--- module stderr ---\n${r.stderr.slice(-2000)}`;
  return { executor, ok: r.returned !== undefined && r.returned.error === undefined, report, log };
}

/** The failed steps and why, first: a failing assertion's message starts with what went wrong. */
function failures(report: any): string {
  return (report.results ?? []).filter((r: any) => r.status === 'failed').map((r: any) => `FAILED ${r.id}: ${r.reason}`).join('\n');
}

function parseReport(text: string, context: () => string): any {
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`the lane printed no JSON report:\n${text.slice(-2000)}\n${context().slice(-2000)}`);
  }
}

/** A run as the contract compares it: each step's id and status (and why, when skipped). */
const outcome = (run: LaneRun) => run.report.results.map((r: any) => [r.id, r.status, ...(r.status === 'skipped' ? [r.reason] : [])]);
const refs = (run: LaneRun) => run.report.published.map((p: any) => p.ref).sort();
/**
 * A plan as the contract compares it: a rerun's plan names the digest each
 * reference already has in the registry, and two builds of one image (or two
 * pushes of one chart: helm stamps the manifest) have different digests.
 */
const comparablePlan = (run: LaneRun) => ({ ...run.report.plan, steps: run.report.plan.steps.map(({ publishedDigest: _d, ...step }: any) => step) });

/**
 * Two copies of the example with the same files and so the same commit, one
 * per executor, each with its own remote. `names` gives the local lane's
 * images and compose names; `registry` the namespace both push to.
 */
function twinRepos(opts: { names?: TestNames; registry?: string; change?: (dir: string) => void }) {
  const make = (executor: ExecutorName) => {
    const dir = exampleRepo(opts.registry ? useTestRegistry(opts.registry) : undefined, opts.names ? { rewrite: renameForTest(opts.names, { images: true }) } : {});
    if (opts.change) {
      opts.change(dir);
      git(dir, 'commit', '-qam', 'change');
    }
    const remote = daemon.originFor(dir, `${executor}-${opts.registry ?? opts.names!.project}.git`);
    return { dir, remote };
  };
  const twins = { host: make('host'), dagger: make('dagger') };
  const head = git(twins.host.dir, 'rev-parse', 'HEAD');
  expect(git(twins.dagger.dir, 'rev-parse', 'HEAD'), 'the two copies must be the same commit').toBe(head);
  return { ...twins, head };
}

async function fakeGitHub(opts: { failUploadNumber?: number } = {}) {
  const gh = await startFakeGitHub({ token: TOKEN, ...opts });
  closers.push(gh.close);
  return gh;
}

/** Removes what a run pushed under `namespace`, so the other executor starts from the same registry. */
async function wipeNamespace(namespace: string): Promise<void> {
  for (const repo of (await registryCatalog()).filter((r) => r.startsWith(`${namespace}`))) await deleteRepository(repo);
}

const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** The entries of a .tgz as name -> bytes (hex digest), without their times. */
function tarEntries(tgz: Buffer): Record<string, string> {
  const tar = gunzipSync(tgz);
  const out: Record<string, string> = {};
  for (let at = 0; at + 512 <= tar.length; ) {
    const header = tar.subarray(at, at + 512);
    if (header.every((b) => b === 0)) break;
    const name = header.subarray(0, 100).toString().replace(/\0.*$/s, '');
    const prefix = header.subarray(345, 500).toString().replace(/\0.*$/s, '');
    const size = parseInt(header.subarray(124, 136).toString().replace(/\0.*$/s, '').trim() || '0', 8);
    const mode = header.subarray(100, 108).toString().replace(/\0.*$/s, '').trim();
    out[prefix ? `${prefix}/${name}` : name] = `${mode} ${sha256(tar.subarray(at + 512, at + 512 + size))}`;
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}

// ---- the scenarios -----------------------------------------------------------------------------------

describe.concurrent('the host and Dagger executors keep one contract', () => {
  it('build-all-local: every image lands in the caller\'s Docker as <name>:latest and <name>:<version>, labelled', async () => {
    const names = scope.names();
    const twins = twinRepos({ names });
    const runs: LaneRun[] = [];
    for (const executor of ['host', 'dagger'] as const) {
      const run = await runLane(executor, 'build-all-local', twins[executor].dir);
      expect(run.ok, run.log).toBe(true);
      expect(outcome(run)).toEqual(VERSIONS.map(([name]) => [`build:${name}`, 'ok']));
      for (const [name, version] of VERSIONS) {
        const result = run.report.results.find((r: any) => r.id === `build:${name}`);
        const tags = [`${names.image(name)}:latest`, `${names.image(name)}:${version}`];
        expect(result.outputs.tags).toEqual(tags);
        // The tags exist in the host's Docker, on the image the run reports, with the plan's labels.
        for (const tag of tags) expect(docker('image', 'inspect', '--format', '{{.Id}}', tag), `${executor}: ${tag}`).toBe(result.outputs.imageId);
        const labels = JSON.parse(docker('image', 'inspect', '--format', '{{json .Config.Labels}}', tags[1]!));
        expect(labels).toMatchObject({ 'org.opencontainers.image.version': version, 'org.opencontainers.image.revision': twins.head });
        // Gone again before the other executor runs, so its tags are its own.
        docker('rmi', ...tags);
      }
      runs.push(run);
    }
    const [host, dagger] = runs as [LaneRun, LaneRun];
    expect(dagger.report.plan).toEqual(host.report.plan);
    expect(dagger.report.results.map((r: any) => r.outputs.tags)).toEqual(host.report.results.map((r: any) => r.outputs.tags));
  });

  it('push-all-dev: every image (<version> and <version>-<sha7>) and chart in the dev registry, with the digests the report gives', async () => {
    const ns = uniqueNamespace('dev');
    const twins = twinRepos({ registry: ns });
    const registry = testbed().registry;
    const sha7 = twins.head.slice(0, 7);
    const runs: LaneRun[] = [];
    for (const executor of ['host', 'dagger'] as const) {
      const run = await runLane(executor, 'push-all-dev', twins[executor].dir);
      expect(run.ok, run.log).toBe(true);
      expect(run.report.results.every((r: any) => r.status === 'ok'), run.log).toBe(true);
      for (const [name, version, chart] of VERSIONS) {
        for (const ref of [`${registry}/${ns}-dev/${name}:${version}`, `${registry}/${ns}-dev/${name}:${version}-${sha7}`, `oci://${registry}/${ns}-dev-charts/${chart}:${version}`]) {
          const there = await client.manifest(ref);
          expect(there.exists, `${executor}: ${ref}`).toBe(true);
          expect(run.report.published, executor).toContainEqual({ ref, digest: there.digest });
        }
        const config = await client.config(`${registry}/${ns}-dev/${name}:${version}`);
        expect((config!.config as any).Labels['org.opencontainers.image.revision']).toBe(twins.head);
        expect(await client.config(`oci://${registry}/${ns}-dev-charts/${chart}:${version}`)).toMatchObject({ name: chart, version, appVersion: version });
      }
      runs.push(run);
      if (executor === 'host') await wipeNamespace(ns);
    }
    const [host, dagger] = runs as [LaneRun, LaneRun];
    expect(dagger.report.plan).toEqual(host.report.plan);
    expect(outcome(dagger)).toEqual(outcome(host));
    expect(refs(dagger)).toEqual(refs(host));
  });

  it('release with an image that fails to build: the summary names the failed step, and nothing is pushed anywhere', async () => {
    const ns = uniqueNamespace('broken');
    const twins = twinRepos({ registry: ns, change: (dir) => writeFileSync(join(dir, 'connectors/filesystem/Dockerfile'), 'ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nRUN false\n') });
    const registry = testbed().registry;
    const runs: LaneRun[] = [];
    for (const executor of ['host', 'dagger'] as const) {
      const gh = await fakeGitHub();
      const run = await runLane(executor, 'release', twins[executor].dir, { tag: 'v0.3.88', github: gh.url, jobs: 1 });
      expect(run.ok, run.log).toBe(false);
      const failed = run.report.results.filter((r: any) => r.status === 'failed');
      expect(failed.map((r: any) => r.id), run.log).toEqual(['build:filesystem-connector']);
      expect(failed[0].reason, executor).toMatch(/false|exit|non-zero/);
      for (const r of run.report.results.filter((x: any) => /^(push|github)/.test(x.kind))) expect([r.id, r.status], executor).toEqual([r.id, 'skipped']);
      expect(run.report.published).toEqual([]);
      for (const [name, version, chart] of VERSIONS) {
        expect((await client.manifest(`${registry}/${ns}/${name}:${version}`)).exists, `${executor}: ${name}`).toBe(false);
        expect((await client.manifest(`oci://${registry}/${ns}-charts/${chart}:${version}`)).exists, `${executor}: ${chart}`).toBe(false);
      }
      expect(git(twins[executor].remote, 'tag', '--list'), executor).toBe('');
      // GitHub was asked (the preflight), never written to.
      expect(gh.requests.filter((q) => q.method !== 'GET')).toEqual([]);
      runs.push(run);
    }
    const [host, dagger] = runs as [LaneRun, LaneRun];
    expect(dagger.report.plan).toEqual(host.report.plan);
    expect(outcome(dagger)).toEqual(outcome(host));
  });

  it('release interrupted by a failed GitHub upload, then run again: everything is published once, with the same artifact bytes', async () => {
    const ns = uniqueNamespace('release');
    const twins = twinRepos({ registry: ns });
    const registry = testbed().registry;
    const expectedRefs = VERSIONS.flatMap(([name, version, chart]) => [`${registry}/${ns}/${name}:${version}`, `oci://${registry}/${ns}-charts/${chart}:${version}`]).sort();
    const runs: { first: LaneRun; second: LaneRun; assets: Map<string, Buffer>; asked: string[] }[] = [];
    for (const executor of ['host', 'dagger'] as const) {
      // The second asset upload fails once with HTTP 500, as an interrupted release would see.
      const gh = await fakeGitHub({ failUploadNumber: 2 });
      const first = await runLane(executor, 'release', twins[executor].dir, { tag: 'v0.3.88', github: gh.url });
      expect(first.ok, first.log).toBe(false);
      expect(first.report.results.filter((r: any) => r.status === 'failed').map((r: any) => r.id), first.log).toEqual(['github-release']);
      expect(first.report.results.find((r: any) => r.id === 'github-release').reason).toContain('HTTP 500');
      expect(refs(first)).toEqual(expectedRefs);
      const digests = new Map(first.report.published.map((p: any) => [p.ref, p.digest]));

      // A rerun starts, as a CI job does, from a checkout with the remote's tags (the module's tags were made in the engine).
      git(twins[executor].dir, 'fetch', '-q', '--tags', 'origin');
      const second = await runLane(executor, 'release', twins[executor].dir, { tag: 'v0.3.88', github: gh.url });
      expect(second.ok, second.log).toBe(true);
      // Nothing pushed twice: every push was skipped as done by the first run, and the registry still holds its digests.
      for (const r of second.report.results.filter((x: any) => x.kind === 'push-image' || x.kind === 'push-chart')) {
        expect([r.id, r.status, r.reason]).toEqual([r.id, 'skipped', 'already published by an earlier run of this release (same commit)']);
      }
      expect(second.report.results.find((r: any) => r.kind === 'push-tags')).toMatchObject({ status: 'skipped', reason: 'v0.3.88 is already on the remote at this commit' });
      expect(second.report.published).toEqual([]);
      // The rerun's plan knows what the first run published, by digest.
      for (const step of second.report.plan.steps.filter((x: any) => x.kind === 'push-image' || x.kind === 'push-chart')) {
        expect([step.ref, step.publishedDigest], executor).toEqual([step.ref, digests.get(step.ref)]);
      }
      for (const ref of expectedRefs) {
        const there = await client.manifest(ref);
        expect([ref, there.digest], executor).toEqual([ref, digests.get(ref)]);
      }
      // The tags are on the remote, at the released commit.
      const remoteTags = git(twins[executor].remote, 'for-each-ref', '--format=%(refname:short) %(*objectname)', 'refs/tags').split('\n').sort();
      expect(remoteTags, executor).toEqual(['aws-s3-connector-v0.5.2', 'dsx-connect-v0.3.88', 'dsxa-desktop-v1.2.0', 'filesystem-connector-v0.2.7', 'v0.3.88'].map((t) => `${t} ${twins.head}`));
      // One release with every asset, each uploaded exactly once (the failed attempt stored nothing).
      const release = gh.releases.get('v0.3.88')!;
      const names = ['dsx-connect-chart-0.3.88.tgz', 'aws-s3-connector-chart-0.5.2.tgz', 'filesystem-connector-chart-0.2.7.tgz', 'dsx-connect-compose-0.3.88.tar.gz', 'SHA256SUMS'];
      expect(release.assets.map((a) => a.name).sort(), executor).toEqual([...names].sort());
      expect(gh.requests.filter((q) => q.method === 'POST' && q.path.endsWith('/releases')), executor).toHaveLength(1);
      for (const name of names.filter((n) => n !== 'aws-s3-connector-chart-0.5.2.tgz')) {
        expect(gh.requests.filter((q) => q.path.endsWith(`name=${name}`)), `${executor}: ${name}`).toHaveLength(1);
      }
      // SHA256SUMS holds the hash of every other asset, as uploaded.
      const assets = new Map(release.assets.map((a) => [a.name, a.data]));
      const sums = assets.get('SHA256SUMS')!.toString();
      for (const [name, data] of assets) if (name !== 'SHA256SUMS') expect(sums, executor).toContain(`${sha256(data)}  ${name}`);
      runs.push({ first, second, assets, asked: gh.requests.map((q) => `${q.method} ${q.path}`) });
      if (executor === 'host') await wipeNamespace(ns);
    }

    const [host, dagger] = runs as [(typeof runs)[0], (typeof runs)[0]];
    expect(dagger.first.report.plan).toEqual(host.first.report.plan);
    expect(comparablePlan(dagger.second)).toEqual(comparablePlan(host.second));
    expect(outcome(dagger.first)).toEqual(outcome(host.first));
    expect(outcome(dagger.second)).toEqual(outcome(host.second));
    expect(refs(dagger.first)).toEqual(refs(host.first));
    // The same requests to GitHub, in the same order, over both runs.
    expect(dagger.asked).toEqual(host.asked);
    // The same artifact bytes, asset by asset: the compose bundle, each chart package (helm's packaging time is
    // taken out: entry times zeroed, as both executors do) and so SHA256SUMS, from the same pure builders.
    expect([...dagger.assets.keys()].sort()).toEqual([...host.assets.keys()].sort());
    for (const [name, bytes] of host.assets) {
      expect(sha256(dagger.assets.get(name)!), name).toBe(sha256(bytes));
    }
    // And what those bytes are: a chart package holds the chart, the compose bundle every compose file.
    for (const [, version, chart] of VERSIONS) expect(Object.keys(tarEntries(host.assets.get(`${chart}-${version}.tgz`)!))).toContain(`${chart}/Chart.yaml`);
    expect(Object.keys(tarEntries(host.assets.get('dsx-connect-compose-0.3.88.tar.gz')!))).toEqual([
      'connectors/aws_s3/deploy/docker/docker-compose-aws-s3-connector.yaml',
      'connectors/filesystem/deploy/docker/docker-compose-filesystem-connector.yaml',
      'dsx_connect/deploy/docker/docker-compose-dsx-connect-all-services.yaml',
      'dsxa/docker-compose-dsxa.yaml',
    ]);
  });
});

