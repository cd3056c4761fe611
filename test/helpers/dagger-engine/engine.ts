import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join, posix } from 'node:path';
import { promisify } from 'node:util';
import {
  buildSchema,
  execute,
  GraphQLError,
  getNamedType,
  isLeafType,
  parse,
  validate,
  type GraphQLFieldResolver,
  type GraphQLSchema,
} from 'graphql';
import { hasBwrap, runInSandbox, toolBin, toolImageFor } from './sandbox.js';

const run = promisify(execFile);
const SCHEMA_FILE = join(import.meta.dirname, 'schema-0.21.9.graphqls');
/** The engine's own platform: what a container gets when nobody names one. */
export const HOST_PLATFORM = 'linux/amd64';
/** Every image and tag the stand-in makes starts with this, so nothing else is ever removed. */
export const IMAGE_PREFIX = 'lanes-test-standin';

let schemaCache: GraphQLSchema | undefined;
export function apiSchema(): GraphQLSchema {
  return (schemaCache ??= buildSchema(readFileSync(SCHEMA_FILE, 'utf8'), { assumeValidSDL: true }));
}

/** Thrown where the stand-in cannot know what the real engine would answer: never a made-up success. */
export class UnknownToStandIn extends Error {
  constructor(what: string) {
    super(`stand-in does not know ${what}`);
  }
}

// ---- the objects of the API, as the stand-in models them -------------------------------------------

interface Obj {
  __type: string;
  uid: number;
}
interface Dir extends Obj {
  __type: 'Directory';
  /** A real directory that nothing writes to any more. */
  path: string;
}
interface FileObj extends Obj {
  __type: 'File';
  path: string;
  name: string;
}
interface SecretObj extends Obj {
  __type: 'Secret';
  name: string;
  plaintext: string;
}
interface SocketObj extends Obj {
  __type: 'Socket';
  hostPath: string;
}
type Layer =
  | { kind: 'dir'; path: string; dir: Dir }
  | { kind: 'file'; path: string; file: FileObj; permissions?: number }
  | { kind: 'newfile'; path: string; contents: string; permissions?: number }
  | { kind: 'exec'; exec: ExecSpec };
interface Mount {
  /**
   * `written`: a directory or file mount after a withExec. The engine makes a
   * writable mount's source the output of that exec (core/container_exec.go
   * WithExec), so the next command sees what the last one wrote there: here,
   * that is what the previous layer's filesystem already holds at the path.
   */
  kind: 'dir' | 'file' | 'secret' | 'socket' | 'written';
  obj?: Dir | FileObj | SecretObj | SocketObj;
}
interface ExecSpec {
  image: string;
  args: string[];
  stdin?: string;
  expect: string;
  env: [string, string][];
  secretEnv: [string, SecretObj][];
  workdir: string;
  mounts: [string, Mount][];
}
interface Ctr extends Obj {
  __type: 'Container';
  platform: string;
  image?: string;
  build?: Build;
  layers: Layer[];
  env: [string, string][];
  secretEnv: [string, SecretObj][];
  workdir: string;
  labels: [string, string][];
  mounts: [string, Mount][];
}
interface Build {
  context: Dir;
  dockerfile: string;
  buildArgs: { name: string; value: string }[];
  target?: string;
  platform: string;
}
interface Generic extends Obj {
  /** Registration objects (Module, TypeDef, Function, …): the calls that made them. */
  generic: true;
  calls: { field: string; args: Record<string, unknown> }[];
}

export interface ExecRecord {
  image: string;
  args: string[];
  workdir: string;
  env: Record<string, string>;
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface QueryRecord {
  query: string;
  errors?: string[];
}

export interface FunctionCallSpec {
  /** The object the function belongs to ("" registers the module). */
  parentName: string;
  name: string;
  parent?: unknown;
  /** Argument values as the engine passes them: JSON values, object arguments as their IDs. */
  inputArgs: Record<string, unknown>;
}

export interface Session {
  call?: FunctionCallSpec;
  returned?: { value?: unknown; error?: string; errorValues?: Record<string, unknown> };
}

interface ExecResult {
  rootfs: string;
  exec?: { spec: ExecSpec; stdout: string; stderr: string; exitCode: number; error?: GraphQLError };
}

export interface StandInOptions {
  moduleName: string;
  /** Prefix of every image tag the stand-in makes (test-only names, e.g. the test scope's id). */
  imagePrefix?: string;
  /** The function call the runtime is asked to run (currentFunctionCall). */
  call?: FunctionCallSpec;
}

/**
 * A stand-in for the Dagger engine (v0.21.9 API) on 127.0.0.1, for the
 * module runtime to talk to through DAGGER_SESSION_PORT/TOKEN. It fails where
 * the engine fails: every query is validated against the 0.21.9 schema;
 * withExec runs for real in a bubblewrap sandbox on the filesystem the query
 * built; dockerBuild builds with the host Docker engine; publish pushes for
 * real; exportImage from a module client is refused; duplicate platform
 * variants are refused as core/container.go refuses them. Anything it cannot
 * model raises "stand-in does not know …" instead of answering success.
 */
export class DaggerEngineStandIn {
  readonly token = randomBytes(16).toString('hex');
  readonly queries: QueryRecord[] = [];
  readonly execs: ExecRecord[] = [];
  readonly published: { ref: string; digest: string }[] = [];
  readonly exported: { kind: string; path: string }[] = [];
  readonly builds: { dockerfile: string; buildArgs: Record<string, string>; platform: string; image: string }[] = [];
  /** What the runtime answered: returnValue's JSON, or returnError's message. */
  returned?: { value?: unknown; error?: string; errorValues?: Record<string, unknown> };
  call?: FunctionCallSpec;
  moduleName: string;

