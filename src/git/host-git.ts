import { execFile, spawn, type ChildProcessByStdio } from 'node:child_process';
import { readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { ExecError } from '../errors.js';
import { makeSecretDir, removeSecretDir } from '../exec/host/temp-secrets.js';
import type { GitResult } from './run-git.js';

/**
 * The git binary on PATH; never throws for a non-zero exit.
 *
 * git processes asked for in the same tick, in the same directory, start
 * together from one shell. Node starts a child by forking itself, and once
 * the CLI's code is loaded that copies ~90 MB of page tables: ~3-4 ms of the
 * main thread per git process, ~30 ms for the eight a workspace starts with.
 * A shell is small; forking it costs next to nothing, and Node forks once.
 * Each git writes into a private temporary directory (its output may hold
 * NUL bytes, and there may be more commands than a POSIX shell has file
 * descriptors), removed however lanes ends (SIGINT and SIGTERM included);
 * the shell reports each exit code as it comes, so every caller gets its
 * answer as soon as its own process is done. A temporary directory inside
 * the directory git runs in would show up in `git status` as a change:
 * then, as on Windows, each git is started by Node.
 */
export function hostGit(cwd: string, args: readonly string[], input?: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<GitResult> {
  if (Object.keys(extraEnv).length > 0 || process.platform === 'win32') return direct(cwd, args, input, extraEnv);
  return new Promise((resolve, reject) => {
    if (pending.length === 0) queueMicrotask(flush);
    pending.push({ cwd, args, input, resolve, reject });
  });
}

interface Request {
  cwd: string;
  args: readonly string[];
  input?: string;
  resolve: (r: GitResult) => void;
  reject: (e: unknown) => void;
}

let pending: Request[] = [];

function flush(): void {
  const byDir = new Map<string, Request[]>();
  for (const r of pending) {
    const same = byDir.get(r.cwd);
    if (same) same.push(r);
    else byDir.set(r.cwd, [r]);
  }
  pending = [];
  for (const [cwd, requests] of byDir) {
    if (requests.length === 1) {
      const [r] = requests;
      direct(cwd, r!.args, r!.input).then(r!.resolve, r!.reject);
    } else fromShell(cwd, requests);
  }
}

const GIT_ENV = { GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' };
const GIT = ['git', '-c', 'core.quotePath=false'];
/** The shell by its path (a `sh` earlier on PATH, a node_modules/.bin shim, does not get to run lanes' git). */
const SHELL = '/bin/sh';

/** One git process, started by Node. */
function direct(cwd: string, args: readonly string[], input?: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<GitResult> {
  return new Promise((resolveResult, reject) => {
    const child = execFile(GIT[0]!, [...GIT.slice(1), ...args], { cwd, maxBuffer: 512 * 1024 * 1024, env: { ...process.env, ...extraEnv, ...GIT_ENV } }, (error, stdout, stderr) => {
      if (error && typeof (error as NodeJS.ErrnoException).code === 'string') {
        reject(cannotRun(args, error.message));
        return;
      }
      resolveResult({ stdout, stderr, code: error ? ((error as { code?: number }).code ?? 1) : 0 });
    });
    if (input !== undefined) {
      // git may exit before reading its input (a bad revision): not a crash.
      child.stdin!.on('error', () => {});
      child.stdin!.end(input);
    }
  });
}

const cannotRun = (args: readonly string[], why: string) => new ExecError(`git ${args.join(' ')}`, null, `cannot run git: ${why}; install git and make sure it is on PATH`);

/** A word the shell reads back exactly as given. */
const quote = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`;

/**
 * Several git processes started by one `sh`: request n writes $1/n.out and
 * $1/n.err, then the shell prints "n <exit code>". A request the shell never
 * reports (the shell killed) fails; a shell that cannot start at all leaves
 * every request to a git process of its own.
 */
function fromShell(cwd: string, requests: readonly Request[]): void {
  let dir: string | undefined;
  let shell: ChildProcessByStdio<null, Readable, Readable>;
  try {
    if (tempDirInside(cwd)) throw new Error('the temporary directory is inside the work tree');
    dir = makeSecretDir('lanes-git-');
    const at = resolve(dir);
    const script = requests.map((r, n) => {
      if (r.input !== undefined) writeFileSync(join(at, `${n}.in`), r.input);
      const stdin = r.input !== undefined ? `"$1/${n}.in"` : '/dev/null';
      // `command`: the git binary, never a shell function of that name (bash exports them to sh).
      return `{ command ${[...GIT, ...r.args].map(quote).join(' ')} <${stdin} >"$1/${n}.out" 2>"$1/${n}.err"; echo "${n} $?"; } &\n`;
    }).join('') + 'wait\n';
    shell = spawn(SHELL, ['-c', script, 'sh', at], { cwd, env: { ...process.env, ...GIT_ENV }, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch {
    // No temporary directory to use, or no shell: each git started by Node, as without the shell.
    if (dir !== undefined) removeSecretDir(dir);
    for (const r of requests) direct(cwd, r.args, r.input).then(r.resolve, r.reject);
    return;
  }
  const work = resolve(dir);
  const tracked = dir;
  const answered = new Set<number>();
  const answer = (n: number, code: number) => {
    const r = requests[n];
    if (!r || answered.has(n)) return;
    answered.add(n);
    const read = (ext: string) => readFileSync(join(work, `${n}.${ext}`), 'utf8');
    let result: GitResult;
    try {
      result = { stdout: read('out'), stderr: read('err'), code };
    } catch (e) {
      r.reject(new ExecError(`git ${r.args.join(' ')}`, null, `cannot read what git wrote: ${(e as Error).message}`));
      return;
    } finally {
      // Gone as soon as all are read: a caller done with its answers may end the process before the shell's 'close'.
      if (answered.size === requests.length) removeSecretDir(tracked);
    }
    // What the shell says when there is no git to start, as Node says it when it cannot.
    if (code === 127 && /\bgit\b.*(not found|No such file)/.test(result.stderr)) r.reject(cannotRun(r.args, result.stderr.trim()));
    else r.resolve(result);
  };
  let lines = '';
  shell.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    lines += chunk;
    let end: number;
    while ((end = lines.indexOf('\n')) !== -1) {
      const [n, code] = lines.slice(0, end).split(' ').map(Number);
      lines = lines.slice(end + 1);
      answer(n!, code!);
    }
  });
  let shellError = '';
  shell.stderr.setEncoding('utf8').on('data', (chunk: string) => (shellError += chunk));
  let finished = false;
  const finish = (startFailed: boolean) => {
    // A shell that cannot start reports 'error', then 'close': one finish.
    if (finished) return;
    finished = true;
    removeSecretDir(tracked);
    requests.forEach((r, n) => {
      if (answered.has(n)) return;
      if (startFailed) direct(cwd, r.args, r.input).then(r.resolve, r.reject);
      else r.reject(new ExecError(`git ${r.args.join(' ')}`, null, `git was stopped before it finished${shellError ? `: ${shellError.trim()}` : ''}`));
    });
  };
  shell.on('error', () => finish(true));
  shell.on('close', () => finish(false));
}

/** Whether the temporary directory lies in `cwd` (TMPDIR=.tmp in a checkout), where git would list what the shell writes. */
function tempDirInside(cwd: string): boolean {
  const temp = realpathSync(resolve(tmpdir()));
  const here = realpathSync(cwd);
  return temp === here || temp.startsWith(here.endsWith(sep) ? here : here + sep);
}
