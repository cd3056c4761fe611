// Benchmarks lanes at monorepo scale and prints each figure next to its
// baseline or peer, measured in the same run. Not a test: it reports.
//   npm run bench            (needs the testbed: bash scripts/testbed.sh)
//   npm run bench -- --only package,build   (some sections: planning, lerna, registry, build, package; printed, not saved)
// Writes the figures to bench/RESULTS.md. About 8 minutes on 2 cores.
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { generateMonorepo, type SyntheticOptions } from './generate-monorepo.js';
import { RegistryClient } from '../src/registry/oci-client.js';
import { lookUpPublished } from '../src/registry/published.js';
import { mapConcurrent } from '../src/registry/concurrency.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..');
const LANES = join(ROOT, 'bin/lanes.js');
const env = Object.fromEntries(
  readFileSync(join(ROOT, '.lanes/testbed.env'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split(/=(.*)/s).slice(0, 2) as [string, string]),
);
const REGISTRY = env.LANES_TEST_REGISTRY!;
const runEnv: NodeJS.ProcessEnv = { ...process.env, PATH: `${env.LANES_TEST_HELM_DIR}:${process.env.PATH}`, LANES_REGISTRY_USERNAME: env.LANES_TEST_REGISTRY_USER, LANES_REGISTRY_PASSWORD: env.LANES_TEST_REGISTRY_PASSWORD, CI: 'true', NX_DAEMON: 'false', NX_NO_CLOUD: 'true' };

interface Row {
  what: string;
  lanes: string;
  baseline: string;
  ratio: string;
  target: string;
}
const rows: Row[] = [];
const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const log = (m: string) => process.stderr.write(`[bench] ${m}\n`);

/** Wall time, CPU (user + system, children included, from /usr/bin/time) and peak RSS of a command; the median run by wall time. */
interface Sample {
  ms: number;
  cpuMs: number;
  rssMb: number;
}
function measure(cmd: string, args: string[], cwd: string, runs = 3, extraEnv: NodeJS.ProcessEnv = {}): Sample {
  const samples: Sample[] = [];
  for (let i = 0; i < runs; i++) {
    // Wall time from the clock here (/usr/bin/time's %e has 10 ms steps: a fifth of the small repo's floor).
    const start = process.hrtime.bigint();
    const r = spawnSync('/usr/bin/time', ['-f', '%U %S %M', cmd, ...args], { cwd, env: { ...runEnv, ...extraEnv }, encoding: 'utf8', maxBuffer: 1 << 28 });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    const [user, sys, kb] = r.stderr.trim().split('\n').at(-1)!.split(' ').map(Number);
    samples.push({ ms, cpuMs: (user! + sys!) * 1000, rssMb: kb! / 1024 });
  }
  samples.sort((a, b) => a.ms - b.ms);
  return samples[Math.floor(samples.length / 2)]!;
}
const fmt = (m: Sample) => `${s(m.ms)} (CPU ${s(m.cpuMs)}, peak ${m.rssMb.toFixed(0)} MB)`;

function time(fn: () => void, runs = 3): number {
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    t.push(performance.now() - start);
  }
  return t.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
}

/**
 * The minimal git floor of `status`: each git command whose output status
 * needs, once, one after another, with nothing done to the output —
 * `git rev-parse HEAD`; `git show-ref --tags -d` (names, commits, peeled
 * commits; the cheapest way git has to list them); `git for-each-ref --merged=HEAD` (which tags HEAD
 * contains); one `git diff-tree --stdin` for all distinct last-release
 * commits; `git status --porcelain`; `git ls-files` (unlisted components) —
 * plus Node's own start-up (`node -e 0`). Version files read from disk and
 * registry look-ups are not in it.
 */
