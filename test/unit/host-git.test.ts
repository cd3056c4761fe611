import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { closeSync, constants, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hostGit } from '../../src/git/host-git.js';
import { ExecError } from '../../src/errors.js';
import { makeRepo, PROJECT_ROOT } from '../helpers/repo.js';

/**
 * The git binary on the host: requests made together start from one shell,
 * and each must get exactly what a git process of its own would have given
 * (stdout with its NUL bytes, stderr, exit code, the error for a missing git).
 */
let scratch: string;
let repo: string;
const saved = { PATH: process.env.PATH, TMPDIR: process.env.TMPDIR };
beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'lanes-host-git-'));
  repo = makeRepo({ 'a.txt': 'a\n', 'dir/b.txt': 'b\n', "it's here.txt": 'q\n' });
  writeFileSync(join(repo, 'new.txt'), 'untracked\n');
  // Where the shell's output files go: checked empty after each test.
  process.env.TMPDIR = join(scratch, 'tmp');
  mkdirSync(process.env.TMPDIR);
});
afterEach(() => {
  process.env.PATH = saved.PATH;
  process.env.TMPDIR = saved.TMPDIR;
  rmSync(scratch, { recursive: true, force: true });
  rmSync(repo, { recursive: true, force: true });
});

/** What git gives run alone, as Node's execFile would report it. */
function alone(cwd: string, args: string[], input?: string) {
  const r = spawnSync('git', ['-c', 'core.quotePath=false', ...args], { cwd, input, encoding: 'utf8', env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' } });
  return { stdout: r.stdout, stderr: r.stderr, code: r.status };
}

/**
 * A git that answers with the pids of the process that started it and of
 * that one's parent: [this process, …] when Node started it; [a subshell,
 * the batch's shell] when a batch's shell did.
 */
const STARTED_BY = ['-c', "alias.startedby=!p=$(sed -n 's/^PPid:\\t//p' /proc/$PPID/status); echo $p $(sed -n 's/^PPid:\\t//p' /proc/$p/status)", 'startedby'];
const startedBy = async (answer: Promise<{ stdout: string }>) => (await answer).stdout.trim().split(' ').map(Number) as [number, number];

const REQUESTS: { args: string[]; input?: string }[] = [
  { args: ['ls-files', '-z', '--cached'] },
  { args: ['status', '--porcelain', '-z', '--untracked-files=all'] },
  { args: ['rev-parse', '--verify', 'no-such-branch'] },
  { args: ['log', '-1', '--format=%H%x00%s', 'HEAD'] },
  { args: ['for-each-ref', '--format=%(refname)', 'refs/heads'] },
];

describe('git processes asked for together', () => {
  it('each get what git run alone gives: output with its NUL bytes, errors and exit codes', async () => {
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repo, encoding: 'utf8' }).trim();
    const withInput = { args: ['diff-tree', '--stdin', '-r', '--name-only', '-z'], input: `${head}\n` };
    const requests = [...REQUESTS, withInput];
    const answers = await Promise.all(requests.map((r) => hostGit(repo, r.args, r.input)));
    expect(answers).toEqual(requests.map((r) => alone(repo, r.args, r.input)));
    expect(answers[2]!.code).toBe(128);
    expect(answers[0]!.stdout).toContain('\0');
  });

  it('start from one shell', async () => {
    const chains = await Promise.all([1, 2, 3, 4].map(() => startedBy(hostGit(repo, STARTED_BY))));
    expect(chains.map(([parent]) => parent)).not.toContain(process.pid);
    expect(new Set(chains.map(([, shell]) => shell)).size).toBe(1);
  });

  it('in two directories: one shell for each', async () => {
    const other = makeRepo({ 'c.txt': 'c\n' });
    try {
      const shells = (await Promise.all([repo, other, repo, other].map((dir) => startedBy(hostGit(dir, STARTED_BY))))).map(([, shell]) => shell);
      expect(shells[0]).toBe(shells[2]);
      expect(shells[1]).toBe(shells[3]);
      expect(shells[0]).not.toBe(shells[1]);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('one on its own, or one with its own environment, is started by Node', async () => {
    expect((await startedBy(hostGit(repo, STARTED_BY)))[0]).toBe(process.pid);
    const withEnv = await Promise.all([1, 2].map(() => startedBy(hostGit(repo, STARTED_BY, undefined, { GIT_AUTHOR_NAME: 'x' }))));
    expect(withEnv.map(([parent]) => parent)).toEqual([process.pid, process.pid]);
  });

  it('are each started by Node when the temporary directory is inside the work tree, which git would list as changes', async () => {
    const inside = join(repo, '.tmp');
    mkdirSync(inside);
    process.env.TMPDIR = inside;
    const chains = await Promise.all([1, 2].map(() => startedBy(hostGit(repo, STARTED_BY))));
    expect(chains.map(([parent]) => parent)).toEqual([process.pid, process.pid]);
    const status = ['status', '--porcelain', '-z', '--untracked-files=all'];
    const answers = await Promise.all([hostGit(repo, status), hostGit(repo, ['ls-files', '-z', '--others'])]);
    expect(answers).toEqual([alone(repo, status), alone(repo, ['ls-files', '-z', '--others'])]);
  });

  it('work with a relative TMPDIR, whatever directory git runs in', async () => {
    process.env.TMPDIR = relative(process.cwd(), join(scratch, 'tmp'));
    const answers = await Promise.all(REQUESTS.map((r) => hostGit(repo, r.args)));
    expect(answers).toEqual(REQUESTS.map((r) => alone(repo, r.args)));
    expect(readdirSync(join(scratch, 'tmp'))).toEqual([]);
  });

  it('answer each as soon as its own process is done, not when the slowest is', async () => {
    // A git that waits on a FIFO until this test writes to it: no sleeping, no timing.
    const fifo = join(scratch, 'hold');
    execFileSync('mkfifo', [fifo]);
    const held = hostGit(repo, ['-c', `alias.hold=!cat '${fifo}'`, 'hold']);
    const quick = await hostGit(repo, ['rev-parse', 'HEAD']);
    expect(quick).toEqual(alone(repo, ['rev-parse', 'HEAD']));
    writeFileSync(fifo, 'released\n');
    expect((await held).stdout).toBe('released\n');
  });

  it('fail as "cannot run git", each, when there is no git on PATH', async () => {
    const dir = join(scratch, 'no-git');
    mkdirSync(dir);
    symlinkSync('/bin/sh', join(dir, 'sh'));
    process.env.PATH = dir;
    const answers = await Promise.allSettled(REQUESTS.map((r) => hostGit(repo, r.args)));
    for (const a of answers) {
      expect(a.status).toBe('rejected');
      const e = (a as PromiseRejectedResult).reason;
      expect(e).toBeInstanceOf(ExecError);
      expect(e.message).toMatch(/cannot run git: .*; install git and make sure it is on PATH/);
    }
  });

  it('leave nothing in the temporary directory', async () => {
    await Promise.all(REQUESTS.map((r) => hostGit(repo, r.args)));
    expect(readdirSync(process.env.TMPDIR!)).toEqual([]);
  });

  it('leave nothing in the temporary directory when SIGINT ends lanes while they run', async () => {
    const fifo = join(scratch, 'hold');
    execFileSync('mkfifo', [fifo]);
    const script = join(scratch, 'batch.mts');
    writeFileSync(
      script,
      `import { hostGit } from ${JSON.stringify(join(PROJECT_ROOT, 'src/git/host-git.ts'))};\n` +
        `const held = hostGit(process.cwd(), ['-c', ${JSON.stringify(`alias.hold=!cat '${fifo}'`)}, 'hold']);\n` +
        `await hostGit(process.cwd(), ['rev-parse', 'HEAD']);\n` +
        `process.stdout.write('running\\n');\nawait held;\n`,
    );
    const child = spawn(process.execPath, ['--import', pathToFileURL(join(PROJECT_ROOT, 'node_modules/tsx/dist/loader.mjs')).href, script], { cwd: repo, env: { ...process.env }, stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise<number | null>((ok) => child.once('exit', (code) => ok(code)));
    await Promise.race([new Promise<void>((ok) => child.stdout!.once('data', () => ok())), exited]);
    expect(readdirSync(process.env.TMPDIR!).filter((f) => f.startsWith('lanes-git-'))).toHaveLength(1);
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(readdirSync(process.env.TMPDIR!).filter((f) => f.startsWith('lanes-git-'))).toEqual([]);
    // Let the held git finish (its reader may be gone: then there is nothing to release).
    try {
      const fd = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
      writeSync(fd, 'x');
      closeSync(fd);
    } catch {
      // no reader left
    }
  });
});
