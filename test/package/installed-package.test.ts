import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryClient } from '../../src/registry/oci-client.js';
import { exampleRepo, git, PROJECT_ROOT } from '../helpers/repo.js';
import { registryEnv, renameForTest, testbed, testScope, uniqueNamespace, useTestRegistry } from '../helpers/testbed.js';

// Images and registry repositories are named lanes-test-<run>-installed-package-… and removed after the file.
const scope = testScope('installed-package');

/**
 * lanes as a user gets it: `npm pack`, installed into a repository of their
 * own that has no way to reach this checkout or its node_modules, then run
 * through `npx lanes` with nothing but the package's runtime dependencies.
 */
let app: string;
let bare: string | undefined;
let tarball: string;
beforeAll(() => {
  const packDir = mkdtempSync(join(tmpdir(), 'lanes-pack-'));
  // The bundle is built by npm test (scripts/test.sh); --ignore-scripts keeps prepack from rewriting the committed module bundle mid-run.
  const name = execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', packDir], { cwd: PROJECT_ROOT, encoding: 'utf8' }).trim().split('\n').pop()!;
  tarball = join(packDir, name);
  app = mkdtempSync(join(tmpdir(), 'lanes-user-app-'));
  execFileSync('npm', ['init', '-y'], { cwd: app, stdio: 'ignore' });
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball], { cwd: app, stdio: 'pipe' });
}, 180_000);
afterAll(() => {
  rmSync(app, { recursive: true, force: true });
  if (bare) rmSync(bare, { recursive: true, force: true });
});

/** `npx lanes …` in the user's repository (or another install, `cwd`), from the installed package only. */
function npxLanes(args: string[], env: NodeJS.ProcessEnv = process.env, cwd = app) {
  const r = spawnSync('npx', ['--no-install', 'lanes', ...args], { cwd, env: { ...env, NODE_PATH: '' }, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the installed package', () => {
  it('ships the CLI bundle, the library with its types, and none of the sources or dev dependencies', () => {
    const pkg = join(app, 'node_modules/lanes');
    expect(readdirSync(pkg).sort()).toEqual(['README.md', 'artifacts.schema.json', 'bin', 'dist', 'lanes.schema.json', 'package.json', 'plan.schema.json']);
    const installed = readdirSync(join(app, 'node_modules'));
    for (const dev of ['tsx', 'vitest', 'esbuild', 'typescript', '@dagger.io']) expect(installed, dev).not.toContain(dev);
  });

  it('answers --version', () => {
    const r = npxLanes(['--version']);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe(JSON.parse(execFileSync('node', ['-p', 'JSON.stringify(require("./package.json"))'], { cwd: PROJECT_ROOT, encoding: 'utf8' })).version);
  });

  it('starts the CLI from its one bundle: no dependency is loaded from node_modules, undici only to talk to a network', () => {
    // The same install with every package but lanes removed from node_modules: commander, yaml,
    // zod, semver… must be inside dist/lanes.cjs, and undici (kept external, imported lazily for
    // network calls) must not be imported by commands that make none.
    bare = mkdtempSync(join(tmpdir(), 'lanes-bare-app-'));
    cpSync(app, bare, { recursive: true, verbatimSymlinks: true });
    const modules = join(bare, 'node_modules');
    for (const name of readdirSync(modules)) if (name !== 'lanes' && name !== '.bin') rmSync(join(modules, name), { recursive: true, force: true });
    expect(readdirSync(modules).sort()).toEqual(['.bin', 'lanes']);
    // What this install lacks is really needed by anything that leaves its dependencies external: the library entry.
    const library = spawnSync('node', ['--input-type=module', '-e', "await import('lanes')"], { cwd: bare, env: { ...process.env, NODE_PATH: '' }, encoding: 'utf8' });
    expect(library.status).not.toBe(0);
    expect(library.stderr).toContain('ERR_MODULE_NOT_FOUND');

    const version = npxLanes(['--version'], process.env, bare);
    expect(version.stderr).toBe('');
    expect(version.code).toBe(0);
    const status = npxLanes(['status', '--source', exampleRepo(), '--json'], process.env, bare);
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout).rows.map((r: { component: string }) => r.component)).toContain('dsx-connect');
  });

  it('is importable as a library, compiled JavaScript with declarations', () => {
    const out = execFileSync('node', ['--input-type=module', '-e', "const m = await import('lanes'); console.log(typeof m.planCommand, typeof m.codeTable)"], { cwd: app, encoding: 'utf8' });
    expect(out.trim()).toBe('function function');
    expect(readdirSync(join(app, 'node_modules/lanes/dist/types'))).toContain('index.d.ts');
  });

  it('runs status, build-all-local and push-all-dev on the real engine and registry', async () => {
    const tb = testbed();
    const names = scope.names();
    const ns = uniqueNamespace('pkg');
    const repo = exampleRepo(useTestRegistry(ns), { rewrite: renameForTest(names, { images: true }) });
    const env = registryEnv();

    const status = npxLanes(['status', '--source', repo, '--json'], env);
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout).rows.map((r: { component: string }) => r.component)).toContain('dsx-connect');

    const built = npxLanes(['build-all-local', '--source', repo, '--build-arg', `BASE_IMAGE=${tb.baseImage}`, '--only', 'dsx-connect'], env);
    expect(built.code, built.stderr + built.stdout).toBe(0);
    expect(execFileSync('docker', ['image', 'inspect', '--format', '{{.Id}}', `${names.image('dsx-connect')}:0.3.88`], { encoding: 'utf8' })).toMatch(/^sha256:/);

    const pushed = npxLanes(['push-all-dev', '--source', repo, '--build-arg', `BASE_IMAGE=${tb.baseImage}`, '--only', 'dsx-connect', '--json'], env);
    expect(pushed.code, pushed.stderr + pushed.stdout).toBe(0);
    const sha7 = git(repo, 'rev-parse', '--short=7', 'HEAD');
    const ref = `${tb.registry}/${ns}-dev/${names.image('dsx-connect')}:0.3.88-${sha7}`;
    const client = new RegistryClient({ credentials: { explicit: { username: tb.user, password: tb.password, source: 'test' } } });
    try {
      const there = await client.manifest(ref);
      expect(there.exists).toBe(true);
      expect(JSON.parse(pushed.stdout).published).toContainEqual({ ref, digest: there.digest });
    } finally {
      await client.close();
    }
  });
});
