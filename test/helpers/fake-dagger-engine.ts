import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { Kind, parse, type ArgumentNode, type FieldNode, type ValueNode } from 'graphql';

/** One call in a query chain: `withExec(args: [...])`. */
export interface Call {
  name: string;
  args: Record<string, unknown>;
}

export interface RecordedQuery {
  /** The query text exactly as the SDK sent it. */
  raw: string;
  /** The chain with every `loadXFromID` replaced by the chain that made that ID, from the root. */
  chain: Call[];
  leaf: Call;
}

/**
 * A stand-in for the Dagger engine's GraphQL session on loopback. The SDK
 * connects to it through DAGGER_SESSION_PORT/TOKEN and sends each awaited
 * chain as one query; this records every query and answers it the way the
 * engine would, as far as lanes needs: host directories are real (export
 * copies them), git in the git image really runs on the mounted directory,
 * secrets give back their plaintext, publish answers a digest.
 */
export async function startFakeDaggerEngine(opts: { token: string; gitImage: string }) {
  const queries: RecordedQuery[] = [];
  const ids = new Map<string, Call[]>();
  const execCache = new Map<string, { stdout: string; stderr: string; exitCode: number }>();
  let nextId = 0;

  const value = (v: ValueNode): unknown => {
    switch (v.kind) {
      case Kind.LIST:
        return v.values.map(value);
      case Kind.OBJECT:
        return Object.fromEntries(v.fields.map((f) => [f.name.value, value(f.value)]));
      case Kind.INT:
      case Kind.FLOAT:
        return Number(v.value);
      case Kind.BOOLEAN:
        return v.value;
      case Kind.NULL:
        return null;
      default:
        return (v as { value: string }).value;
    }
  };
  const args = (list: readonly ArgumentNode[] = []) => Object.fromEntries(list.map((a) => [a.name.value, value(a.value)]));

  /** Replaces a leading loadXFromID(id) by the chain that produced the ID, recursively. */
  const resolve = (chain: Call[]): Call[] => {
    const [head, ...rest] = chain;
    if (head && (/^load.*FromID$/.test(head.name) || head.name === 'node')) {
      const made = ids.get(String(head.args.id));
      if (!made) throw new Error(`unknown id ${String(head.args.id)}`);
      return [...made, ...rest];
    }
    return chain;
  };
  const chainOfId = (id: unknown) => (typeof id === 'string' && ids.has(id) ? ids.get(id)! : undefined);

  /** The host path a Directory or File chain stands for: host.directory(p) then .directory()/.file() steps. */
  const hostPath = (chain: Call[]): string | undefined => {
    if (chain[0]?.name !== 'host' || !['directory', 'file'].includes(chain[1]?.name ?? '')) return undefined;
    let path = String(chain[1]!.args.path);
    for (const c of chain.slice(2)) {
      if (c.name === 'directory' || c.name === 'file') path = join(path, String(c.args.path));
      else return undefined;
    }
    return path;
  };

  const runExec = (chain: Call[]) => {
    const key = JSON.stringify(chain);
    const cached = execCache.get(key);
    if (cached) return cached;
    const from = chain.find((c) => c.name === 'from')?.args.address;
    const exec = [...chain].reverse().find((c) => c.name === 'withExec');
    let result = { stdout: '', stderr: '', exitCode: 0 };
    const argv = (exec?.args.args as string[] | undefined) ?? [];
    if (from === opts.gitImage && argv[0] === 'git') {
      const mount = chain.find((c) => c.name === 'withMountedDirectory' && c.args.path === '/src');
      const mounted = mount && hostPath(chainOfId(mount.args.source) ?? []);
      const workdir = String([...chain].reverse().find((c) => c.name === 'withWorkdir')?.args.path ?? '/src');
      const dir = mounted && join(mounted, workdir.replace(/^\/src\/?/, ''));
      const env = Object.fromEntries(chain.filter((c) => c.name === 'withEnvVariable').map((c) => [String(c.args.name), String(c.args.value)]));
      const r = spawnSync('git', argv.slice(1), { cwd: dir, input: (exec!.args.stdin as string | undefined) ?? '', env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
      result = { stdout: r.stdout, stderr: r.stderr, exitCode: r.status ?? 1 };
    } else if (argv.join(' ').includes('helm push')) {
      result.stdout = `Pushed: x\nDigest: sha256:${createHash('sha256').update(key).digest('hex')}\n`;
    }
    execCache.set(key, result);
    return result;
  };

  const answerLeaf = (chain: Call[], leaf: Call): unknown => {
    switch (leaf.name) {
      case 'id':
      case 'sync': {
        const id = `id-${++nextId}`;
        ids.set(id, chain);
        return id;
      }
      case 'export': {
        const to = String(leaf.args.path);
        const from = hostPath(chain);
        if (from && existsSync(from)) cpSync(from, to, { recursive: true });
        else {
          mkdirSync(dirname(to), { recursive: true });
          writeFileSync(to, `artifact made by ${chain.map((c) => c.name).join('.')}`);
        }
        return to;
      }
      case 'contents': {
        const path = hostPath(chain);
        return path ? readFileSync(path, 'utf8') : '';
      }
      case 'entries': {
        const path = hostPath(chain);
        return path ? readdirSync(path) : [];
      }
      case 'plaintext':
        return chain[0]?.name === 'setSecret' ? chain[0].args.plaintext : '';
      case 'stdout':
      case 'stderr':
      case 'exitCode':
        return runExec(chain)[leaf.name];
      case 'publish':
        return `${String(leaf.args.address)}@sha256:${createHash('sha256').update(JSON.stringify(chain)).digest('hex')}`;
      default:
        return null;
    }
  };

  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      try {
        if (req.headers.authorization !== `Basic ${Buffer.from(`${opts.token}:`).toString('base64')}`) {
          res.writeHead(401).end();
          return;
        }
        const raw = (JSON.parse(body) as { query: string }).query;
        const doc = parse(raw);
        const op = doc.definitions[0]!;
        if (op.kind !== Kind.OPERATION_DEFINITION) throw new Error('expected an operation');
        const calls: Call[] = [];
        let sel = op.selectionSet.selections[0];
        while (sel) {
          // `node(id) { ... on Container { … } }`: the fragment only names the type.
          if (sel.kind === Kind.INLINE_FRAGMENT) {
            sel = sel.selectionSet.selections[0];
            continue;
          }
          const field = sel as FieldNode;
          calls.push({ name: field.name.value, args: args(field.arguments) });
          sel = field.selectionSet?.selections[0];
        }
        const leaf = calls.at(-1)!;
        const chain = resolve(calls.slice(0, -1));
        queries.push({ raw, chain, leaf });
        const answer = answerLeaf(chain, leaf);
        // A `node` query answers through its fragment: the shape is the same, keyed by field name.
        const data = calls.reduceRight<unknown>((inner, c) => ({ [c.name]: inner }), answer);
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ data: (data as Record<string, unknown>) }));
      } catch (e) {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ errors: [{ message: (e as Error).message }] }));
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    queries,
    /** Every query's chain as readable text, e.g. `container.from(address:"x").withExec(args:["a"]).stdout`. */
    describe: (q: RecordedQuery) => [...q.chain, q.leaf].map((c) => `${c.name}${Object.keys(c.args).length ? `(${Object.entries(c.args).map(([k, v]) => `${k}:${JSON.stringify(v)}`).join(',')})` : ''}`).join('.'),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

