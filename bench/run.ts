// Benchmarks lanes at monorepo scale and prints each figure next to its
// baseline, measured in the same run. Not a test: it reports.
//   npm run bench            (needs the testbed: bash scripts/testbed.sh)
// Writes the figures to bench/RESULTS.md.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateMonorepo } from './generate-monorepo.js';
import { RegistryClient } from '../src/registry/oci-client.js';
import { lookUpPublished } from '../src/registry/published.js';
import { mapConcurrent } from '../src/registry/concurrency.js';

const ROOT = join(import.meta.dirname, '..');
const LANES = join(ROOT, 'bin/lanes.js');
const env = Object.fromEntries(
  readFileSync(join(ROOT, '.lanes/testbed.env'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split(/=(.*)/s).slice(0, 2) as [string, string]),
);
const REGISTRY = env.LANES_TEST_REGISTRY!;
const runEnv = { ...process.env, PATH: `${env.LANES_TEST_HELM_DIR}:${process.env.PATH}`, LANES_REGISTRY_USERNAME: env.LANES_TEST_REGISTRY_USER, LANES_REGISTRY_PASSWORD: env.LANES_TEST_REGISTRY_PASSWORD, CI: 'true' };

interface Row {
  what: string;
  lanes: string;
  baseline: string;
  ratio: string;
  target: string;
}
const rows: Row[] = [];
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const log = (m: string) => process.stderr.write(`[bench] ${m}\n`);

/** Wall time and peak RSS of a command, via /usr/bin/time; median of `runs`. */
function measure(cmd: string, args: string[], cwd: string, runs = 3): { ms: number; rssMb: number } {
  const samples: { ms: number; rssMb: number }[] = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync('/usr/bin/time', ['-f', '%e %M', cmd, ...args], { cwd, env: runEnv, encoding: 'utf8', maxBuffer: 1 << 28 });
    const [sec, kb] = r.stderr.trim().split('\n').at(-1)!.split(' ').map(Number);
    samples.push({ ms: sec! * 1000, rssMb: kb! / 1024 });
  }
  samples.sort((a, b) => a.ms - b.ms);
  return samples[Math.floor(samples.length / 2)]!;
}

function time(fn: () => void, runs = 3): number {
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    t.push(performance.now() - start);
  }
  return t.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
}

// 1. Planning and guardrails on a large monorepo, next to the raw git commands they need.
function planningBenchmarks(repo: string): void {
  const git = (args: string[], input?: string) => execFileSync('git', args, { cwd: repo, input, maxBuffer: 1 << 28 });
  const head = git(['rev-parse', 'HEAD']).toString().trim();
  const tagCommits = [...new Set(git(['for-each-ref', '--format=%(objectname)', 'refs/tags']).toString().trim().split('\n'))];
  // The floor: the git commands status needs, run one after another with no processing.
  const floor = time(() => {
    git(['rev-parse', '--is-inside-work-tree']);
    git(['log', '-1', '--format=%H %cI', 'HEAD']);
    git(['symbolic-ref', '-q', '--short', 'HEAD']);
    git(['rev-parse', '--is-shallow-repository']);
    git(['status', '--porcelain', '-z', '--', '.']);
    git(['for-each-ref', '--format=%(refname:short)%00%(objectname)%00%(*objectname)', 'refs/tags']);
    git(['rev-parse', '--show-prefix']);
    git(['cat-file', '--batch-check=%(objectname) %(objecttype)'], tagCommits.join('\n') + '\n');
    git(['diff-tree', '--stdin', '-r', '--name-only', '--no-renames', '-z'], tagCommits.map((c) => `${c} ${head}\n`).join(''));
    git(['ls-files', '-z', '--cached', '--others', '--exclude-standard']);
  });
  const startup = measure('node', [LANES, '--version'], repo);
  for (const [label, args] of [
    ['status', ['status', '--json']],
    ['plan release', ['plan', 'release', '--tag', 'v1.2.0', '--json']],
    ['check dev', ['check', 'dev', '--json']],
  ] as const) {
    const m = measure('node', [LANES, ...args], repo);
    rows.push({ what: `${label}: 200 components, 20k files, 2k commits (peak ${m.rssMb.toFixed(0)} MB)`, lanes: s(m.ms), baseline: `${s(floor)} raw git + ${s(startup.ms)} node start`, ratio: `${(m.ms / (floor + startup.ms)).toFixed(2)}×`, target: '≤ 2× floor' });
  }
}

