import { spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import module from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleRepo, PROJECT_ROOT } from '../helpers/repo.js';

/**
 * What the CLI keeps in the user's cache directory for later runs: the code
 * V8 compiled for the bundle (bin/compile-cache.js), on Nodes without a
 * compile cache of their own (< 22.1: this machine's Node 20), and each
 * lanes.yaml it validated (src/config/validated-config-cache.ts). Run as an
 * installed package is laid out — bin/ and dist/, no src/ — so it is always
 * the bundle that starts.
 */
const ownCache = typeof (module as { enableCompileCache?: unknown }).enableCompileCache !== 'function';

let pkg: string;
let repo: string;
let scratch: string;
beforeAll(() => {
  const bundle = join(PROJECT_ROOT, 'dist/lanes.cjs');
  if (!existsSync(bundle)) throw new Error('dist/lanes.cjs is missing: run npm run build (npm test does)');
  scratch = mkdtempSync(join(tmpdir(), 'lanes-compile-cache-'));
  pkg = join(scratch, 'package');
  mkdirSync(join(pkg, 'dist'), { recursive: true });
  cpSync(join(PROJECT_ROOT, 'bin'), join(pkg, 'bin'), { recursive: true });
  cpSync(bundle, join(pkg, 'dist/lanes.cjs'));
  cpSync(join(PROJECT_ROOT, 'package.json'), join(pkg, 'package.json'));
  repo = exampleRepo();
});
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
  rmSync(repo, { recursive: true, force: true });
});

/** A fresh, empty cache home for one test. */
function cacheHome(): string {
  return mkdtempSync(join(scratch, 'cache-'));
}