  private readonly imagePrefix: string;
  private readonly sessions = new Map<string, Session>();
  private readonly defaultSession: Session = {};
  private server?: Server;
  private readonly tmp = mkdtempSync(join(tmpdir(), 'lanes-standin-'));
  private nextUid = 0;
  private readonly ids = new Map<string, Obj>();
  private readonly evaluations = new Map<string, Promise<ExecResult>>();
  private readonly builtImages = new Map<number, Promise<string>>();
  private readonly images = new Set<string>();
  private readonly auths = new Map<string, { username: string; secret: SecretObj }>();
  private readonly pushes: { registry: string; repo: string; digest: string }[] = [];

  constructor(opts: StandInOptions) {
    this.moduleName = opts.moduleName;
    this.call = opts.call;
    this.imagePrefix = opts.imagePrefix ?? IMAGE_PREFIX;
    if (!hasBwrap()) throw new Error('the engine stand-in runs withExec in bubblewrap: apt-get install -y bubblewrap (scripts/testbed.sh)');
  }

  get port(): number {
    return (this.server!.address() as AddressInfo).port;
  }

  /** Environment for a process that should talk to this engine as its session. */
  sessionEnv(): Record<string, string> {
    return { DAGGER_SESSION_PORT: String(this.port), DAGGER_SESSION_TOKEN: this.token };
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const token = Buffer.from(String(req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString().replace(/:$/, '');
        const session = token === this.token ? undefined : this.sessions.get(token);
        if (token !== this.token && !session) {
          res.writeHead(401).end();
          return;
        }
        this.answer(body, session).then((out) => {
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify(out));
        });
      });
    });
    // The SDK keeps its connection open while the module scans its files (seconds): never drop an idle keep-alive socket under it.
    this.server.keepAliveTimeout = 10 * 60_000;
    this.server.headersTimeout = 10 * 60_000 + 1000;
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    return this;
  }

  /** One GraphQL request: validated against the 0.21.9 API, then executed by the resolvers below. */
  async answer(body: string, session?: Session): Promise<{ data?: unknown; errors?: unknown[] }> {
    let query = '';
    try {
      query = (JSON.parse(body) as { query: string }).query;
      const doc = parse(query);
      const invalid = validate(apiSchema(), doc);
      if (invalid.length) {
        this.queries.push({ query, errors: invalid.map((e) => e.message) });
        return { errors: invalid.map((e) => ({ message: e.message })) };
      }
      const result = await execute({ schema: apiSchema(), document: doc, rootValue: { __type: 'Query' }, contextValue: session ?? this.defaultSession, fieldResolver: this.resolve, typeResolver: (v: Obj) => v.__type });
      this.queries.push({ query, ...(result.errors ? { errors: result.errors.map((e) => e.message) } : {}) });
      return { data: result.data, ...(result.errors ? { errors: result.errors.map((e) => ({ message: e.message, path: e.path, extensions: e.extensions })) } : {}) };
    } catch (e) {
      this.queries.push({ query, errors: [(e as Error).message] });
      return { errors: [{ message: (e as Error).message }] };
    }
  }

  /** Every query as text with its result, for a failing test's message. */
  transcript(): string {
    return this.queries.map((q) => `${q.query.replace(/\s+/g, ' ')}${q.errors ? `\n   ERROR ${q.errors.join('; ')}` : ''}`).join('\n');
  }

  /** Registers a host directory (a function's Directory argument) and gives its ID. */
  hostDirectory(path: string): string {
    return this.idOf(this.snapshotDir(path));
  }
  hostFile(path: string): string {
    return this.idOf(this.storeFile(path, basename(path)));
  }
  hostSocket(path: string): string {
    return this.idOf(this.obj<SocketObj>({ __type: 'Socket', hostPath: path }));
  }
  secret(name: string, plaintext: string): string {
    return this.idOf(this.obj<SecretObj>({ __type: 'Secret', name, plaintext }));
  }
  /** A Directory ID (e.g. a function's result) as the real directory it stands for. */
  directoryPath(id: string): string {
    return this.load<Dir>(id, 'Directory').path;
  }
  /** The module as registered (returnValue of a registration call), as plain data. */
  registeredModule(returned = this.returned): RegisteredModule {
    const id = returned?.value;
    if (typeof id !== 'string') throw new Error(`the runtime returned no module ID: ${JSON.stringify(this.returned)}`);
    return describeModule(this.load<Generic>(id, 'Module'), (i) => this.load<Generic>(i, undefined));
  }

  async close(): Promise<void> {
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
    await Promise.allSettled(this.pushes.map((p) => this.deleteManifest(p)));
    if (this.images.size) spawnSync('docker', ['rmi', '-f', ...this.images], { stdio: 'ignore' });
    rmSync(this.tmp, { recursive: true, force: true });
  }

  // ---- objects and IDs ---------------------------------------------------------------------------

  private obj<T extends Obj>(fields: Omit<T, 'uid'>): T {
    return { ...fields, uid: ++this.nextUid } as T;
  }
  private idOf(o: Obj): string {
    const id = `standin:${o.__type}:${o.uid}`;
    this.ids.set(id, o);
    return id;
  }
  private load<T extends Obj>(id: unknown, type: string | undefined): T {
    const o = typeof id === 'string' ? this.ids.get(id) : undefined;
    if (!o) throw new Error(`failed to load ID ${JSON.stringify(id)}: not an ID this engine issued`);
    if (type && o.__type !== type) throw new Error(`load ${type}: expected ${type}, got ${o.__type}`);
    return o as T;
  }
  private store(): string {
    return mkdtempSync(join(this.tmp, 's-'));
  }
  private snapshotDir(path: string): Dir {
    if (!existsSync(path) || !statSync(path).isDirectory()) throw new Error(`${path}: no such directory on the host`);
    const to = this.store();
    cpSync(path, to, { recursive: true, verbatimSymlinks: true });
    return this.obj<Dir>({ __type: 'Directory', path: to });
  }
  private storeFile(path: string, name: string): FileObj {
    if (!existsSync(path) || !statSync(path).isFile()) throw new Error(`${name}: no such file or directory`);
    const to = join(this.store(), name);
    copyFileSync(path, to);
    chmodSync(to, statSync(path).mode);
    return this.obj<FileObj>({ __type: 'File', path: to, name });
  }

  // ---- the resolver: one function per API field the stand-in knows ------------------------------

  private readonly resolve: GraphQLFieldResolver<Obj & Record<string, unknown>, Session> = async (source, args, session, info) => {
    const type = info.parentType.name;
    const field = info.fieldName;
    const handler = (this.handlers as Record<string, (s: any, a: any, session: Session) => unknown>)[`${type}.${field}`];
    if (handler) return handler.call(this, source, args, session);
    if (field === 'id' && source.uid) return this.idOf(source);
    if (type === 'Query' && /^load(.+)FromID$/.test(field)) return this.load(args.id, /^load(.+)FromID$/.exec(field)![1]);
    if ((source as Partial<Generic>).generic) {
      const ret = getNamedType(info.returnType);
      if (isLeafType(ret)) throw new UnknownToStandIn(`${type}.${field} of a ${type} built for registration`);
      return this.obj<Generic>({ __type: ret.name, generic: true, calls: [...(source as unknown as Generic).calls, { field, args: { ...args } }] });
    }
    throw new UnknownToStandIn(`${type}.${field}`);
  };

  private readonly handlers = {
    // Query
    'Query.node': (_: unknown, a: { id: string }) => this.load(a.id, undefined),
    'Query.container': (_: unknown, a: { platform?: string }) => this.newContainer(a.platform ?? HOST_PLATFORM),
    'Query.directory': () => this.obj<Dir>({ __type: 'Directory', path: this.store() }),
    'Query.host': () => ({ __type: 'Host', uid: ++this.nextUid }),
    'Query.setSecret': (_: unknown, a: { name: string; plaintext: string }) => this.obj<SecretObj>({ __type: 'Secret', name: a.name, plaintext: a.plaintext }),
    'Query.currentModule': () => ({ __type: 'CurrentModule', uid: ++this.nextUid }),
    'Query.currentFunctionCall': () => ({ __type: 'FunctionCall', uid: ++this.nextUid }),
    'Query.module': () => this.obj<Generic>({ __type: 'Module', generic: true, calls: [] }),
    'Query.typeDef': () => this.obj<Generic>({ __type: 'TypeDef', generic: true, calls: [] }),
    'Query.function': (_: unknown, a: Record<string, unknown>) => this.obj<Generic>({ __type: 'Function', generic: true, calls: [{ field: 'function', args: a }] }),
    'Query.sourceMap': (_: unknown, a: Record<string, unknown>) => this.obj<Generic>({ __type: 'SourceMap', generic: true, calls: [{ field: 'sourceMap', args: a }] }),
    'Query.error': (_: unknown, a: Record<string, unknown>) => this.obj<Generic>({ __type: 'Error', generic: true, calls: [{ field: 'error', args: a }] }),
    'CurrentModule.name': () => this.moduleName,
    'FunctionCall.parentName': (_: unknown, _a: unknown, se: Session) => this.currentCall(se).parentName,
    'FunctionCall.name': (_: unknown, _a: unknown, se: Session) => this.currentCall(se).name,
    'FunctionCall.parent': (_: unknown, _a: unknown, se: Session) => JSON.stringify(this.currentCall(se).parent ?? {}),
    'FunctionCall.inputArgs': (_: unknown, _a: unknown, se: Session) => Object.entries(this.currentCall(se).inputArgs).map(([name, value]) => ({ __type: 'FunctionCallArgValue', uid: ++this.nextUid, name, value: JSON.stringify(value) })),
    'FunctionCallArgValue.name': (s: { name: string }) => s.name,
    'FunctionCallArgValue.value': (s: { value: string }) => s.value,
    'FunctionCall.returnValue': (_: unknown, a: { value: string }, se: Session) => {
      se.returned = { value: JSON.parse(a.value) };
      if (se === this.defaultSession) this.returned = se.returned;
      return null;
    },
    'FunctionCall.returnError': (_: unknown, a: { error: string }, se: Session) => {
      const err = this.load<Generic>(a.error, 'Error');
      const values = Object.fromEntries(err.calls.filter((c) => c.field === 'withValue').map((c) => [c.args.name, JSON.parse(String(c.args.value))]));
      se.returned = { error: String(err.calls[0]!.args.message), errorValues: values };
      if (se === this.defaultSession) this.returned = se.returned;
      return null;
    },
    // Host
    'Host.directory': (_: unknown, a: { path: string; exclude?: string[]; include?: string[]; gitignore?: boolean }) => {
      if (a.exclude?.length || a.include?.length || a.gitignore) throw new UnknownToStandIn('host directory filters (include/exclude/gitignore)');
      return this.snapshotDir(a.path);
    },
    'Host.file': (_: unknown, a: { path: string }) => this.storeFile(a.path, basename(a.path)),
    'Host.unixSocket': (_: unknown, a: { path: string }) => this.obj<SocketObj>({ __type: 'Socket', hostPath: a.path }),
    // Secret
    'Secret.plaintext': (s: SecretObj) => s.plaintext,
    'Secret.name': (s: SecretObj) => s.name,
    // Directory
    'Directory.directory': (s: Dir, a: { path: string }) => {
      const p = join(s.path, a.path);
      if (!existsSync(p) || !statSync(p).isDirectory()) throw new Error(`lstat ${a.path}: no such file or directory`);
      return this.obj<Dir>({ __type: 'Directory', path: p });
    },
    'Directory.file': (s: Dir, a: { path: string }) => {
      const p = join(s.path, a.path);
      if (!existsSync(p) || !statSync(p).isFile()) throw new Error(`lstat ${a.path}: no such file or directory`);
      return this.obj<FileObj>({ __type: 'File', path: p, name: basename(a.path) });
    },
    'Directory.entries': (s: Dir, a: { path?: string }) => {
      const p = join(s.path, a.path ?? '.');
      if (!existsSync(p)) throw new Error(`lstat ${a.path}: no such file or directory`);
      return readdirSync(p).sort();
    },
    'Directory.exists': (s: Dir, a: { path: string; expectedType?: string }) => {
      if (a.expectedType) throw new UnknownToStandIn('Directory.exists(expectedType)');
      return existsSync(join(s.path, a.path));
    },
    'Directory.withNewFile': (s: Dir, a: { path: string; contents: string; permissions?: number }) => this.derive(s, (d) => writeAt(join(d, a.path), a.contents, a.permissions ?? 0o644)),
    'Directory.withFile': (s: Dir, a: { path: string; source: string; permissions?: number }) => {
      const f = this.load<FileObj>(a.source, 'File');
      return this.derive(s, (d) => copyAt(f.path, join(d, a.path), a.permissions));
    },
    'Directory.withDirectory': (s: Dir, a: { path: string; source?: string; directory?: string; include?: string[]; exclude?: string[] }) => {
      if (a.include?.length || a.exclude?.length) throw new UnknownToStandIn('Directory.withDirectory include/exclude');
      const src = this.load<Dir>(a.source ?? a.directory, 'Directory');
      return this.derive(s, (d) => cpSync(src.path, join(d, a.path), { recursive: true, verbatimSymlinks: true }));
    },
    'Directory.withoutDirectory': (s: Dir, a: { path: string }) => this.derive(s, (d) => rmSync(join(d, a.path), { recursive: true, force: true })),
    'Directory.withoutFile': (s: Dir, a: { path: string }) => this.derive(s, (d) => rmSync(join(d, a.path), { force: true })),
    'Directory.sync': (s: Dir) => this.idOf(s),
    'Directory.export': (s: Dir, a: { path: string; wipe?: boolean }) => {
      if (a.wipe) rmSync(a.path, { recursive: true, force: true });
      mkdirSync(a.path, { recursive: true });
      cpSync(s.path, a.path, { recursive: true, verbatimSymlinks: true });
      this.exported.push({ kind: 'Directory', path: a.path });
      return a.path;
    },
    'Directory.dockerBuild': (s: Dir, a: { dockerfile?: string; platform?: string; buildArgs?: { name: string; value: string }[]; target?: string; secrets?: string[]; noInit?: boolean; ssh?: string }) => {
      if (a.secrets?.length || a.ssh) throw new UnknownToStandIn('dockerBuild with secrets or ssh');
      const c = this.newContainer(a.platform ?? HOST_PLATFORM);
      return { ...c, build: { context: s, dockerfile: a.dockerfile ?? 'Dockerfile', buildArgs: a.buildArgs ?? [], target: a.target || undefined, platform: a.platform ?? HOST_PLATFORM } };
    },
    // File
    'File.contents': (s: FileObj, a: { offsetLines?: number; limitLines?: number }) => {
      if (a.offsetLines || a.limitLines) throw new UnknownToStandIn('File.contents with offsetLines/limitLines');
      return readFileSync(s.path, 'utf8');
    },
    'File.name': (s: FileObj) => s.name,
    'File.size': (s: FileObj) => statSync(s.path).size,
    'File.sync': (s: FileObj) => this.idOf(s),
    'File.export': (s: FileObj, a: { path: string }) => {
      copyAt(s.path, a.path);
      this.exported.push({ kind: 'File', path: a.path });
      return a.path;
    },
    // Container: configuration
    'Container.from': (s: Ctr, a: { address: string }) => {
      if (!toolImageFor(a.address)) throw new UnknownToStandIn(`the image ${a.address} (it knows alpine, alpine/git, alpine/helm and docker:*-cli, which stand for this machine's busybox, git, helm and docker)`);
      return this.with(s, { image: a.address, build: undefined, layers: [] });
    },
    'Container.platform': (s: Ctr) => s.platform,
    'Container.withWorkdir': (s: Ctr, a: { path: string; expand?: boolean }) => this.with(s, { workdir: resolvePath(s.workdir, noExpand(a).path) }),
    'Container.withEnvVariable': (s: Ctr, a: { name: string; value: string; expand?: boolean }) => this.with(s, { env: [...s.env.filter(([k]) => k !== a.name), [a.name, noExpand(a).value]] }),
    'Container.withSecretVariable': (s: Ctr, a: { name: string; secret: string }) => this.with(s, { secretEnv: [...s.secretEnv.filter(([k]) => k !== a.name), [a.name, this.load<SecretObj>(a.secret, 'Secret')]] }),
    'Container.withLabel': (s: Ctr, a: { name: string; value: string }) => this.with(s, { labels: [...s.labels.filter(([k]) => k !== a.name), [a.name, a.value]] }),
    'Container.withRegistryAuth': (s: Ctr, a: { address: string; username: string; secret: string }) => {
      // The engine keeps registry credentials in the session, not in the container: the same container comes back.
      this.auths.set(registryHost(a.address), { username: a.username, secret: this.load<SecretObj>(a.secret, 'Secret') });
      return s;
    },
    'Container.withMountedDirectory': (s: Ctr, a: { path: string; source: string; owner?: string; expand?: boolean; readOnly?: boolean }) => {
      if (a.readOnly) throw new UnknownToStandIn('withMountedDirectory(readOnly: true)');
      return this.mount(s, noExpand(a).path, { kind: 'dir', obj: this.load<Dir>(a.source, 'Directory') });
    },
    'Container.withMountedFile': (s: Ctr, a: { path: string; source: string; expand?: boolean }) => this.mount(s, noExpand(a).path, { kind: 'file', obj: this.load<FileObj>(a.source, 'File') }),
    'Container.withMountedSecret': (s: Ctr, a: { path: string; source: string; mode?: number; expand?: boolean }) => this.mount(s, noExpand(a).path, { kind: 'secret', obj: this.load<SecretObj>(a.source, 'Secret') }),
    'Container.withUnixSocket': (s: Ctr, a: { path: string; source: string; expand?: boolean }) => this.mount(s, noExpand(a).path, { kind: 'socket', obj: this.load<SocketObj>(a.source, 'Socket') }),
    // Container: filesystem layers
    'Container.withDirectory': (s: Ctr, a: { path: string; source?: string; directory?: string; include?: string[]; exclude?: string[]; expand?: boolean }) => {
      if (a.include?.length || a.exclude?.length) throw new UnknownToStandIn('Container.withDirectory include/exclude');
      return this.layer(s, { kind: 'dir', path: resolvePath(s.workdir, noExpand(a).path), dir: this.load<Dir>(a.source ?? a.directory, 'Directory') });
    },
    'Container.withFile': (s: Ctr, a: { path: string; source: string; permissions?: number; expand?: boolean }) =>
      this.layer(s, { kind: 'file', path: resolvePath(s.workdir, noExpand(a).path), file: this.load<FileObj>(a.source, 'File'), permissions: a.permissions ?? undefined }),
    'Container.withNewFile': (s: Ctr, a: { path: string; contents: string; permissions?: number; expand?: boolean }) =>
      this.layer(s, { kind: 'newfile', path: resolvePath(s.workdir, noExpand(a).path), contents: a.contents, permissions: a.permissions ?? undefined }),
    'Container.withExec': (s: Ctr, a: { args: string[]; useEntrypoint?: boolean; stdin?: string; redirectStdin?: string; redirectStdout?: string; redirectStderr?: string; expect?: string; experimentalPrivilegedNesting?: boolean; insecureRootCapabilities?: boolean; expand?: boolean; noInit?: boolean }) => {
      for (const opt of ['redirectStdin', 'redirectStdout', 'redirectStderr', 'experimentalPrivilegedNesting', 'insecureRootCapabilities', 'expand', 'useEntrypoint'] as const) {
        if (a[opt]) throw new UnknownToStandIn(`withExec(${opt})`);
      }
      if (s.build) throw new UnknownToStandIn('withExec on a container made by dockerBuild');
      if (!s.image) throw new UnknownToStandIn('withExec on a container with no image (container() without from)');
      const next = this.layer(s, { kind: 'exec', exec: { image: s.image, args: a.args, stdin: a.stdin || undefined, expect: a.expect ?? 'SUCCESS', env: s.env, secretEnv: s.secretEnv, workdir: s.workdir, mounts: s.mounts } });
      // Writable directory and file mounts now hold what this command left there (core/container_exec.go WithExec).
      next.mounts = next.mounts.map(([p, m]) => [p, m.kind === 'dir' || m.kind === 'file' ? { kind: 'written' } : m]);
      return next;
    },
    // Container: evaluation
    'Container.sync': async (s: Ctr) => {
      await this.evaluate(s);
      return this.idOf(s);
    },
    'Container.stdout': async (s: Ctr) => (await this.lastExec(s)).stdout,
    'Container.stderr': async (s: Ctr) => (await this.lastExec(s)).stderr,
    'Container.exitCode': async (s: Ctr) => (await this.lastExec(s)).exitCode,
    'Container.file': async (s: Ctr, a: { path: string; expand?: boolean }) => {
      const { rootfs } = await this.evaluate(s);
      const p = resolvePath(s.workdir, noExpand(a).path);
      const real = join(rootfs, p);
      if (!existsSync(real) || !statSync(real).isFile()) throw new Error(`lstat ${p}: no such file or directory`);
      return this.storeFile(real, posix.basename(p));
    },
    'Container.directory': async (s: Ctr, a: { path: string; expand?: boolean }) => {
      const { rootfs } = await this.evaluate(s);
      const p = resolvePath(s.workdir, noExpand(a).path);
      const real = join(rootfs, p);
      if (!existsSync(real) || !statSync(real).isDirectory()) throw new Error(`lstat ${p}: no such file or directory`);
      return this.snapshotDir(real);
    },
    'Container.exportImage': () => {
      // engine/engineutil/client.go WriteImage: a module's client offers neither a content store nor a tarball loader.
      throw new Error('client has no supported api for loading image');
    },
    'Container.publish': (s: Ctr, a: { address: string; platformVariants?: string[]; forcedCompression?: string; mediaTypes?: string }) => this.publish(s, a),
    'Container.asTarball': async (s: Ctr, a: { platformVariants?: string[]; forcedCompression?: string; mediaTypes?: string }) => {
      const image = await this.singleImage(s, a.platformVariants ?? []);
      const out = join(this.store(), 'container.tar');
      // The engine's tarball names no image (core/container_image.go AsTarball: no name is given to the
      // exporter), so `docker load` answers "Loaded image ID: sha256:…", as Dagger's own provision tests expect:
      // saved by ID, not by the stand-in's tag.
      const id = (await run('docker', ['image', 'inspect', '--format', '{{.Id}}', image])).stdout.trim();
      await run('docker', ['save', '-o', out, id]);
      return this.obj<FileObj>({ __type: 'File', path: out, name: 'container.tar' });
    },
    'Container.export': async (s: Ctr, a: { path: string; platformVariants?: string[] }) => {
      const image = await this.singleImage(s, a.platformVariants ?? []);
      mkdirSync(dirname(a.path), { recursive: true });
      await run('docker', ['save', '-o', a.path, image]);
      this.exported.push({ kind: 'Container', path: a.path });
      return a.path;
    },
  };

  private currentCall(se: Session): FunctionCallSpec {
    const call = se === this.defaultSession ? this.call : se.call;
    if (!call) throw new Error('stand-in: no function call was set up for this session');
    return call;
  }

  /**
   * A session of its own for one function call, so several calls can run at
   * once against one engine (objects and IDs are shared, as in one engine).
   */
  openSession(call: FunctionCallSpec): Session & { env: Record<string, string> } {
    const token = randomBytes(16).toString('hex');
    const session: Session = { call };
    this.sessions.set(token, session);
    return Object.assign(session, { env: { DAGGER_SESSION_PORT: String(this.port), DAGGER_SESSION_TOKEN: token } });
  }

  private derive(s: Dir, edit: (dir: string) => void): Dir {
    const to = this.store();
    cpSync(s.path, to, { recursive: true, verbatimSymlinks: true });
    edit(to);
    return this.obj<Dir>({ __type: 'Directory', path: to });
  }

  private newContainer(platform: string): Ctr {
    return this.obj<Ctr>({ __type: 'Container', platform, layers: [], env: [], secretEnv: [], workdir: '/', labels: [], mounts: [] });
  }
  private with(s: Ctr, change: Partial<Ctr>): Ctr {
    return this.obj<Ctr>({ ...s, ...change });
  }
  private mount(s: Ctr, path: string, m: Mount): Ctr {
    const p = resolvePath(s.workdir, path);
    return this.with(s, { mounts: [...s.mounts.filter(([k]) => k !== p), [p, m]] });
  }
  private layer(s: Ctr, l: Layer): Ctr {
    if (s.build) throw new UnknownToStandIn(`${l.kind} layers on a container made by dockerBuild`);
    return this.with(s, { layers: [...s.layers, l] });
  }

  /** A container with nothing in it (container() with no from and no layers): publish leaves it out, as the engine does. */
  private isEmpty(s: Ctr): boolean {
    return !s.image && !s.build && s.layers.length === 0;
  }

  // ---- evaluation: layers replayed on real directories, execs in bubblewrap -----------------------

  private key(layers: Layer[], image: string | undefined): string {
    return JSON.stringify([image, layers.map(layerKey)]);
  }

  /** The container's filesystem after every layer ran; a failed command fails whatever asked for it. */
  private async evaluate(s: Ctr, allowFailure = false): Promise<ExecResult> {
    if (s.build) return this.buildImage(s).then(() => ({ rootfs: '' }));
    const r = await this.evaluateLayers(s.image, s.layers);
    if (r.exec?.error && !allowFailure) throw r.exec.error;
    return r;
  }

  private evaluateLayers(image: string | undefined, layers: Layer[]): Promise<ExecResult> {
    const key = this.key(layers, image);
    let done = this.evaluations.get(key);
    if (!done) {
      done = (async () => {
        if (layers.length === 0) {
          const rootfs = this.store();
          for (const d of ['root', 'tmp']) mkdirSync(join(rootfs, d));
          return { rootfs };
        }
        const prev = await this.evaluateLayers(image, layers.slice(0, -1));
        if (prev.exec?.error) return prev;
        const rootfs = this.store();
        cpSync(prev.rootfs, rootfs, { recursive: true, verbatimSymlinks: true });
        const l = layers.at(-1)!;
        if (l.kind === 'dir') cpSync(l.dir.path, join(rootfs, l.path), { recursive: true, verbatimSymlinks: true });
        else if (l.kind === 'file') copyAt(l.file.path, join(rootfs, l.path), l.permissions);
        else if (l.kind === 'newfile') writeAt(join(rootfs, l.path), l.contents, l.permissions ?? 0o644);
        else return { rootfs, exec: await this.exec(rootfs, l.exec) };
        return { rootfs, exec: prev.exec };
      })();
      this.evaluations.set(key, done);
    }
    return done;
  }

  private async exec(rootfs: string, spec: ExecSpec): Promise<NonNullable<ExecResult['exec']>> {
    const sockets: Record<string, string> = {};
    for (const [path, m] of spec.mounts) {
      const at = join(rootfs, path);
      if (m.kind === 'written') continue;
      if (m.kind === 'dir') {
        rmSync(at, { recursive: true, force: true });
        mkdirSync(at, { recursive: true });
        cpSync((m.obj as Dir).path, at, { recursive: true, verbatimSymlinks: true });
      } else if (m.kind === 'file') copyAt((m.obj as FileObj).path, at);
      else if (m.kind === 'secret') writeAt(at, (m.obj as SecretObj).plaintext, 0o400);
      else sockets[path] = (m.obj as SocketObj).hostPath;
    }
    const env: Record<string, string> = { PATH: '/.standin/bin', HOME: '/root' };
    for (const [k, v] of spec.env) env[k] = v;
    for (const [k, v] of spec.secretEnv) env[k] = v.plaintext;
    const bin = toolBin(this.tmp, spec.image, toolImageFor(spec.image)!);
    const r = await runInSandbox({ rootfs, bin, args: spec.args, env, workdir: spec.workdir, stdin: spec.stdin, sockets });
    this.execs.push({ image: spec.image, args: spec.args, workdir: spec.workdir, env: Object.fromEntries(spec.env), ...r });
    const failed = r.exitCode !== 0 && spec.expect === 'SUCCESS';
    const wrong = r.exitCode === 0 && spec.expect === 'FAILURE';
    const error =
      failed || wrong
        ? new GraphQLError(`process "${spec.args.join(' ')}" did not complete successfully: exit code: ${r.exitCode}`, {
            extensions: { _type: 'EXEC_ERROR', cmd: spec.args, exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr },
          })
        : undefined;
    return { spec, ...r, error };
  }

  private async lastExec(s: Ctr) {
    const r = await this.evaluate(s, true);
    if (!r.exec) throw new Error('no command has been set');
    if (r.exec.error) throw r.exec.error;
    return r.exec;
  }

  // ---- images: dockerBuild on the host Docker engine, publish to the real registry ----------------

  private buildImage(s: Ctr): Promise<string> {
    let built = this.builtImages.get(s.uid);
    if (!built) {
      built = (async () => {
        const b = s.build!;
        if (b.platform !== HOST_PLATFORM) throw new UnknownToStandIn(`how to build for ${b.platform} (this machine builds ${HOST_PLATFORM} only)`);
        const tag = `${this.imagePrefix}:b${s.uid}-${randomBytes(3).toString('hex')}`;
        this.images.add(tag);
        const args = ['build', '-q', '-f', join(b.context.path, b.dockerfile), '-t', tag, ...b.buildArgs.flatMap((x) => ['--build-arg', `${x.name}=${x.value}`]), ...(b.target ? ['--target', b.target] : []), b.context.path];
        try {
          await run('docker', args, { env: { ...process.env, DOCKER_BUILDKIT: '0' }, maxBuffer: 64 * 1024 * 1024 });
        } catch (e) {
          throw new Error(`failed to solve: docker build: ${(e as { stderr?: string }).stderr?.trim() ?? (e as Error).message}`);
        }
        this.builds.push({ dockerfile: b.dockerfile, buildArgs: Object.fromEntries(b.buildArgs.map((x) => [x.name, x.value])), platform: b.platform, image: tag });
        return tag;
      })();
      this.builtImages.set(s.uid, built);
    }
    return built.then(async (tag) => {
      if (!s.labels.length) return tag;
      const labelled = `${this.imagePrefix}:l${s.uid}-${randomBytes(3).toString('hex')}`;
      this.images.add(labelled);
      await new Promise<void>((resolve, reject) => {
        const child = execFile('docker', ['build', '-q', '-t', labelled, ...s.labels.flatMap(([k, v]) => ['--label', `${k}=${v}`]), '-'], { env: { ...process.env, DOCKER_BUILDKIT: '0' } }, (err) => (err ? reject(err) : resolve()));
        child.stdin!.end(`FROM ${tag}\n`);
      });
      return labelled;
    });
  }

  /** The variants publish/export would combine, checked as core/container.go getVariantRefs checks them. */
  private variants(s: Ctr, platformVariants: string[]): Ctr[] {
    const all = [s, ...platformVariants.map((id) => this.load<Ctr>(id, 'Container'))].filter((c) => !this.isEmpty(c));
    const seen = new Set<string>();
    for (const v of all) {
      if (seen.has(v.platform)) throw new Error(`duplicate platform "${v.platform}"`);
      seen.add(v.platform);
    }
    return all;
  }

  private async singleImage(s: Ctr, platformVariants: string[]): Promise<string> {
    const all = this.variants(s, platformVariants);
    if (all.length === 0) throw new UnknownToStandIn('what the engine does with no non-empty container to export');
    if (all.length > 1) throw new UnknownToStandIn('how to make a multi-platform image index (this machine builds one platform)');
    const v = all[0]!;
    if (!v.build) throw new UnknownToStandIn('how to turn a container that was not made by dockerBuild into an image');
    return this.buildImage(v);
  }

  private async publish(s: Ctr, a: { address: string; platformVariants?: string[] }): Promise<string> {
    const image = await this.singleImage(s, a.platformVariants ?? []);
    const host = registryHost(a.address);
    const config = mkdtempSync(join(this.tmp, 'docker-config-'));
    const auth = this.auths.get(host);
    writeFileSync(join(config, 'config.json'), JSON.stringify({ auths: auth ? { [host]: { auth: Buffer.from(`${auth.username}:${auth.secret.plaintext}`).toString('base64') } } : {} }));
    this.images.add(a.address);
    await run('docker', ['tag', image, a.address]);
    let out: string;
    try {
      out = (await run('docker', ['--config', config, 'push', a.address], { maxBuffer: 16 * 1024 * 1024 })).stdout;
    } catch (e) {
      throw new Error(`failed to export: failed to push ${a.address}: ${((e as { stderr?: string }).stderr ?? (e as Error).message).trim()}`);
    } finally {
      spawnSync('docker', ['rmi', a.address], { stdio: 'ignore' });
      this.images.delete(a.address);
    }
    const digest = /digest: (sha256:[0-9a-f]{64})/.exec(out)?.[1];
    if (!digest) throw new Error(`stand-in: docker push printed no digest: ${out}`);
    const name = a.address.replace(/@.*$/, '').replace(/:[^:/]+$/, '');
    this.pushes.push({ registry: host, repo: name.slice(host.length + 1), digest });
    this.published.push({ ref: a.address, digest });
    return `${name}@${digest}`;
  }

  /** Removes what publish pushed (the registry allows deletes), with the credentials the session had. */
  private async deleteManifest(p: { registry: string; repo: string; digest: string }): Promise<void> {
    const auth = this.auths.get(p.registry);
    const ca = process.env.LANES_TEST_CA;
    const args = ['-s', '-o', '/dev/null', '-X', 'DELETE', ...(ca ? ['--cacert', ca] : []), ...(auth ? ['-u', `${auth.username}:${auth.secret.plaintext}`] : []), `https://${p.registry}/v2/${p.repo}/manifests/${p.digest}`];
    await run('curl', args);
  }
}

