import { execFile } from 'node:child_process';
import { resolve, sep } from 'node:path';
import { ExecError } from '../errors.js';

export interface GitResult {
  stdout: string;
  stderr: string;
  code: number;
}

export type GitRunner = (cwd: string, args: readonly string[], input?: string, extraEnv?: NodeJS.ProcessEnv) => Promise<GitResult>;

const runners = new Map<string, GitRunner>();

/**
 * Answers git for the working copy at `root` with `runner` instead of the
 * git binary. The Dagger module's runtime has no git, so it runs git in a
 * container on the source Directory; everything that reads git facts goes
 * through runGit and works unchanged. Other directories keep using git.
 */
export function useGitRunner(root: string, runner: GitRunner): void {
  runners.set(resolve(root), runner);
}

/** Runs git in `cwd`; never throws for a non-zero exit (callers decide what it means). */
export function runGit(cwd: string, args: readonly string[], input?: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<GitResult> {
  const dir = resolve(cwd);
  const root = [...runners.keys()].find((r) => dir === r || dir.startsWith(`${r}${sep}`));
  return (root ? runners.get(root)! : execGit)(cwd, args, input, extraEnv);
}

function execGit(cwd: string, args: readonly string[], input?: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<GitResult> {
  return new Promise((resolveResult, reject) => {
    const child = execFile(
      'git',
      ['-c', 'core.quotePath=false', ...args],
      { cwd, maxBuffer: 512 * 1024 * 1024, env: { ...process.env, ...extraEnv, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' } },
      (error, stdout, stderr) => {
        if (error && typeof (error as NodeJS.ErrnoException).code === 'string') {
          reject(new ExecError(`git ${args.join(' ')}`, null, `cannot run git: ${error.message}; install git and make sure it is on PATH`));
          return;
        }
        resolveResult({ stdout, stderr, code: error ? ((error as { code?: number }).code ?? 1) : 0 });
      },
    );
    if (input !== undefined) child.stdin!.end(input);
  });
}

/** Runs git and fails with an ExecError carrying stderr when it exits non-zero. */
export async function git(cwd: string, args: readonly string[], input?: string): Promise<string> {
  const r = await runGit(cwd, args, input);
  if (r.code !== 0) throw new ExecError(`git ${args.join(' ')}`, r.code, r.stderr);
  return r.stdout;
}