function gitFloor(repo: string, releaseCommits: readonly string[], scratch: string): { git: Sample; node: Sample } {
  const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repo, encoding: 'utf8' }).trim();
  const pairs = join(scratch, 'floor-pairs');
  writeFileSync(pairs, releaseCommits.map((c) => `${c} ${head}\n`).join(''));
  // One shell script, so /usr/bin/time reports the wall and CPU time of all of them together.
  const script = join(scratch, 'floor.sh');
  writeFileSync(
    script,
    [
      'set -e',
      'git rev-parse HEAD',
      'git show-ref --tags -d',
      "git for-each-ref --merged=HEAD '--format=%(refname:lstrip=2)' refs/tags",
      `git diff-tree --stdin -r --name-only --no-renames -z < '${pairs}'`,
      'git status --porcelain -z',
      'git ls-files -z --cached --others --exclude-standard',
      '',
    ].join('\n'),
  );
  return { git: measure('sh', [script], repo, PLANNING_RUNS), node: measure('node', ['-e', '0'], repo, PLANNING_RUNS) };
}

/**
 * The registry floor of `check dev`: one HEAD per reference the dev lane
 * would push (as `lanes plan dev` lists them), 16 at a time, by one curl
 * process over HTTP/2 with the registry's credentials — the requests no
 * tool can avoid asking (an htpasswd registry checks a bcrypt hash on each).
 */
