import { relative } from 'node:path';
import { dag, ReturnType, type Directory, type Secret } from '@dagger.io/dagger';
import type { GitRunner } from '../core/lanes-core.js';
import { GIT_IMAGE } from './images.js';

/**
 * git for the core, run in a git container on the source Directory (the
 * module runtime has no git). `top` is where the core sees the source (its
 * exported copy): a command's working directory maps to the same place
 * under /src. Only the full source has .git, so it is always mounted whole.
 */
export function containerGit(source: Directory, top: string, gitToken?: Secret): GitRunner {
  return async (cwd, args, input, extraEnv = {}) => {
    const rel = relative(top, cwd);
    let ctr = dag.container().from(GIT_IMAGE).withMountedDirectory('/src', source).withWorkdir(rel ? `/src/${rel}` : '/src').withEnvVariable('LC_ALL', 'C');
    for (const [k, v] of Object.entries(extraEnv)) if (v !== undefined) ctr = ctr.withEnvVariable(k, v);
    if (gitToken) ctr = withGitAuth(ctr, gitToken);
    const run = ctr.withExec(['git', '-c', 'safe.directory=*', '-c', 'core.quotePath=false', ...args], { expect: ReturnType.Any, ...(input !== undefined ? { stdin: input } : {}) });
    const [stdout, stderr, code] = await Promise.all([run.stdout(), run.stderr(), run.exitCode()]);
    return { stdout, stderr, code };
  };
}

/**
 * git's HTTP auth as one extra header, from a Secret, through git's
 * GIT_CONFIG_* variables so it never appears in a command line. The empty
 * first value clears a header that actions/checkout left in .git/config
 * (persist-credentials): GitHub refuses two Authorization headers.
 */
export function withGitAuth<C extends { withEnvVariable(n: string, v: string): C; withSecretVariable(n: string, s: Secret): C }>(ctr: C, token: Secret): C {
  return ctr
    .withEnvVariable('GIT_CONFIG_COUNT', '2')
    .withEnvVariable('GIT_CONFIG_KEY_0', 'http.extraheader')
    .withEnvVariable('GIT_CONFIG_VALUE_0', '')
    .withEnvVariable('GIT_CONFIG_KEY_1', 'http.extraheader')
    .withSecretVariable('GIT_CONFIG_VALUE_1', token);
}

/** The header value git sends, as a Secret: `AUTHORIZATION: basic base64(x-access-token:TOKEN)`. */
export async function gitAuthHeader(token: Secret): Promise<Secret> {
  const plain = await token.plaintext();
  const header = `AUTHORIZATION: basic ${Buffer.from(`x-access-token:${plain}`).toString('base64')}`;
  return dag.setSecret('lanes-git-auth-header', header);
}