// 2. "Already published" look-ups: lanes' concurrent client next to a sequential `docker manifest inspect` loop.
async function registryBenchmarks(scratch: string): Promise<void> {
  const ns = `bench-lookup-${Date.now().toString(36)}`;
  const images = Array.from({ length: 200 }, (_, i) => `${REGISTRY}/${ns}/img${i}:1.0.0`);
  const charts = Array.from({ length: 200 }, (_, i) => `oci://${REGISTRY}/${ns}-charts/chart${i}:1.0.0`);
  const dockerCfg = join(scratch, 'docker');
  execFileSync('docker', ['--config', dockerCfg, 'login', REGISTRY, '-u', env.LANES_TEST_REGISTRY_USER!, '--password-stdin'], { input: env.LANES_TEST_REGISTRY_PASSWORD, stdio: ['pipe', 'ignore', 'ignore'] });
  log('pushing 100 images and 100 charts (half of the references exist)');
  await mapConcurrent(images.slice(0, 100), 8, async (ref) => {
    execFileSync('docker', ['tag', env.LANES_TEST_BASE_IMAGE!, ref]);
    execFileSync('docker', ['--config', dockerCfg, 'push', '-q', ref], { stdio: 'ignore' });
  });
  const helm = join(env.LANES_TEST_HELM_DIR!, 'helm');
  const helmCfg = ['--registry-config', join(scratch, 'helm.json')];
  execFileSync(helm, ['registry', 'login', REGISTRY, '-u', env.LANES_TEST_REGISTRY_USER!, '--password-stdin', '--ca-file', env.LANES_TEST_CA!, ...helmCfg], { input: env.LANES_TEST_REGISTRY_PASSWORD, stdio: ['pipe', 'ignore', 'ignore'] });
  await mapConcurrent(charts.slice(0, 100), 8, async (_ref, i) => {
    const dir = join(scratch, `chart${i}`);
    cpSync(join(ROOT, 'examples/dsx-connect/dsx_connect/deploy/helm'), dir, { recursive: true });
    writeFileSync(join(dir, 'Chart.yaml'), readFileSync(join(dir, 'Chart.yaml'), 'utf8').replace(/^name: .*$/m, `name: chart${i}`));
    execFileSync(helm, ['package', dir, '--version', '1.0.0', '-d', scratch], { stdio: 'ignore' });
    execFileSync(helm, ['push', join(scratch, `chart${i}-1.0.0.tgz`), `oci://${REGISTRY}/${ns}-charts`, '--ca-file', env.LANES_TEST_CA!, ...helmCfg], { stdio: 'ignore' });
  });
  const refs = [...images, ...charts];
  const client = new RegistryClient({ credentials: { explicit: { username: env.LANES_TEST_REGISTRY_USER!, password: env.LANES_TEST_REGISTRY_PASSWORD!, source: 'bench' } } });
  const start = performance.now();
  const facts = await lookUpPublished(client, refs.map((ref) => ({ ref })), 16);
  const lanesMs = performance.now() - start;
  await client.close();
  const found = [...facts.values()].filter((f) => f.exists).length;
  log(`lanes found ${found} of ${refs.length} published; now the sequential docker manifest inspect loop`);
  const seqStart = performance.now();
  let seqFound = 0;
  for (const ref of refs) {
    const r = spawnSync('docker', ['--config', dockerCfg, 'manifest', 'inspect', ref.replace(/^oci:\/\//, '')], { stdio: 'ignore' });
    if (r.status === 0) seqFound++;
  }
  const seqMs = performance.now() - seqStart;
  rows.push({ what: `"already published" check, 200 images + 200 charts (${found} found; loop found ${seqFound})`, lanes: s(lanesMs), baseline: `${s(seqMs)} docker manifest inspect, one by one`, ratio: `${(seqMs / lanesMs).toFixed(1)}× faster`, target: '≥ 10× faster' });
}

// 3. Building the example monorepo: lanes' bounded-parallel build next to docker build one by one.
function buildBenchmarks(scratch: string): void {
  const repo = join(scratch, 'example');
  cpSync(join(ROOT, 'examples/dsx-connect'), repo, { recursive: true });
  const g = (args: string[]) => execFileSync('git', args, { cwd: repo, stdio: 'ignore', env: { ...runEnv, GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@x', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@x' } });
  g(['init', '-q', '-b', 'main']);
  g(['add', '-A']);
  g(['commit', '-qm', 'bench']);
  const baseArg = ['--build-arg', `BASE_IMAGE=${env.LANES_TEST_BASE_IMAGE}`];
  const plan = JSON.parse(execFileSync('node', [LANES, 'plan', 'local', '--json', ...baseArg], { cwd: repo, env: runEnv, encoding: 'utf8' }));
  const builds = plan.steps.filter((st: { kind: string }) => st.kind === 'build-image');
  const tags: string[] = builds.flatMap((b: { tags: string[] }) => b.tags);
  const clean = () => {
    spawnSync('docker', ['rmi', '-f', ...tags], { stdio: 'ignore' });
    spawnSync('docker', ['image', 'prune', '-f'], { stdio: 'ignore' });
  };
  // The same docker build commands lanes runs (same tags, labels and build args), one after another.
  const raw = () => {
    for (const b of builds) {
      const args = ['build', '-q', '-f', b.dockerfile, ...b.tags.flatMap((t: string) => ['-t', t]), ...Object.entries<string>(b.labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]), ...Object.entries<string>(b.buildArgs).flatMap(([k, v]) => ['--build-arg', `${k}=${v}`]), b.context];
      execFileSync('docker', args, { cwd: repo, stdio: 'ignore' });
    }
  };
  const viaLanes = () => execFileSync('node', [LANES, 'build-all-local', '--jobs', '3', ...baseArg], { cwd: repo, env: runEnv, stdio: 'ignore' });
  const cold = (fn: () => void) => {
    const t: number[] = [];
    for (let i = 0; i < 3; i++) {
      clean();
      const start = performance.now();
      fn();
      t.push(performance.now() - start);
    }
    return t.sort((a, b) => a - b)[1]!;
  };
  const rawCold = cold(raw);
  const lanesCold = cold(viaLanes);
  raw();
  const rawWarm = time(raw);
  const lanesWarm = time(viaLanes);
  const startup = measure('node', [LANES, '--version'], repo).ms;
  rows.push({ what: 'build the example (3 images), cold cache', lanes: s(lanesCold), baseline: `${s(rawCold)} docker build one by one`, ratio: `${((lanesCold / rawCold - 1) * 100).toFixed(0)}% overhead`, target: '≤ 10% overhead' });
  rows.push({ what: 'build the example, warm cache (no-op rebuild)', lanes: s(lanesWarm), baseline: `${s(rawWarm)} docker build one by one; lanes start-up alone ${s(startup)}`, ratio: `${((lanesWarm / rawWarm - 1) * 100).toFixed(0)}% overhead`, target: 'no-op ≤ 2 s' });
}

async function main(): Promise<void> {
  if (!existsSync(join(ROOT, 'dist/lanes.mjs'))) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
  const scratch = mkdtempSync(join(tmpdir(), 'lanes-bench-'));
  try {
    log('generating the synthetic monorepo (200 components, 20k files, 2k commits)');
    const genStart = performance.now();
    const repo = generateMonorepo(join(scratch, 'monorepo'), { components: 200, filesPerComponent: 100, commits: 2000, changedAfterRelease: 40, registry: REGISTRY, namespace: `bench-${Date.now().toString(36)}` });
    log(`generated in ${s(performance.now() - genStart)}`);
    planningBenchmarks(repo);
    await registryBenchmarks(scratch);
    buildBenchmarks(scratch);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const table = ['| what | lanes | baseline (same run) | ratio | target |', '|---|---|---|---|---|', ...rows.map((r) => `| ${r.what} | ${r.lanes} | ${r.baseline} | ${r.ratio} | ${r.target} |`)].join('\n');
  const machine = `${cpus().length} cores (${cpus()[0]?.model.trim()}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB memory, Node ${process.version}, ${execFileSync('docker', ['version', '--format', 'Docker {{.Server.Version}}']).toString().trim()}`;
  console.log(`\n${machine}\n\n${table}\n`);
  const results = readFileSync(join(ROOT, 'bench/RESULTS.md'), 'utf8').replace(/<!-- results -->[\s\S]*<!-- \/results -->/, `<!-- results -->\nMeasured ${new Date().toISOString().slice(0, 10)} on ${machine}.\n\n${table}\n<!-- /results -->`);
  writeFileSync(join(ROOT, 'bench/RESULTS.md'), results);
}

await main();