function lanes(args: string[], env: NodeJS.ProcessEnv) {
  const r = spawnSync('node', [join(pkg, 'bin/lanes.js'), ...args], { cwd: repo, env: { ...process.env, NODE_DISABLE_COMPILE_CACHE: '', ...env }, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const cacheDir = (home: string) => join(home, 'lanes', 'compile-cache');
const cached = (home: string) => (existsSync(cacheDir(home)) ? readdirSync(cacheDir(home)).filter((f) => f.endsWith('.v8')) : []);
const configs = (home: string) => (existsSync(join(home, 'lanes', 'config')) ? readdirSync(join(home, 'lanes', 'config')) : []);

describe.runIf(ownCache)('the compile cache on Nodes without their own', () => {
  it('stores what a command compiled in the user\'s cache directory, readable by the user alone', () => {
    const home = cacheHome();
    const r = lanes(['status', '--json'], { XDG_CACHE_HOME: home });
    expect(r.code, r.stderr).toBe(0);
    const files = cached(home);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(new RegExp(`^${process.version.replace(/\./g, '\\.')}-${process.arch}-`));
    expect(statSync(cacheDir(home)).mode & 0o777).toBe(0o700);
    expect(statSync(join(cacheDir(home), files[0]!)).mode & 0o777).toBe(0o600);
    // Far more than the top level of the bundle: the functions status ran are in it.
    expect(statSync(join(cacheDir(home), files[0]!)).size).toBeGreaterThan(100_000);
  });

  it('is read by later runs, which answer the same and leave it as it is (V8 accepted it)', () => {
    const home = cacheHome();
    const first = lanes(['status', '--json'], { XDG_CACHE_HOME: home });
    const file = join(cacheDir(home), cached(home)[0]!);
    // A cache V8 refused would be written again: its time would move.
    utimesSync(file, new Date(0), new Date(0));
    const second = lanes(['status', '--json'], { XDG_CACHE_HOME: home });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    expect(statSync(file).mtimeMs).toBe(0);
  });

  it('replaces a cache V8 refuses (a damaged file, another Node\'s) and still answers', () => {
    const home = cacheHome();
    const expected = lanes(['status', '--json'], { XDG_CACHE_HOME: home });
    const file = join(cacheDir(home), cached(home)[0]!);
    writeFileSync(file, Buffer.alloc(4096, 0x5a));
    const r = lanes(['status', '--json'], { XDG_CACHE_HOME: home });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(expected.stdout);
    expect(readFileSync(file).equals(Buffer.alloc(4096, 0x5a))).toBe(false);
    expect(statSync(file).size).toBeGreaterThan(100_000);
  });

  it('does not hand V8 a file damaged in place (which would crash Node on every start): it is written again', () => {
    const home = cacheHome();
    const expected = lanes(['status', '--json'], { XDG_CACHE_HOME: home });
    const file = join(cacheDir(home), cached(home)[0]!);
    const bytes = readFileSync(file);
    const middle = bytes.length >> 1;
    bytes.fill(0x41, middle, middle + 8);
    writeFileSync(file, bytes);
    const r = lanes(['status', '--json'], { XDG_CACHE_HOME: home });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(expected.stdout);
    expect(readFileSync(file).equals(bytes)).toBe(false);
  });

  it('uses neither cache with --enable-source-maps for the code (stacks then point into src/), but still the validated lanes.yaml', () => {
    const home = cacheHome();
    const r = lanes(['status', '--json'], { XDG_CACHE_HOME: home, NODE_OPTIONS: '--enable-source-maps' });
    expect(r.code, r.stderr).toBe(0);
    expect(cached(home)).toEqual([]);
    expect(configs(home)).toHaveLength(1);
  });

  it('gives a rebuilt bundle a cache of its own, never code compiled from another', () => {
    const home = cacheHome();
    const copy = join(scratch, 'rebuilt');
    cpSync(pkg, copy, { recursive: true });
    lanes(['status', '--json'], { XDG_CACHE_HOME: home });
    appendFileSync(join(copy, 'dist/lanes.cjs'), '\n// rebuilt\n');
    const r = spawnSync('node', [join(copy, 'bin/lanes.js'), 'status', '--json'], { cwd: repo, env: { ...process.env, NODE_DISABLE_COMPILE_CACHE: '', XDG_CACHE_HOME: home }, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(cached(home)).toHaveLength(2);
  });

  it('keeps the eight most recent caches (several lanes versions on one machine), and drops the rest', () => {
    const home = cacheHome();
    mkdirSync(cacheDir(home), { recursive: true });
    for (let n = 0; n < 10; n++) {
      const old = join(cacheDir(home), `v0.0.${n}-old.v8`);
      writeFileSync(old, 'old');
      utimesSync(old, new Date(1000 * n), new Date(1000 * n));
    }
    lanes(['status', '--json'], { XDG_CACHE_HOME: home });
    const left = cached(home);
    expect(left).toHaveLength(8);
    expect(left.filter((f) => !f.includes('-old.'))).toHaveLength(1);
    // The oldest went first.
    expect(left).not.toContain('v0.0.0-old.v8');
    expect(left).toContain('v0.0.9-old.v8');
  });

  it('runs a command as usual when there is no cache directory it can write', () => {
    const blocked = join(scratch, 'not-a-directory');
    writeFileSync(blocked, '');
    const r = lanes(['status', '--json'], { XDG_CACHE_HOME: blocked });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).project).toBe('dsx-connect');
  });

  it('is not written by --version or --help, which compile next to nothing', () => {
    const home = cacheHome();
    expect(lanes(['--version'], { XDG_CACHE_HOME: home }).code).toBe(0);
    expect(lanes(['status', '--help'], { XDG_CACHE_HOME: home }).code).toBe(0);
    expect(cached(home)).toEqual([]);
  });

  it('is off with NODE_DISABLE_COMPILE_CACHE, as Node\'s own is', () => {
    const home = cacheHome();
    const r = lanes(['status', '--json'], { XDG_CACHE_HOME: home, NODE_DISABLE_COMPILE_CACHE: '1' });
    expect(r.code, r.stderr).toBe(0);
    expect(cached(home)).toEqual([]);
  });
});

describe.runIf(!ownCache)('the compile cache on Nodes with their own', () => {
  it('leaves the bundle to Node\'s compile cache', () => {
    const home = cacheHome();
    const nodeCache = join(scratch, 'node-cache');
    const r = lanes(['status', '--json'], { XDG_CACHE_HOME: home, NODE_COMPILE_CACHE: nodeCache });
    expect(r.code, r.stderr).toBe(0);
    expect(cached(home)).toEqual([]);
    expect(readdirSync(nodeCache, { recursive: true }).length).toBeGreaterThan(0);
  });
});

describe('the validated lanes.yaml', () => {
  it('is kept after a command read it, and a later run answers the same from it', () => {
    const home = cacheHome();
    const first = lanes(['status', '--json'], { XDG_CACHE_HOME: home });
    expect(configs(home)).toHaveLength(1);
    const second = lanes(['status', '--json'], { XDG_CACHE_HOME: home });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    expect(configs(home)).toHaveLength(1);
  });

  it('does not hide a file lanes.yaml names that went missing since: reported at its line', () => {
    const home = cacheHome();
    const copy = exampleRepo();
    try {
      const run = (args: string[]) => spawnSync('node', [join(pkg, 'bin/lanes.js'), ...args], { cwd: copy, env: { ...process.env, XDG_CACHE_HOME: home }, encoding: 'utf8' });
      expect(run(['status', '--json']).status).toBe(0);
      rmSync(join(copy, 'connectors/aws_s3/Dockerfile'));
      const r = run(['status']);
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(/lanes\.yaml:\d+ .*Dockerfile not found: connectors\/aws_s3\/Dockerfile/);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});

describe('where lanes keeps nothing', () => {
  it('a relative XDG_CACHE_HOME, which the XDG spec says to ignore: ~/.cache is used', () => {
    const home = cacheHome();
    const r = lanes(['status', '--json'], { XDG_CACHE_HOME: 'relative-cache', HOME: home });
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(repo, 'relative-cache'))).toBe(false);
    expect(configs(join(home, '.cache'))).toHaveLength(1);
  });

  it('a cache directory inside the directory lanes runs in ($CI_PROJECT_DIR/.cache): git status stays clean', () => {
    const copy = exampleRepo();
    try {
      const r = spawnSync('node', [join(pkg, 'bin/lanes.js'), 'status', '--json'], { cwd: copy, env: { ...process.env, XDG_CACHE_HOME: join(copy, '.cache') }, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      expect(existsSync(join(copy, '.cache'))).toBe(false);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it('a lanes cache directory others can write to (what is in it could be made to run as this user)', () => {
    const home = cacheHome();
    mkdirSync(join(home, 'lanes'), { mode: 0o777 });
    chmodSync(join(home, 'lanes'), 0o777);
    const r = lanes(['status', '--json'], { XDG_CACHE_HOME: home });
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(join(home, 'lanes'))).toEqual([]);
  });
});

describe('LANES_NO_CACHE=1', () => {
  it('keeps nothing: no compiled code, no validated lanes.yaml', () => {
    const home = cacheHome();
    const r = lanes(['status', '--json'], { XDG_CACHE_HOME: home, LANES_NO_CACHE: '1' });
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(home)).toEqual([]);
  });
});
