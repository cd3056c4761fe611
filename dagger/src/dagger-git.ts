import { dag, ReturnType, type Directory } from '@dagger.io/dagger';
import type { GitRunner } from 'lanes/src/git/run-git.js';
import { GIT_IMAGE } from './images.js';

/**
 * Runs git in a container on the source Directory (the module runtime has no
 * git). Read-only: each command sees the source as it was passed in, from
 * `path` (the monorepo root inside the git work tree).
 */
export function daggerGitRunner(source: Directory, path = '.'): GitRunner {
  return async (_cwd, args, input, extraEnv = {}) => {
    let ctr = dag.container().from(GIT_IMAGE).withMountedDirectory('/src', source).withWorkdir(path === '.' ? '/src' : `/src/${path}`).withEnvVariable('LC_ALL', 'C');
    for (const [k, v] of Object.entries(extraEnv)) if (v !== undefined) ctr = ctr.withEnvVariable(k, v);
    const run = ctr.withExec(['git', '-c', 'safe.directory=*', '-c', 'core.quotePath=false', ...args], { expect: ReturnType.Any, ...(input !== undefined ? { stdin: input } : {}) });
    const [stdout, stderr, code] = await Promise.all([run.stdout(), run.stderr(), run.exitCode()]);
    return { stdout, stderr, code };
  };
}