// ---- helpers -------------------------------------------------------------------------------------

function layerKey(l: Layer): unknown {
  switch (l.kind) {
    case 'dir':
      return ['dir', l.path, l.dir.uid];
    case 'file':
      return ['file', l.path, l.file.uid, l.permissions];
    case 'newfile':
      return ['newfile', l.path, l.contents, l.permissions];
    case 'exec':
      return ['exec', l.exec.image, l.exec.args, l.exec.stdin, l.exec.expect, l.exec.env, l.exec.secretEnv.map(([k, v]) => [k, v.uid]), l.exec.workdir, l.exec.mounts.map(([p, m]) => [p, m.kind, m.obj?.uid])];
  }
}

function noExpand<T extends { expand?: boolean }>(a: T): T {
  if (a.expand) throw new UnknownToStandIn('expand: true (variable expansion in paths)');
  return a;
}

function resolvePath(workdir: string, p: string): string {
  return posix.resolve(workdir, p);
}

function writeAt(path: string, contents: string, mode: number): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, contents);
  chmodSync(path, mode);
}

function copyAt(from: string, to: string, mode?: number): void {
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(from, to);
  if (mode !== undefined) chmodSync(to, mode);
}

function registryHost(address: string): string {
  const first = address.split('/')[0]!;
  return /[.:]/.test(first) || first === 'localhost' ? first : 'docker.io';
}

