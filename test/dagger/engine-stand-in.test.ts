import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiSchema, startEngineStandIn, type DaggerEngineStandIn } from '../helpers/dagger-engine/engine.js';
import { callFunction, prepareModule, type PreparedModule } from '../helpers/dagger-runtime/runtime.js';
import { makeRepo, PROJECT_ROOT } from '../helpers/repo.js';
import { testbed, testScope, uniqueNamespace } from '../helpers/testbed.js';

/**
 * The engine stand-in must fail where the engine fails, or the module tests
 * prove nothing. Each case goes through a small probe module, loaded by the
 * runtime emulation and run through the SDK's own entrypoint.
 */
const scope = testScope('engine-stand-in');
const PROBE = join(import.meta.dirname, 'fixtures/probe-module');
let mod: PreparedModule;
let engine: DaggerEngineStandIn;
let repo: string;

beforeAll(async () => {
  mod = prepareModule(PROBE);
  engine = await startEngineStandIn({ moduleName: mod.name, imagePrefix: `${scope.id}-standin` });
  repo = makeRepo({ 'Dockerfile': readFileSync(join(PROBE, 'Dockerfile'), 'utf8'), 'app/hello.txt': 'hello\n' });
});
afterAll(async () => {
  await engine?.close();
  mod?.dispose();
});

const call = (name: string, inputArgs: Record<string, unknown> = {}) => callFunction(mod, engine, { parentName: 'Probe', name, inputArgs });

