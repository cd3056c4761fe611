import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hostGit } from '../../src/git/host-git.js';
import { ExecError } from '../../src/errors.js';
import { makeRepo } from '../helpers/repo.js';

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

/** A directory for PATH holding a `sh` that notes each start in `log`, then runs the real one. */
function countingShell(): { dir: string; starts: () => number } {
  const dir = join(scratch, 'bin');
  mkdirSync(dir, { recursive: true });
  const log = join(scratch, 'shell-starts');
  writeFileSync(log, '');
  writeFileSync(join(dir, 'sh'), `#!/bin/sh\necho start >> '${log}'\nexec /bin/sh "$@"\n`);
  chmodSync(join(dir, 'sh'), 0o755);
  return { dir, starts: () => readFileSync(log, 'utf8').split('\n').filter(Boolean).length };
}

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
    const shell = countingShell();
    process.env.PATH = `${shell.dir}:${saved.PATH}`;
    await Promise.all(REQUESTS.map((r) => hostGit(repo, r.args)));
    expect(shell.starts()).toBe(1);
  });

  it('in two directories: one shell for each', async () => {
    const other = makeRepo({ 'c.txt': 'c\n' });
    try {
      const shell = countingShell();
      process.env.PATH = `${shell.dir}:${saved.PATH}`;
      const answers = await Promise.all([hostGit(repo, ['ls-files']), hostGit(other, ['ls-files']), hostGit(repo, ['rev-parse', 'HEAD']), hostGit(other, ['rev-parse', 'HEAD'])]);
      expect(answers.map((a) => a.stdout.split('\n')[0])).toEqual([alone(repo, ['ls-files']).stdout.split('\n')[0], 'c.txt', alone(repo, ['rev-parse', 'HEAD']).stdout.trim(), alone(other, ['rev-parse', 'HEAD']).stdout.trim()]);
      expect(shell.starts()).toBe(2);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('one on its own, or one with its own environment, starts without a shell', async () => {
    const shell = countingShell();
    process.env.PATH = `${shell.dir}:${saved.PATH}`;
    await hostGit(repo, ['rev-parse', 'HEAD']);
    await Promise.all([hostGit(repo, ['rev-parse', 'HEAD'], undefined, { GIT_AUTHOR_NAME: 'x' }), hostGit(repo, ['ls-files'], undefined, { GIT_AUTHOR_NAME: 'x' })]);
    expect(shell.starts()).toBe(0);
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

  it('are each started by Node when there is no shell to start them', async () => {
    const dir = join(scratch, 'no-shell');
    mkdirSync(dir);
    symlinkSync(execFileSync('/bin/sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim(), join(dir, 'git'));
    process.env.PATH = dir;
    const answers = await Promise.all(REQUESTS.map((r) => hostGit(repo, r.args)));
    process.env.PATH = saved.PATH;
    expect(answers).toEqual(REQUESTS.map((r) => alone(repo, r.args)));
  });

  it('leave nothing in the temporary directory', async () => {
    await Promise.all(REQUESTS.map((r) => hostGit(repo, r.args)));
    expect(readdirSync(process.env.TMPDIR!)).toEqual([]);
  });
});