function registryFloor(repo: string, scratch: string): { sample: Sample; refs: number } {
  const plan = JSON.parse(execFileSync('node', [LANES, 'plan', 'dev', '--json'], { cwd: repo, env: runEnv, encoding: 'utf8', maxBuffer: 1 << 28 }));
  const refs: string[] = plan.steps.filter((st: { kind: string }) => st.kind === 'push-image' || st.kind === 'push-chart').map((st: { ref: string }) => st.ref.replace(/^oci:\/\//, ''));
  const url = (ref: string) => {
    const slash = ref.indexOf('/');
    const colon = ref.lastIndexOf(':');
    return `https://${ref.slice(0, slash)}/v2/${ref.slice(slash + 1, colon)}/manifests/${ref.slice(colon + 1)}`;
  };
  const config = join(scratch, 'curl-floor.cfg');
  writeFileSync(
    config,
    [
      `user = "${env.LANES_TEST_REGISTRY_USER}:${env.LANES_TEST_REGISTRY_PASSWORD}"`,
      `cacert = "${env.LANES_TEST_CA}"`,
      'head',
      'silent',
      'http2',
      'no-progress-meter',
      'header = "Accept: application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.docker.distribution.manifest.v2+json"',
      ...refs.flatMap((ref) => [`url = "${url(ref)}"`, 'output = "/dev/null"']),
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  return { sample: measure('curl', ['--parallel', '--parallel-max', '16', '--config', config], repo, PLANNING_RUNS), refs: refs.length };
}

/** The distinct commits of the components' last releases, as status found them: the floor diffs exactly those. */
function releaseCommits(repo: string): string[] {
  const status = JSON.parse(execFileSync('node', [LANES, 'status', '--json'], { cwd: repo, env: runEnv, encoding: 'utf8', maxBuffer: 1 << 28 }));
  const tags = new Map(
    execFileSync('git', ['for-each-ref', '--format=%(refname:lstrip=2) %(objectname) %(*objectname)', 'refs/tags'], { cwd: repo, encoding: 'utf8', maxBuffer: 1 << 28 })
      .split('\n')
      .filter(Boolean)
      .map((l) => {
        const [name, object, peeled] = l.split(' ');
        return [name!, peeled || object!] as const;
      }),
  );
  return [...new Set<string>(status.rows.filter((r: any) => r.lastRelease).map((r: any) => tags.get(r.lastRelease.tag)!))];
}

interface Size {
  label: string;
  options: Omit<SyntheticOptions, 'registry' | 'namespace'>;
  /** A product tag of the repo for plan release (an existing version: the plan is computed, nothing runs). */
  releaseTag: string;
}

const SIZES: Size[] = [
  { label: 'S: 200 components, 10k files, 2k commits, 201 tags', options: { components: 200, filesPerComponent: 50, commits: 2000, releaseRounds: 1, componentsPerReleaseCommit: 20, changedAfterRelease: 40 }, releaseTag: 'v1.1.0' },
  { label: 'S+tags: 200 components, 10k files, 2k commits, 20,100 tags', options: { components: 200, filesPerComponent: 50, commits: 2000, releaseRounds: 100, componentsPerReleaseCommit: 20, changedAfterRelease: 40 }, releaseTag: 'v1.100.0' },
  { label: 'L: 1,000 components, 50k files, 10k commits, 20,020 tags', options: { components: 1000, filesPerComponent: 50, commits: 10000, releaseRounds: 20, componentsPerReleaseCommit: 10, changedAfterRelease: 40 }, releaseTag: 'v1.20.0' },
];

/** Runs of each planning figure and its floor: the small repo's floor is ~0.1 s, where a slow run or two move a median of fewer. */
const PLANNING_RUNS = 9;

// 1. Planning and guardrails at each size, next to the minimal git floor.
function planningBenchmarks(scratch: string): Map<string, Sample> {
  const statusBySize = new Map<string, Sample>();
  for (const size of SIZES) {
    log(`generating ${size.label}`);
    const repo = generateMonorepo(join(scratch, 'lanes-repo'), { ...size.options, registry: REGISTRY, namespace: `bench-${Date.now().toString(36)}` });
    const floor = gitFloor(repo, releaseCommits(repo), scratch);
    const floorMs = floor.git.ms + floor.node.ms;
    const floorCpu = floor.git.cpuMs + floor.node.cpuMs;
    const registry = registryFloor(repo, scratch);
    for (const [label, args] of [
      ['status', ['status', '--json']],
      ['plan release', ['plan', 'release', '--tag', size.releaseTag, '--json']],
      ['check dev', ['check', 'dev', '--json']],
    ] as const) {
      // As any second run finds them: lanes' caches (compiled code on Node < 22.1, the validated lanes.yaml) filled by a first.
      spawnSync('node', [LANES, ...args], { cwd: repo, env: runEnv, stdio: 'ignore' });
      const m = measure('node', [LANES, ...args], repo, PLANNING_RUNS);
      if (label === 'status') statusBySize.set(size.label, m);
      // check dev also asks the registry about every reference the dev lane would push: its floor has those requests too.
      const withRegistry = label === 'check dev';
      const ms = floorMs + (withRegistry ? registry.sample.ms : 0);
      const cpu = floorCpu + (withRegistry ? registry.sample.cpuMs : 0);
      const parts = `${s(floor.git.ms)} git + ${s(floor.node.ms)} node start${withRegistry ? ` + ${s(registry.sample.ms)} curl: ${registry.refs} HEADs, 16 at a time` : ''}`;
      rows.push({
        what: `${label}, ${size.label}`,
        lanes: fmt(m),
        baseline: `${s(ms)} ${withRegistry ? 'git + registry floor' : 'git floor'}, CPU ${s(cpu)} (${parts})`,
        ratio: `${(m.ms / ms).toFixed(2)}× floor (CPU ${(m.cpuMs / cpu).toFixed(2)}×)`,
        target: '≤ 2× floor; peak < 250 MB',
      });
    }
    // What a first run costs, or every run with LANES_NO_CACHE=1: nothing kept from an earlier one.
    const uncached = measure('node', [LANES, 'status', '--json'], repo, PLANNING_RUNS, { LANES_NO_CACHE: '1' });
    rows.push({ what: `status without lanes' caches (a first run; LANES_NO_CACHE=1), ${size.label}`, lanes: fmt(uncached), baseline: `${s(floorMs)} git floor`, ratio: `${(uncached.ms / floorMs).toFixed(2)}× floor`, target: 'report' });
    rmSync(repo, { recursive: true, force: true });
  }
  const [small, tagged, large] = SIZES.map((z) => statusBySize.get(z.label)!);
  rows.push({ what: 'status: 200 → 20,100 tags, same 200 components', lanes: `${s(small!.ms)} → ${s(tagged!.ms)}`, baseline: '-', ratio: `${(tagged!.ms / small!.ms).toFixed(2)}×`, target: '< 1.5×' });
  rows.push({ what: 'status: S → L (5× components, files, commits; 100× tags)', lanes: `${s(small!.ms)} → ${s(large!.ms)}`, baseline: '-', ratio: `${(large!.ms / small!.ms).toFixed(2)}× (CPU ${(large!.cpuMs / small!.cpuMs).toFixed(2)}×, memory ${(large!.rssMb / small!.rssMb).toFixed(2)}×)`, target: 'grows with the sizes, not their product' });
  return statusBySize;
}

/** lerna 8 from npm (it runs on Node 20; lerna 9 needs Node 22), fetched once into npx's cache. */
function lernaCli(): string {
  const bin = execFileSync('npx', ['-y', '-p', 'lerna@8', 'sh', '-c', 'readlink -f "$(command -v lerna)"'], { cwd: tmpdir(), encoding: 'utf8' }).trim();
  if (!existsSync(bin)) throw new Error(`lerna not found at ${bin}`);
  return bin;
}

// 1b. The peer: the npm-workspaces variant of the same repos, `lanes status` next to `lerna changed`.
function lernaBenchmarks(scratch: string): void {
  const lerna = lernaCli();
  const version = execFileSync('node', [lerna, '--version'], { encoding: 'utf8' }).trim();
  for (const size of [SIZES[0]!, SIZES[2]!]) {
    const label = size.label.replace(/, [\d,]+ tags$/, `, ${size.options.components * size.options.releaseRounds} annotated <name>@<version> tags`);
    log(`generating the npm-workspaces variant of ${size.label.split(':')[0]}`);
    const repo = generateMonorepo(join(scratch, 'npm-repo'), { ...size.options, flavour: 'npm', registry: REGISTRY, namespace: 'bench-npm' });
    spawnSync('node', [LANES, 'status', '--json'], { cwd: repo, env: runEnv, stdio: 'ignore' }); // lanes' caches filled, as planning's
    const viaLanes = measure('node', [LANES, 'status', '--json'], repo);
    const peer = measure('node', [lerna, 'changed'], repo);
    rows.push({ what: `status on the npm-workspaces variant, ${label}`, lanes: fmt(viaLanes), baseline: `${fmt(peer)} lerna changed (lerna ${version})`, ratio: `${(peer.ms / viaLanes.ms).toFixed(1)}× faster`, target: '≥ 2× faster than lerna' });
    rmSync(repo, { recursive: true, force: true });
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
    await run('docker', ['tag', env.LANES_TEST_BASE_IMAGE!, ref]);
    await run('docker', ['--config', dockerCfg, 'push', '-q', ref]);
  });
  const helm = join(env.LANES_TEST_HELM_DIR!, 'helm');
  const helmCfg = ['--registry-config', join(scratch, 'helm.json')];
  execFileSync(helm, ['registry', 'login', REGISTRY, '-u', env.LANES_TEST_REGISTRY_USER!, '--password-stdin', '--ca-file', env.LANES_TEST_CA!, ...helmCfg], { input: env.LANES_TEST_REGISTRY_PASSWORD, stdio: ['pipe', 'ignore', 'ignore'] });
  await mapConcurrent(charts.slice(0, 100), 8, async (_ref, i) => {
    const dir = join(scratch, `chart${i}`);
    cpSync(join(ROOT, 'examples/dsx-connect/dsx_connect/deploy/helm'), dir, { recursive: true });
    writeFileSync(join(dir, 'Chart.yaml'), readFileSync(join(dir, 'Chart.yaml'), 'utf8').replace(/^name: .*$/m, `name: chart${i}`));
    await run(helm, ['package', dir, '--version', '1.0.0', '-d', scratch]);
    await run(helm, ['push', join(scratch, `chart${i}-1.0.0.tgz`), `oci://${REGISTRY}/${ns}-charts`, '--ca-file', env.LANES_TEST_CA!, ...helmCfg]);
  });
  const refs = [...images, ...charts];
  const client = new RegistryClient({ credentials: { explicit: { username: env.LANES_TEST_REGISTRY_USER!, password: env.LANES_TEST_REGISTRY_PASSWORD!, source: 'bench' } } });
  // A fresh client per run: each run pays its own connection and auth set-up, as one lanes command would.
  let facts = new Map<string, { exists: boolean }>();
  const lanesTimes: number[] = [];
  for (let i = 0; i < 3; i++) {
    const c = i === 0 ? client : new RegistryClient({ credentials: { explicit: { username: env.LANES_TEST_REGISTRY_USER!, password: env.LANES_TEST_REGISTRY_PASSWORD!, source: 'bench' } } });
    const start = performance.now();
    facts = await lookUpPublished(c, refs.map((ref) => ({ ref })), 16);
    lanesTimes.push(performance.now() - start);
    await c.close();
  }
  const lanesMs = lanesTimes.sort((a, b) => a - b)[1]!;
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

  // The stronger baseline a script author would write: skopeo, 16 at a time, manifest only (--raw: the same question lanes asks).
  const skopeo = ensureSkopeo();
  const certDir = join(scratch, 'skopeo-certs');
  mkdirSync(certDir, { recursive: true });
  cpSync(env.LANES_TEST_CA!, join(certDir, 'ca.crt'));
  const creds = `${env.LANES_TEST_REGISTRY_USER}:${env.LANES_TEST_REGISTRY_PASSWORD}`;
  const skopeoRun = async () => {
    let n = 0;
    await mapConcurrent(refs, 16, async (ref) => {
      try {
        await run('skopeo', ['inspect', '--raw', '--cert-dir', certDir, '--creds', creds, `docker://${ref.replace(/^oci:\/\//, '')}`]);
        n++;
      } catch {
        // Not there (or not askable): skopeo exits non-zero either way.
      }
    });
    return n;
  };
  let skopeoFound = 0;
  const skopeoTimes: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    skopeoFound = await skopeoRun();
    skopeoTimes.push(performance.now() - t0);
  }
  const skopeoMs = skopeoTimes.sort((a, b) => a - b)[1]!;
  rows.push({ what: `"already published" check, same 400 references (skopeo found ${skopeoFound})`, lanes: s(lanesMs), baseline: `${s(skopeoMs)} ${skopeo} inspect --raw, 16 at a time`, ratio: `${(skopeoMs / lanesMs).toFixed(1)}× faster`, target: '≥ 2× faster' });
}

/** skopeo from Debian, installed when missing (the testbed does not need it otherwise). */
function ensureSkopeo(): string {
  const version = () => spawnSync('skopeo', ['--version'], { encoding: 'utf8' });
  if (version().status !== 0) {
    log('installing skopeo (Debian)');
    const install = () => spawnSync('apt-get', ['install', '-y', '-q', 'skopeo'], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, stdio: 'ignore' }).status === 0;
    if (!install()) {
      spawnSync('apt-get', ['update', '-q'], { stdio: 'ignore' });
      if (!install()) throw new Error('could not install skopeo: apt-get install -y skopeo failed');
    }
  }
  return version().stdout.trim();
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

/**
 * lanes as a user installs it: the packed package in a fresh repository, its
 * installed size (runtime dependencies only), and the cold start of the
 * installed CLI next to Node's own start-up.
 */
function packageBenchmarks(scratch: string): void {
  const packDir = join(scratch, 'pack');
  mkdirSync(packDir);
  const tgz = execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', packDir], { cwd: ROOT, encoding: 'utf8' }).trim().split('\n').pop()!;
  const app = join(scratch, 'user-app');
  mkdirSync(app);
  execFileSync('npm', ['init', '-y'], { cwd: app, stdio: 'ignore' });
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', join(packDir, tgz)], { cwd: app, stdio: 'ignore' });
  const kb = (dir: string) => Number(execFileSync('du', ['-sk', dir], { encoding: 'utf8' }).split('\t')[0]);
  const installed = kb(join(app, 'node_modules'));
  const own = kb(join(app, 'node_modules/lanes'));
  const example = join(scratch, 'pkg-example');
  cpSync(join(ROOT, 'examples/dsx-connect'), example, { recursive: true });
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: example });
  execFileSync('git', ['add', '-A'], { cwd: example });
  execFileSync('git', ['-c', 'user.name=b', '-c', 'user.email=b@x', 'commit', '-qm', 'bench'], { cwd: example });
  const bin = join(app, 'node_modules/.bin/lanes');
  const version = measure(bin, ['--version'], app, 5);
  const status = measure(bin, ['status', '--source', example], app, 5);
  const node = measure('node', ['-e', '0'], app, 5);
  rows.push({ what: 'installed package (npm install of the packed lanes, runtime dependencies only)', lanes: `${(installed / 1024).toFixed(1)} MB (lanes itself ${(own / 1024).toFixed(1)} MB)`, baseline: '174 MB before @dagger.io/dagger became a dev dependency', ratio: `${(174 / (installed / 1024)).toFixed(0)}× smaller`, target: 'runtime dependencies only' });
  rows.push({ what: 'cold start: installed `lanes --version`', lanes: fmt(version), baseline: `${fmt(node)} node -e 0`, ratio: `+${s(version.ms - node.ms)}`, target: 'report' });
  rows.push({ what: 'cold start: installed `lanes status` on the example (5 components, git)', lanes: fmt(status), baseline: `${fmt(node)} node -e 0`, ratio: `+${s(status.ms - node.ms)}`, target: 'report' });
}

