import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, matchesGlob, relative } from 'node:path';
import { PROJECT_ROOT } from '../repo.js';

/**
 * The Dagger 0.21.9 TypeScript runtime, step by step, as
 * sdk/typescript/runtime/*.go (dagger/dagger branch backport-0.21) does it
 * before and during `dagger call`:
 *
 *  1. the context the engine uploads: the directory of dagger.json, filtered
 *     by its include/exclude;
 *  2. only the module's `source` directory reaches the runtime (config.go);
 *  3. package.json and tsconfig.json rewritten (tsutils/*_updator.go);
 *  4. dependencies installed by the package manager config.go picks, with only
 *     package.json, the lockfile and .npmrc present (runtime_node.go);
 *  5. the bundled SDK mounted at sdk/ and node_modules/@dagger.io/dagger;
 *  6. the source (minus config files, sdk/, node_modules/) laid over it, and
 *     src/__dagger.entrypoint.ts written from the runtime's template;
 *  7. `tsx --no-deprecation --tsconfig <mod>/tsconfig.json <entrypoint>` with
 *     the session's port and token.
 *
 * Differences that cannot be helped here: Node 20 instead of node:24.13.1-alpine;
 * the SDK is this checkout's @dagger.io/dagger 0.21.9 package re-exported
 * (with its dependencies, but not typescript, which resolves from the module's
 * node_modules as the bundle's --external=typescript does) instead of the
 * engine's bun bundle and generated client.gen.ts; the module runs as a host
 * process, so its "container" filesystem is this machine's (/tmp included).
 */
export const TSX_VERSION = '4.15.6';
export const DEFAULT_TYPESCRIPT = '5.9.3';
const PM_DEFAULTS = { npm: '11.8.0', yarn: '1.22.22', pnpm: '8.15.4' } as const;
const CONFIG_FILES = ['package.json', 'tsconfig.json', 'pnpm-workspace.yaml', '.yarnrc.yml', 'package-lock.json', 'yarn.lock', 'pnpm-lock.yaml', 'bun.lockb', 'bun.lock', 'bunfig.toml', 'deno.json', 'deno.lock'];
const LOCKFILES = { npm: 'package-lock.json', yarn: 'yarn.lock', pnpm: 'pnpm-lock.yaml' } as const;
const FILES = join(import.meta.dirname, 'runtime-files');
export const CACHE = join(PROJECT_ROOT, 'node_modules/.cache/lanes-dagger-runtime');

export interface DaggerJson {
  name: string;
  source?: string;
  include?: string[];
  exclude?: string[];
  sdk?: { source: string } | string;
}

export interface PreparedModule {
  name: string;
  /** The emulated runtime container's filesystem root (its /src is root/src). */
  root: string;
  /** Where the module's source directory sits in the emulated runtime container (/src/<source>). */
  moduleDir: string;
  packageManager: { name: 'npm' | 'yarn' | 'pnpm'; version: string; command: string[] } | { name: 'none'; reason: string };
  /** package.json and tsconfig.json after the runtime's rewrite. */
  packageJson: Record<string, any>;
  tsconfig: Record<string, any>;
  /** Every file the entrypoint hands to scan() and load(), as it computes them. */
  entrypointFiles: string[];
  /** The uploaded context (dagger.json's directory after include/exclude). */
  uploaded: string[];
  dispose(): void;
}

export class RuntimeSetupError extends Error {}

/** The files the engine uploads for a local module: dagger.json's directory, filtered by include/exclude. */
export function uploadedFiles(root: string, config: DaggerJson): string[] {
  const include = (config.include ?? []).filter((p) => !p.startsWith('!'));
  const exclude = [...(config.include ?? []).filter((p) => p.startsWith('!')).map((p) => p.slice(1)), ...(config.exclude ?? [])];
  const source = normal(config.source ?? '.');
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const entry of readdirSync(join(root, rel), { withFileTypes: true })) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (excluded(path, exclude)) continue;
      if (entry.isDirectory()) walk(path);
      else if (path === 'dagger.json' || source === '.' || path.startsWith(`${source}/`) || include.some((p) => matchesGlob(path, p))) out.push(path);
    }
  };
  walk('');
  return out.sort();
}