describe.concurrent('the engine stand-in', () => {
  it('knows every field and argument the 0.21.9 SDK client can send, and only the API\'s', () => {
    const file = join(PROJECT_ROOT, 'node_modules/@dagger.io/dagger/dist/src/api/client.gen.d.ts');
    const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const opts = new Map<string, string[]>();
    for (const st of sf.statements) if (ts.isTypeAliasDeclaration(st) && ts.isTypeLiteralNode(st.type)) opts.set(st.name.text, st.type.members.map((m) => m.name!.getText()));
    const missing: string[] = [];
    let checked = 0;
    for (const st of sf.statements) {
      if (!ts.isClassDeclaration(st) || !st.name || st.name.text.startsWith('_') || st.name.text === 'BaseClient') continue;
      const typeName = st.name.text === 'Client' ? 'Query' : st.name.text.replace(/_$/, '');
      const type = apiSchema().getType(typeName) as { getFields?: () => Record<string, { args: { name: string }[] }> } | undefined;
      if (!type?.getFields) {
        missing.push(`type ${typeName}`);
        continue;
      }
      for (const m of st.members) {
        if (!ts.isPropertyDeclaration(m) || !m.type || !ts.isFunctionTypeNode(m.type)) continue;
        // `with(fn)` is the SDK's chaining helper, not an API field; keyword clashes carry a trailing _.
        if (m.name.getText() === 'with') continue;
        const name = m.name.getText().replace(/_$/, '');
        const field = type.getFields()[name];
        checked++;
        if (!field) {
          missing.push(`${typeName}.${name}`);
          continue;
        }
        for (const p of m.type.parameters) {
          // The SDK renames arguments that are TypeScript keywords (function_ → function).
          const names = p.name.getText() === 'opts' ? (opts.get(p.type!.getText()) ?? []) : [p.name.getText().replace(/_$/, '')];
          for (const n of names) if (!field.args.some((a) => a.name === n)) missing.push(`${typeName}.${name}(${n})`);
        }
      }
    }
    expect(checked).toBeGreaterThan(700);
    expect(missing).toEqual([]);
  });

  it('registers the probe module through the SDK entrypoint', async () => {
    const r = await callFunction(mod, engine, { parentName: '', name: '', inputArgs: {} });
    expect(r.exitCode, r.stderr).toBe(0);
    const probe = engine.registeredModule(r.returned).objects.find((o) => o.name === 'Probe')!;
    expect(probe.functions.map((f) => f.name)).toContain('tryRun');
    expect(probe.functions.find((f) => f.name === 'read')!.args.find((a) => a.name === 'source')).toMatchObject({ type: 'Directory', defaultPath: '/' });
  });

  it('runs withExec for real and returns the real stdout', async () => {
    const r = await call('run', { args: ['sh', '-c', 'echo hi from $(uname -s)'] });
    expect(r.returned, r.stderr).toEqual({ value: 'hi from Linux\n' });
    expect(engine.execs.find((e) => e.args[2] === 'echo hi from $(uname -s)')).toMatchObject({ image: 'alpine:3.21', exitCode: 0, stdout: 'hi from Linux\n' });
  });

  it('fails a call whose command fails, as an ExecError with exit code and stderr', async () => {
    const r = await call('run', { args: ['sh', '-c', 'echo broken >&2; exit 3'] });
    expect(r.exitCode).toBe(1);
    expect(r.returned?.error).toBe('process "sh -c echo broken >&2; exit 3" did not complete successfully: exit code: 3');
    expect(r.returned?.errorValues).toMatchObject({ exitCode: 3, stderr: 'broken\n' });
  });

  it('gives a failing command\'s exit code instead of failing when the caller expects any result', async () => {
    const r = await call('tryRun', { args: ['sh', '-c', 'echo no >&2; exit 2'] });
    expect(r.returned).toEqual({ value: '2:no' });
  });

  it('gives the next command of a chain what the last one wrote into a mounted directory', async () => {
    const r = await call('writeThenRead');
    expect(r.returned, r.stderr).toEqual({ value: 'written by the first command\n' });
  });

  it('has no /out unless the query made it', async () => {
    const r = await call('writeOut');
    expect(r.returned?.error).toMatch(/did not complete successfully: exit code: [12]/);
    expect(engine.execs.find((e) => e.args[2] === 'echo x > /out/file')!.stderr).toMatch(/can't create \/out\/file|nonexistent directory|No such file/);
  });

  it('fails a read of a file that does not exist', async () => {
    const source = engine.hostDirectory(repo);
    expect((await call('read', { source, path: 'app/hello.txt' })).returned).toEqual({ value: 'hello\n' });
    expect((await call('read', { source, path: 'app/missing.txt' })).returned?.error).toMatch(/app\/missing.txt: no such file or directory/);
  });

  it('has a .git in the source directory only at its root', async () => {
    const source = engine.hostDirectory(repo);
    expect((await call('gitIn', { source, sub: '.' })).returned).toEqual({ value: 'true\n' });
    const sub = await call('gitIn', { source, sub: 'app' });
    expect(sub.returned?.error).toMatch(/exit code: 128/);
    expect(sub.returned?.errorValues?.stderr).toMatch(/not a git repository/);
  });

  it('refuses exportImage from a module: a module client has no image store', async () => {
    const r = await call('exportImage', { source: engine.hostDirectory(repo), name: 'lanes-standin-test:never' });
    expect(r.returned?.error).toBe('client has no supported api for loading image');
  });

  it('refuses to publish a container that is also among its own platform variants', async () => {
    const tb = testbed();
    const ref = `${tb.registry}/${uniqueNamespace('standin-dup')}/probe:1.0.0`;
    const r = await call('publishWithSelfAsVariant', { source: engine.hostDirectory(repo), ref, user: tb.user, password: engine.secret('pw', tb.password) });
    expect(r.returned?.error).toBe('duplicate platform "linux/amd64"');
    expect(engine.published.map((p) => p.ref)).not.toContain(ref);
  });

  it('publishes for real from an empty container with platform variants, and answers the registry\'s digest', async () => {
    const tb = testbed();
    const ref = `${tb.registry}/${uniqueNamespace('standin-pub')}/probe:1.0.0`;
    const r = await call('publishVariants', { source: engine.hostDirectory(repo), ref, user: tb.user, password: engine.secret('pw', tb.password) });
    const digest = engine.published.at(-1)?.digest;
    expect(r.returned, r.stderr).toEqual({ value: `${ref.replace(/:1\.0\.0$/, '')}@${digest}` });
    const repoPath = ref.slice(tb.registry.length + 1).replace(/:1\.0\.0$/, '');
    const accept = 'Accept: application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json';
    const status = execFileSync('curl', ['-s', '--cacert', tb.ca, '-u', `${tb.user}:${tb.password}`, '-H', accept, '-o', '/dev/null', '-w', '%{http_code}', `https://${tb.registry}/v2/${repoPath}/manifests/${digest}`], { encoding: 'utf8' });
    expect(status).toBe('200');
  });

  it('rejects a field the API does not have', async () => {
    const r = await call('unknownField');
    expect(r.returned?.error).toMatch(/Cannot query field "withExecutable" on type "Container"/);
  });

  it('rejects an argument the field does not have', async () => {
    const r = await call('unknownArg');
    expect(r.returned?.error).toMatch(/Unknown argument "shell" on field "Container.withExec"/);
  });
});