async function main(): Promise<void> {
  // Always the bundle of the current sources: bin/lanes.js falls back to tsx (0.5 s slower) when it is stale.
  execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
  const scratch = mkdtempSync(join(tmpdir(), 'lanes-bench-'));
  // lanes' caches (compiled code, validated lanes.yaml files) in the run's own directory, not the user's.
  runEnv.XDG_CACHE_HOME = join(scratch, 'cache');
  const started = performance.now();
  // Other work on the machine stretches wall times (CPU times much less): say how busy it was.
  const loadBefore = loadavg()[0]!.toFixed(1);
  // `npm run bench -- --only package,build`: some sections, printed only (RESULTS.md keeps the last full run).
  const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1]!.split(',') : undefined;
  const sections: [string, () => unknown][] = [
    ['planning', () => planningBenchmarks(scratch)],
    ['lerna', () => lernaBenchmarks(scratch)],
    ['registry', () => registryBenchmarks(scratch)],
    ['build', () => buildBenchmarks(scratch)],
    ['package', () => packageBenchmarks(scratch)],
  ];
  try {
    for (const [name, section] of sections) if (!only || only.includes(name)) await section();
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  log(`done in ${s(performance.now() - started)}`);
  const table = ['| what | lanes | baseline or peer (same run) | ratio | target |', '|---|---|---|---|---|', ...rows.map((r) => `| ${r.what} | ${r.lanes} | ${r.baseline} | ${r.ratio} | ${r.target} |`)].join('\n');
  const tool = (cmd: string, args: string[]) => spawnSync(cmd, args, { encoding: 'utf8' }).stdout?.trim().split('\n')[0] ?? '?';
  const machine = `${cpus().length} cores (${cpus()[0]?.model.trim()}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB memory, Node ${process.version}, ${tool('git', ['--version'])}, ${execFileSync('docker', ['version', '--format', 'Docker {{.Server.Version}}']).toString().trim()}, ${tool('skopeo', ['--version'])}, lerna ${tool('node', [lernaCli(), '--version'])}, ${tool('docker-registry', ['--version'])}`;
  console.log(`\n${machine}\n\n${table}\n`);
  if (only) return;
  const results = readFileSync(join(ROOT, 'bench/RESULTS.md'), 'utf8').replace(/<!-- results -->[\s\S]*<!-- \/results -->/, `<!-- results -->\nMeasured ${new Date().toISOString().slice(0, 10)} on ${machine}; the whole run took ${s(performance.now() - started)}; load average ${loadBefore} at the start, ${loadavg()[0]!.toFixed(1)} at the end.\n\n${table}\n<!-- /results -->`);
  writeFileSync(join(ROOT, 'bench/RESULTS.md'), results);
}

await main();
