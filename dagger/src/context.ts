import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Directory, File, Secret } from '@dagger.io/dagger';
import { Redactor, type CommandContext } from '../core/lanes-core.js';
import { containerGit, gitAuthHeader } from './git-runner.js';

/** What a function was given to reach the source, registries and git. */
export interface SourceArgs {
  source: Directory;
  path: string;
  registryUsername?: string;
  registryPassword?: Secret;
  /** PEM CA of a private registry, for the core's look-ups. */
  registryCa?: File;
  gitToken?: Secret;
  /** The CI flag: a function cannot see the caller's environment. */
  ci?: boolean;
  /** Release hosts: asked before a release (plan, check) and written to by its last steps. */
  githubToken?: Secret;
  githubApiUrl?: string;
  gitlabToken?: Secret;
  gitlabJobToken?: boolean;
}

/**
 * The core's command context inside the module: the source exported into the
 * runtime container (where Directory.export writes inside a function) so the
 * core can read files, git answered by a git container on the same Directory,
 * credentials from Secrets. `top` is the exported git root; `root` is where
 * lanes.yaml is; `gitAuth` the header git sends to push tags.
 */
export async function commandContext(args: SourceArgs): Promise<CommandContext & { top: string; gitAuth?: Secret }> {
  const top = join(await mkdtemp(join(tmpdir(), 'lanes-')), 'src');
  // .git stays in the engine: git runs there, on `source` itself.
  await args.source.withoutDirectory('.git').export(top);
  const redactor = new Redactor();
  const [password, githubToken, gitlabToken] = await Promise.all([args.registryPassword?.plaintext(), args.githubToken?.plaintext(), args.gitlabToken?.plaintext()]);
  for (const secret of [password, githubToken, gitlabToken]) redactor.add(secret);
  const gitHeader = args.gitToken ? await gitAuthHeader(args.gitToken) : undefined;
  const caFile = args.registryCa ? join(dirname(top), 'registry-ca.crt') : undefined;
  if (args.registryCa && caFile) await args.registryCa.export(caFile);
  return {
    top,
    gitAuth: gitHeader,
    root: join(top, args.path),
    git: containerGit(args.source, top, gitHeader),
    env: args.ci ? { CI: 'true' } : {},
    redactor,
    releaseHosts: { github: { token: githubToken, apiUrl: args.githubApiUrl ?? 'https://api.github.com' }, gitlab: { token: gitlabToken, jobToken: args.gitlabJobToken } },
    registry: {
      ...(caFile ? { caFile } : {}),
      ...(args.registryUsername && password !== undefined ? { credentials: { explicit: { username: args.registryUsername, password, source: '--registry-username/--registry-password' } } } : {}),
    },
  };
}
