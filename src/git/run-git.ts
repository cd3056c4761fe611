import { AsyncLocalStorage } from 'node:async_hooks';
import { ExecError } from '../errors.js';
import { hostGit } from './host-git.js';

export { hostGit };

export interface GitResult {
  stdout: string;
  stderr: string;
  code: number;
}

export type GitRunner = (cwd: string, args: readonly string[], input?: string, extraEnv?: NodeJS.ProcessEnv) => Promise<GitResult>;

const scope = new AsyncLocalStorage<GitRunner>();

/**
 * Runs `fn` with git answered by `runner` — for everything `fn` starts, and
 * nothing else. The Dagger module's runtime has no git binary, so a command
 * run there passes a runner that runs git in a container on the source
 * Directory; commands take the runner in their context and scope it here.
 */
export function withGitRunner<T>(runner: GitRunner, fn: () => Promise<T>): Promise<T> {
  return scope.run(runner, fn);
}

/** Runs git in `cwd` (with the runner in scope, else the git binary); never throws for a non-zero exit. */
export function runGit(cwd: string, args: readonly string[], input?: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<GitResult> {
  return (scope.getStore() ?? hostGit)(cwd, args, input, extraEnv);
}

/** Runs git and fails with an ExecError carrying stderr when it exits non-zero. */
export async function git(cwd: string, args: readonly string[], input?: string): Promise<string> {
  const r = await runGit(cwd, args, input);
  if (r.code !== 0) throw new ExecError(`git ${args.join(' ')}`, r.code, r.stderr);
  return r.stdout;
}