// ---- the module as registered --------------------------------------------------------------------

export interface RegisteredArg {
  name: string;
  type: string;
  optional: boolean;
  description?: string;
  defaultValue?: unknown;
  defaultPath?: string;
  ignore?: string[];
}
export interface RegisteredFunction {
  name: string;
  description?: string;
  returnType: string;
  args: RegisteredArg[];
}
export interface RegisteredObject {
  name: string;
  description?: string;
  functions: RegisteredFunction[];
}
export interface RegisteredModule {
  description?: string;
  objects: RegisteredObject[];
}

/** Reads the registration calls (module().withObject(typeDef().withObject(…).withFunction(…))) back as data. */
function describeModule(mod: Generic, load: (id: unknown) => Generic): RegisteredModule {
  const typeName = (t: Generic): string => {
    let name = '?';
    let optional = false;
    for (const c of t.calls) {
      if (c.field === 'withKind') name = String(c.args.kind).replace(/_KIND$/, '').toLowerCase();
      if (c.field === 'withObject' || c.field === 'withEnum' || c.field === 'withScalar' || c.field === 'withInterface') name = String(c.args.name);
      if (c.field === 'withListOf') name = `[${typeName(load(c.args.elementType))}]`;
      if (c.field === 'withOptional') optional = !!c.args.optional;
    }
    return optional ? `${name}?` : name;
  };
  const fn = (f: Generic): RegisteredFunction => {
    const first = f.calls[0]!;
    const out: RegisteredFunction = { name: String(first.args.name), returnType: typeName(load(first.args.returnType)), args: [] };
    for (const c of f.calls.slice(1)) {
      if (c.field === 'withDescription') out.description = String(c.args.description);
      if (c.field === 'withArg') {
        const t = typeName(load(c.args.typeDef));
        out.args.push({
          name: String(c.args.name),
          type: t.replace(/\?$/, ''),
          optional: t.endsWith('?'),
          ...(c.args.description ? { description: String(c.args.description) } : {}),
          ...(c.args.defaultValue !== undefined && c.args.defaultValue !== null ? { defaultValue: JSON.parse(String(c.args.defaultValue)) } : {}),
          ...(c.args.defaultPath ? { defaultPath: String(c.args.defaultPath) } : {}),
          ...((c.args.ignore as string[] | undefined)?.length ? { ignore: c.args.ignore as string[] } : {}),
        });
      }
    }
    return out;
  };
  const module: RegisteredModule = { objects: [] };
  for (const c of mod.calls) {
    if (c.field === 'withDescription') module.description = String(c.args.description);
    if (c.field === 'withObject') {
      const t = load(c.args.object);
      const obj: RegisteredObject = { name: '?', functions: [] };
      for (const tc of t.calls) {
        if (tc.field === 'withObject') {
          obj.name = String(tc.args.name);
          if (tc.args.description) obj.description = String(tc.args.description);
        }
        if (tc.field === 'withFunction') obj.functions.push(fn(load(tc.args.function)));
      }
      module.objects.push(obj);
    }
  }
  return module;
}

export async function startEngineStandIn(opts: StandInOptions): Promise<DaggerEngineStandIn> {
  return new DaggerEngineStandIn(opts).start();
}