function excluded(path: string, patterns: string[]): boolean {
  return patterns.some((p) => matchesGlob(path, p) || matchesGlob(path, `${p}/**`));
}
function normal(p: string): string {
  return p.replace(/^\.\//, '').replace(/\/$/, '') || '.';
}

/** `//` comments out, as tsutils/utils.go removeJSONComments does before sjson edits. */
function removeJSONComments(input: string): string {
  let out = '';
  let inString = false;
  let escaped = false;
  for (let i = 0; i < input.length; i++) {
    const c = input[i]!;
    if (c === '"' && !escaped) inString = !inString;
    if (!inString && c === '/' && input[i + 1] === '/') {
      while (i < input.length && input[i] !== '\n') i++;
      out += '\n';
      continue;
    }
    out += c;
    escaped = c === '\\' && !escaped;
  }
  return out;
}

/** tsutils.UpdatePackageJSONForModule */
export function rewritePackageJson(text: string): Record<string, any> {
  const pkg = JSON.parse(removeJSONComments(text)) as Record<string, any>;
  pkg.type = 'module';
  pkg.dependencies ??= {};
  if (!('typescript' in pkg.dependencies)) pkg.dependencies.typescript = DEFAULT_TYPESCRIPT;
  delete pkg.dependencies['@dagger.io/dagger'];
  if (pkg.devDependencies) delete pkg.devDependencies['@dagger.io/dagger'];
  return pkg;
}

/** tsutils.UpdateTSConfigForModule, or the template when there is no tsconfig.json. */
export function rewriteTsconfig(text: string | undefined): Record<string, any> {
  if (text === undefined) return JSON.parse(readFileSync(join(FILES, 'tsconfig.template.json'), 'utf8'));
  const ts = JSON.parse(removeJSONComments(text)) as Record<string, any>;
  ts.compilerOptions ??= {};
  ts.compilerOptions.paths ??= {};
  ts.compilerOptions.paths['@dagger.io/dagger'] = ['./sdk/index.ts'];
  ts.compilerOptions.paths['@dagger.io/dagger/telemetry'] = ['./sdk/telemetry.ts'];
  ts.compilerOptions.experimentalDecorators = true;
  return ts;
}

/** config.go detectRuntime + detectPackageManager, for the Node runtime. */
export function packageManagerFor(entries: Set<string>, pkg: Record<string, any> | undefined): { name: 'npm' | 'yarn' | 'pnpm'; version: string } {
  if (pkg?.dagger?.runtime && !String(pkg.dagger.runtime).startsWith('node')) throw new RuntimeSetupError(`the harness emulates the Node runtime only, not ${pkg.dagger.runtime}`);
  if (entries.has('bun.lockb') || entries.has('bun.lock')) throw new RuntimeSetupError('a bun lockfile selects the Bun runtime, which the harness does not emulate');
  if (!entries.has('package-lock.json') && !entries.has('yarn.lock') && !entries.has('pnpm-lock.yaml') && (entries.has('deno.json') || entries.has('deno.lock'))) {
    throw new RuntimeSetupError('deno.json selects the Deno runtime, which the harness does not emulate');
  }
  const field = pkg?.packageManager as string | undefined;
  if (field) {
    const [name, version] = field.split('@');
    if (!version) throw new RuntimeSetupError('packageManager version is missing, please add it to your package.json');
    if (name !== 'npm' && name !== 'yarn' && name !== 'pnpm') throw new RuntimeSetupError(`detected unknown package manager: ${name}`);
    return { name, version };
  }
  if (entries.has('package-lock.json')) return { name: 'npm', version: PM_DEFAULTS.npm };
  if (entries.has('yarn.lock')) return { name: 'yarn', version: PM_DEFAULTS.yarn };
  if (entries.has('pnpm-lock.yaml')) return { name: 'pnpm', version: PM_DEFAULTS.pnpm };
  return { name: 'yarn', version: PM_DEFAULTS.yarn };
}

function installCommand(pm: { name: 'npm' | 'yarn' | 'pnpm'; version: string }): string[] {
  switch (pm.name) {
    case 'npm':
      return ['npx', '-y', `npm@${pm.version}`, 'install', '--omit=dev'];
    case 'yarn':
      // The node image's global yarn is 1.22.22; the runtime installs no other yarn ("corepack will" is not true in node:24-alpine).
      if (pm.version !== PM_DEFAULTS.yarn) throw new RuntimeSetupError(`stand-in does not know what the runtime's yarn 1.22.22 does with packageManager yarn@${pm.version}`);
      return ['npx', '-y', `yarn@${pm.version}`, 'install', '--prod'];
    case 'pnpm':
      return ['npx', '-y', `pnpm@${pm.version}`, 'install', '--shamefully-hoist=true', '--prod'];
  }
}

function hash(...parts: (string | undefined)[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(`${p ?? '\0'}\n`);
  return h.digest('hex').slice(0, 20);
}

/** Runs `build` into a fresh directory and renames it to `dir` when done, so concurrent test files share one copy. */
function cached(dir: string, build: (tmp: string) => void): string {
  if (existsSync(join(dir, '.done'))) return dir;
  mkdirSync(dirname(dir), { recursive: true });
  const tmp = mkdtempSync(`${dir}.tmp-`);
  try {
    build(tmp);
    writeFileSync(join(tmp, '.done'), '');
    try {
      renameSync(tmp, dir);
    } catch {
      if (!existsSync(join(dir, '.done'))) throw new Error(`could not place ${dir}`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return dir;
}

/** tsx 4.15.6, the version the engine bundles (toolchains/engine-dev/build/sdk.go TypescriptSDKTSXVersion). */
export function tsxCli(): string {
  const dir = cached(join(CACHE, `tsx-${TSX_VERSION}`), (tmp) => {
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', '--prefix', tmp, `tsx@${TSX_VERSION}`], { stdio: 'pipe' });
  });
  return join(dir, 'node_modules/tsx/dist/cli.mjs');
}

/**
 * The SDK with what it needs to resolve its own dependencies (this checkout's
 * @dagger.io/dagger and its dependency closure), without typescript.
 */
function sdkVendor(): string {
  const sdkPkg = JSON.parse(readFileSync(join(PROJECT_ROOT, 'node_modules/@dagger.io/dagger/package.json'), 'utf8')) as { version: string };
  return cached(join(CACHE, `sdk-${sdkPkg.version}`), (tmp) => {
    const seen = new Set<string>();
    const visit = (pkgDir: string) => {
      if (seen.has(pkgDir)) return;
      seen.add(pkgDir);
      const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> };
      for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) {
        if (dep === 'typescript') continue;
        let at = pkgDir;
        let found: string | undefined;
        for (;;) {
          const candidate = join(at, 'node_modules', dep);
          if (existsSync(join(candidate, 'package.json'))) {
            found = candidate;
            break;
          }
          if (at === PROJECT_ROOT || at === dirname(at)) break;
          at = dirname(at);
        }
        if (found) visit(found);
        else if (!pkg.optionalDependencies?.[dep]) throw new Error(`the SDK's dependency ${dep} is not installed in this checkout`);
      }
    };
    visit(join(PROJECT_ROOT, 'node_modules/@dagger.io/dagger'));
    for (const dir of seen) cpSync(dir, join(tmp, relative(PROJECT_ROOT, dir)), { recursive: true, filter: (src) => !src.slice(dir.length).startsWith('/node_modules') });
  });
}

/**
 * The runtime's sdk/ directory: index.ts exactly as the runtime writes it;
 * core.js standing for the bun bundle of the SDK; client.gen.ts giving the
 * scanner the API's type declarations and the code the real runtime's
 * generated client gives.
 */
function sdkLibrary(vendor: string): Record<string, string> {
  const dist = join(vendor, 'node_modules/@dagger.io/dagger/dist/src');
  const dts = readFileSync(join(dist, 'api/client.gen.d.ts'), 'utf8').replace(/from "\.\.\/(.*?)"/g, (_m, p: string) => `from "${join(dist, p)}"`);
  return {
    'index.ts': readFileSync(join(FILES, 'sdk-index.ts'), 'utf8'),
    'core.js': `export * from ${JSON.stringify(join(dist, 'index.js'))};\n`,
    'core.d.ts': `export * from ${JSON.stringify(join(dist, 'index.js'))};\n`,
    'telemetry.ts': `export { getTracer } from ${JSON.stringify(join(dist, 'telemetry/index.js'))};\n`,
    'client.gen.ts': `${dts}\nexport * from ${JSON.stringify(join(dist, 'api/client.gen.js'))};\n`,
  };
}

/** Steps 1–6: a directory laid out as the runtime container's /src, ready for the entrypoint. */
export function prepareModule(repoRoot: string = PROJECT_ROOT): PreparedModule {
  const config = JSON.parse(readFileSync(join(repoRoot, 'dagger.json'), 'utf8')) as DaggerJson;
  const sdk = typeof config.sdk === 'string' ? config.sdk : config.sdk?.source;
  if (sdk !== 'typescript') throw new RuntimeSetupError(`dagger.json sdk is ${JSON.stringify(sdk)}, not typescript`);
  const source = normal(config.source ?? '.');
  const uploaded = uploadedFiles(repoRoot, config);
  const inSource = (f: string) => (source === '.' ? f : f.startsWith(`${source}/`) ? f.slice(source.length + 1) : undefined);
  const sourceFiles = uploaded.map(inSource).filter((f): f is string => f !== undefined);
  const read = (f: string) => (sourceFiles.includes(f) ? readFileSync(join(repoRoot, source, f), 'utf8') : undefined);
  const entries = new Set(sourceFiles.filter((f) => CONFIG_FILES.includes(f)));

  const original = read('package.json');
  const packageJson = rewritePackageJson(original ?? readFileSync(join(FILES, 'package.template.json'), 'utf8'));
  const tsconfig = rewriteTsconfig(read('tsconfig.json'));
  const pm = packageManagerFor(entries, original ? JSON.parse(removeJSONComments(original)) : undefined);
  const lockfile = LOCKFILES[pm.name];
  const deps = packageJson.dependencies as Record<string, string>;
  const onlyDefaultTs = deps.typescript === DEFAULT_TYPESCRIPT && Object.keys(deps).length <= 1;

  // Step 4: install with only package.json, the lockfile and .npmrc, cached per content.
  let installed: string | undefined;
  let packageManager: PreparedModule['packageManager'];
  if (onlyDefaultTs) {
    packageManager = { name: 'none', reason: 'typescript 5.9.3 is the only dependency: the runtime mounts its own typescript and installs nothing' };
  } else {
    const command = installCommand(pm);
    packageManager = { ...pm, command };
    const pkgText = JSON.stringify(packageJson, null, 2);
    const key = hash(pm.name, pm.version, pkgText, read(lockfile), read('.npmrc'));
    // Laid out as /src/<source> with nothing else under /src, so `file:..` sees what it sees in the runtime container.
    const sub = join('src', source === '.' ? '' : source);
    installed = join(cached(join(CACHE, `install-${key}`), (tmp) => {
      const at = join(tmp, sub);
      mkdirSync(at, { recursive: true });
      writeFileSync(join(at, 'package.json'), pkgText);
      for (const f of [lockfile, '.npmrc']) if (read(f) !== undefined) writeFileSync(join(at, f), read(f)!);
      try {
        execFileSync(command[0]!, command.slice(1), { cwd: at, stdio: 'pipe', env: { ...process.env, npm_config_update_notifier: 'false' } });
      } catch (e) {
        const err = e as { stderr?: Buffer; stdout?: Buffer };
        throw new RuntimeSetupError(`${command.join(' ')} failed in the module's install step:\n${err.stderr?.toString() ?? ''}${err.stdout?.toString() ?? ''}`);
      }
    }), sub);
  }
  if (deps.typescript === DEFAULT_TYPESCRIPT && (!installed || !existsSync(join(installed, 'node_modules/typescript')))) {
    // The runtime mounts its own typescript-library (TypeScript 5.9.3) at node_modules/typescript.
    installed ??= cached(join(CACHE, `install-ts-only`), (tmp) => writeFileSync(join(tmp, 'package.json'), '{}'));
  }

  const root = mkdtempSync(join(tmpdir(), 'lanes-dagger-runtime-'));
  const moduleDir = join(root, 'src', source === '.' ? '' : source);
  mkdirSync(moduleDir, { recursive: true });
  if (installed) {
    linkTree(installed, moduleDir);
    rmSync(join(moduleDir, '.done'), { force: true });
  }
  if (deps.typescript === DEFAULT_TYPESCRIPT && !existsSync(join(moduleDir, 'node_modules/typescript'))) {
    linkTree(typescriptLibrary(), join(moduleDir, 'node_modules/typescript'));
  }
  writeNew(join(moduleDir, 'package.json'), JSON.stringify(packageJson, null, 2));

  // Step 5: the SDK library at sdk/ and node_modules/@dagger.io/dagger.
  const vendor = sdkVendor();
  const vendorHere = join(root, '.sdk-vendor');
  linkTree(vendor, vendorHere);
  symlinkSync(join(moduleDir, 'node_modules/typescript'), join(vendorHere, 'node_modules/typescript'));
  for (const at of ['sdk', 'node_modules/@dagger.io/dagger']) {
    rmSync(join(moduleDir, at), { recursive: true, force: true });
    mkdirSync(join(moduleDir, at), { recursive: true });
    for (const [f, text] of Object.entries(sdkLibrary(vendorHere))) writeFileSync(join(moduleDir, at, f), text);
  }
  writeNew(join(moduleDir, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));

  // Step 6: the source code over it (wrappedSourceCodeDirectory), then the entrypoint.
  for (const f of sourceFiles) {
    const top = f.split('/')[0]!;
    if (CONFIG_FILES.includes(f) || top === 'sdk' || top === 'node_modules') continue;
    mkdirSync(dirname(join(moduleDir, f)), { recursive: true });
    rmSync(join(moduleDir, f), { force: true });
    cpSync(join(repoRoot, source, f), join(moduleDir, f));
  }
  mkdirSync(join(moduleDir, 'src'), { recursive: true });
  writeNew(join(moduleDir, 'src/__dagger.entrypoint.ts'), readFileSync(join(FILES, '__dagger.entrypoint.ts'), 'utf8'));
  runtimePath(root);
  tsxCli();

  return {
    name: config.name,
    root,
    moduleDir,
    packageManager,
    packageJson,
    tsconfig,
    entrypointFiles: entrypointFiles(moduleDir),
    uploaded,
    dispose: () => rmSync(root, { recursive: true, force: true }),
  };
}

/**
 * The cached install, SDK and typescript laid into a module's directory as
 * hard links (one copy on disk, ~150 MB and 20k files not copied per test
 * file). Nothing writes into them; a file the runtime rewrites is replaced
 * (writeNew), never written through, so the cache stays as installed.
 */
function linkTree(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  try {
    execFileSync('cp', ['-al', `${from}/.`, to], { stdio: 'pipe' });
  } catch {
    cpSync(from, to, { recursive: true, verbatimSymlinks: true });
  }
}

function writeNew(path: string, text: string): void {
  rmSync(path, { force: true });
  writeFileSync(path, text);
}

/** TypeScript 5.9.3, standing for the runtime's bundled typescript-library. */
function typescriptLibrary(): string {
  const dir = cached(join(CACHE, `typescript-${DEFAULT_TYPESCRIPT}`), (tmp) => {
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', '--prefix', tmp, `typescript@${DEFAULT_TYPESCRIPT}`], { stdio: 'pipe' });
  });
  return join(dir, 'node_modules/typescript');
}

/** listTsFilesInModule of __dagger.entrypoint.ts: every .ts/.mts under src/, plus sdk/client.gen.ts. */
export function entrypointFiles(moduleDir: string): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((f) => {
      const p = join(dir, f);
      if (statSync(p).isDirectory()) return walk(p);
      return ['.ts', '.mts'].includes(p.slice(p.lastIndexOf('.'))) ? [p] : [];
    });
  return [join(moduleDir, 'sdk/client.gen.ts'), ...walk(join(moduleDir, 'src'))];
}

/**
 * PATH of the runtime container (node:24-alpine): node, npm and busybox's
 * applets, and no git, docker or helm, so a module that shells out to them fails here as there.
 */
function runtimePath(root: string): string {
  const bin = join(root, '.runtime-bin');
  if (!existsSync(bin)) {
    mkdirSync(bin, { recursive: true });
    if (existsSync('/bin/busybox')) for (const a of execFileSync('/bin/busybox', ['--list'], { encoding: 'utf8' }).split('\n').filter(Boolean)) symlinkSync('/bin/busybox', join(bin, a));
    for (const tool of ['node', 'npm', 'npx']) {
      rmSync(join(bin, tool), { force: true });
      symlinkSync(join(dirname(process.execPath), tool), join(bin, tool));
    }
  }
  return bin;
}

/** The runtime container's /tmp. */
function runtimeTmp(root: string): string {
  const tmp = join(root, 'tmp');
  mkdirSync(tmp, { recursive: true });
  return tmp;
}

export interface RuntimeRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Step 7: the entrypoint under tsx 4.15.6, as the runtime container's entrypoint, against a session. */
export function runEntrypoint(mod: PreparedModule, session: Record<string, string>, timeoutMs = 150_000): Promise<RuntimeRun> {
  const tsx = tsxCli();
  const entry = join(mod.moduleDir, 'src/__dagger.entrypoint.ts');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [tsx, '--no-deprecation', '--tsconfig', join(mod.moduleDir, 'tsconfig.json'), entry], {
      cwd: mod.moduleDir,
      // The runtime container's environment, not the test's: no LANES_* or CI variables leak into the module.
      // TMPDIR: the container's own /tmp (what the module writes there is gone with the container, here with dispose()).
      env: { PATH: runtimePath(mod.root), HOME: process.env.HOME ?? '/root', TMPDIR: runtimeTmp(mod.root), NODE_OPTIONS: '--use-openssl-ca', ...session },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ exitCode: code ?? 137, stdout, stderr });
    });
  });
}

/**
 * One `dagger call`: the engine stand-in opens a session that knows which
 * function is called (currentFunctionCall), then the entrypoint runs against
 * it. parentName "" is the registration every `dagger call` and `dagger
 * functions` starts with.
 */
export async function callFunction(
  mod: PreparedModule,
  engine: { openSession(call: FunctionCallSpec): { env: Record<string, string>; returned?: Returned } },
  call: FunctionCallSpec,
): Promise<RuntimeRun & { returned: Returned | undefined }> {
  const session = engine.openSession(call);
  const r = await runEntrypoint(mod, session.env);
  return { ...r, returned: session.returned };
}

export interface FunctionCallSpec {
  parentName: string;
  name: string;
  inputArgs: Record<string, unknown>;
  parent?: unknown;
}
export interface Returned {
  value?: unknown;
  error?: string;
  errorValues?: Record<string, unknown>;
}
