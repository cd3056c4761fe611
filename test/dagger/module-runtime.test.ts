import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEngineStandIn, type DaggerEngineStandIn } from '../helpers/dagger-engine/engine.js';
import { startGitDaemon, type GitDaemon } from '../helpers/dagger-engine/git-daemon.js';
import { callFunction, prepareModule, type PreparedModule } from '../helpers/dagger-runtime/runtime.js';
import { startFakeGitHub } from '../helpers/fake-github.js';
import { exampleRepo, PROJECT_ROOT, read } from '../helpers/repo.js';
import { testbed, testScope, uniqueNamespace, useTestRegistry } from '../helpers/testbed.js';

/**
 * The module as the Dagger 0.21.9 TypeScript runtime loads and runs it
 * (test/helpers/dagger-runtime), against the engine stand-in
 * (test/helpers/dagger-engine): registration and every invocation go through
 * the SDK's own entrypoint, so an import that cannot resolve in the runtime,
 * an API call the engine rejects or a command that fails in its container
 * fails here.
 */
const scope = testScope('module-runtime');
const FUNCTIONS = ['init', 'status', 'bump', 'plan', 'check', 'buildAllLocal', 'deployAllLocal', 'composeUpLocal', 'composeDownLocal', 'pushAllDev', 'release'];
let mod: PreparedModule;
let engine: DaggerEngineStandIn;
let repo: string;
let daemon: GitDaemon;
let github: Awaited<ReturnType<typeof startFakeGitHub>>;
const GITHUB_TOKEN = 'ghp_ModuleRuntimeTestToken0123456789abcdef';

beforeAll(async () => {
  mod = prepareModule(PROJECT_ROOT);
  engine = await startEngineStandIn({ moduleName: mod.name, imagePrefix: `${scope.id}-standin` });
  // The test registry (nothing outside this machine is reachable) and a remote to push release tags to,
  // served over git:// so the module's git container reaches it (a host path it could not).
  repo = exampleRepo(useTestRegistry(uniqueNamespace('module')));
  daemon = await startGitDaemon();
  daemon.originFor(repo, 'origin.git');
  // The release lane asks GitHub before anything else: a stand-in for its API the module runtime reaches.
  github = await startFakeGitHub({ token: GITHUB_TOKEN });
});
afterAll(async () => {
  await github?.close();
  await daemon?.close();
  await engine?.close();
  mod?.dispose();
});

const call = async (name: string, inputArgs: Record<string, unknown>) => {
  const r = await callFunction(mod, engine, { parentName: 'Lanes', name, inputArgs: { source: engine.hostDirectory(repo), ...inputArgs } });
  return { ...r, why: `${r.stderr.slice(-3000)}\n--- queries ---\n${engine.transcript().slice(-4000)}` };
};

describe('the module in the Dagger runtime', () => {
  it('hands the entrypoint only files of its own source directory', () => {
    for (const f of mod.entrypointFiles) expect(f.startsWith(mod.moduleDir), f).toBe(true);
    expect(mod.entrypointFiles.some((f) => f.endsWith('/src/index.ts'))).toBe(true);
  });

  it('loads every file under src/ and registers one object with every function', async () => {
    const r = await callFunction(mod, engine, { parentName: '', name: '', inputArgs: {} });
    expect(r.exitCode, r.stderr).toBe(0);
    const lanes = engine.registeredModule(r.returned).objects.find((o) => o.name === 'Lanes');
    expect(lanes?.functions.map((f) => f.name).sort()).toEqual([...FUNCTIONS].sort());
    for (const f of lanes!.functions) expect(f.args.find((a) => a.name === 'source'), f.name).toMatchObject({ type: 'Directory', defaultPath: '/' });
  });
});

describe.concurrent('every function, invoked through the SDK entrypoint on a real git repository', () => {
  it('status reads the checked-in versions, with git run in a git container', async () => {
    const r = await call('status', { json: true });
    expect(r.returned?.error, r.why).toBeUndefined();
    expect(String(r.returned?.value)).toContain('dsx-connect');
    expect(engine.execs.some((e) => e.image.startsWith('alpine/git') && e.args.includes('git') && e.exitCode === 0), r.why).toBe(true);
  });

  /** What the release lane's preflight needs: CI, the registry's credentials and a GitHub token. */
  const releaseAccess = () => ({
    ci: true,
    registryUsername: testbed().user,
    registryPassword: engine.secret('pw', testbed().password),
    githubToken: engine.secret('gh', GITHUB_TOKEN),
    githubApiUrl: github.url,
  });

  it('plan prints the release plan without running it', async () => {
    const r = await call('plan', { lane: 'release', tag: 'v0.3.88', json: true, ...releaseAccess() });
    expect(r.returned?.error, r.why).toBeUndefined();
    expect(String(r.returned?.value)).toMatch(/"lane": ?"release"/);
  });

  it('check runs the guardrails of the dev lane', async () => {
    const r = await call('check', { lane: 'local' });
    expect(r.returned?.error, r.why).toBeUndefined();
  });

  it('init returns the source with a lanes.yaml it wrote (force: one is there already)', async () => {
    const r = await call('init', { force: true });
    expect(r.returned?.error, r.why).toBeUndefined();
    const out = engine.directoryPath(String(r.returned!.value));
    expect(read(out, 'lanes.yaml')).toMatch(/^components:/m);
    expect(read(out, 'lanes.yaml')).not.toBe(read(repo, 'lanes.yaml'));
  });

  it('bump returns the source with the new version written', async () => {
    const r = await call('bump', { components: ['aws-s3-connector'], patch: true });
    expect(r.returned?.error, r.why).toBeUndefined();
    const out = engine.directoryPath(String(r.returned!.value));
    expect(read(out, 'connectors/aws_s3/version.py')).toContain('0.5.3');
    expect(read(repo, 'connectors/aws_s3/version.py')).toContain('0.5.2');
  });

  for (const [fn, args] of [
    ['buildAllLocal', { dryRun: true }],
    ['deployAllLocal', { dryRun: true }],
    ['composeUpLocal', { dryRun: true, dockerSocket: 'SOCKET' }],
    ['composeDownLocal', { dryRun: true, dockerSocket: 'SOCKET' }],
    ['pushAllDev', { dryRun: true }],
    ['release', { dryRun: true, tag: 'v0.3.88' }],
  ] as const) {
    it(`${fn} --dry-run plans its lane and runs nothing`, async () => {
      const input: Record<string, unknown> = { ...args };
      if (input.dockerSocket) input.dockerSocket = engine.hostSocket('/var/run/docker.sock');
      if (fn === 'pushAllDev') Object.assign(input, { registryUsername: testbed().user, registryPassword: engine.secret('pw', testbed().password) });
      if (fn === 'release') Object.assign(input, releaseAccess());
      const r = await call(fn, input);
      expect(r.returned?.error, r.why).toBeUndefined();
      expect(String(r.returned?.value).length).toBeGreaterThan(20);
    });
  }
});
