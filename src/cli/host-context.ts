import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { IMAGE_LIST_ARGS, parseImageList } from '../exec/local-images.js';
import { resolve } from 'node:path';
import type { CommandContext } from '../commands/context.js';
import { UsageError } from '../errors.js';
import type { HostContext } from '../exec/host/context.js';
import { Redactor } from '../exec/redactor.js';
import { hostGit } from '../git/run-git.js';
import type { Plan } from '../plan/types.js';
import { resolveCredentials } from '../registry/credentials.js';
import { parseRef } from '../registry/image-ref.js';
import { readSecretRef } from './secret-ref.js';

/** The flags that say how to reach registries and GitHub, as the CLI parsed them. */
export interface ReachFlags {
  source: string;
  registryUsername?: string;
  registryPassword?: string;
  registryCa?: string;
  plainHttp?: boolean;
  githubToken?: string;
  githubApiUrl?: string;
  gitlabToken?: string;
  gitlabJobToken?: boolean;
  kubeconfig?: string;
  verbose?: boolean;
}

/** The command context on the host: the host's git, the process environment, credentials from flags or environment. */
export function commandContext(flags: ReachFlags, env: NodeJS.ProcessEnv, redactor = new Redactor()): CommandContext {
  const password = readSecretRef('--registry-password', flags.registryPassword, env);
  redactor.add(password);
  redactor.add(env.LANES_REGISTRY_PASSWORD);
  if (password !== undefined && !flags.registryUsername) throw new UsageError('--registry-password needs --registry-username');
  if (flags.registryUsername && password === undefined) throw new UsageError('--registry-username needs --registry-password env://NAME (or file://PATH)');
  if (flags.registryCa && !existsSync(flags.registryCa)) throw new UsageError(`--registry-ca ${flags.registryCa}: file not found`);
  const githubToken = readSecretRef('--github-token', flags.githubToken, env) ?? env.GITHUB_TOKEN ?? env.GH_TOKEN;
  const gitlabFlag = readSecretRef('--gitlab-token', flags.gitlabToken, env);
  const gitlabToken = gitlabFlag ?? env.GITLAB_TOKEN ?? env.CI_JOB_TOKEN;
  for (const token of [githubToken, gitlabToken]) redactor.add(token);
  // GitLab CI's checkout URL carries the job token: hidden even where it is not passed through as CI_JOB_TOKEN.
  redactor.addUrlCredentials(env.CI_REPOSITORY_URL);
  return {
    root: flags.source,
    git: hostGit,
    env,
    redactor,
    localImages: () => listLocalImages(env.LANES_DOCKER ?? 'docker'),
    releaseHosts: {
      github: { token: githubToken, apiUrl: flags.githubApiUrl ?? env.GITHUB_API_URL ?? 'https://api.github.com' },
      // CI_JOB_TOKEN is a job token; anything else is one unless said so.
      gitlab: { token: gitlabToken, jobToken: !!flags.gitlabJobToken || (gitlabFlag === undefined && env.GITLAB_TOKEN === undefined && env.CI_JOB_TOKEN !== undefined) },
    },
    registry: {
      caFile: flags.registryCa,
      plainHttp: flags.plainHttp,
      credentials: { explicit: flags.registryUsername ? { username: flags.registryUsername, password, source: '--registry-username/--registry-password' } : undefined, env },
    },
  };
}

/** What the host executor needs to carry out `plan`: tools, the push target's credentials, the GitHub token. */
export function hostContext(ctx: CommandContext, flags: ReachFlags, plan: Plan, onOutput?: (chunk: string) => void): HostContext {
  const pushTarget = plan.steps.find((s) => s.kind === 'push-image' || s.kind === 'push-chart');
  const registry = pushTarget && (pushTarget.kind === 'push-image' || pushTarget.kind === 'push-chart') ? parseRef(pushTarget.ref).registry : undefined;
  // Pushes log in (through a throw-away config) only with credentials given to lanes itself;
  // otherwise docker and helm use the user's own `docker login`, so the Docker config is not read here.
  const creds = registry ? resolveCredentials(registry, { ...ctx.registry.credentials, dockerConfig: false }) : undefined;
  const certsDirCa = registry && existsSync(`/etc/docker/certs.d/${registry}/ca.crt`) ? `/etc/docker/certs.d/${registry}/ca.crt` : undefined;
  return {
    root: resolve(flags.source),
    redactor: ctx.redactor,
    env: ctx.env,
    registryAuth: creds ? { username: creds.username, password: creds.password } : undefined,
    registryCa: flags.registryCa ?? certsDirCa,
    plainHttp: flags.plainHttp,
    helm: ctx.env.LANES_HELM ?? 'helm',
    docker: ctx.env.LANES_DOCKER ?? 'docker',
    releaseHosts: ctx.releaseHosts ?? {},
    kubeconfig: flags.kubeconfig,
    onOutput,
    built: new Map(),
  };
}

/** `repository:tag` of every image in the host's Docker; a Docker that cannot be asked lists none (the preflight then says what is missing). */
function listLocalImages(docker: string): Promise<Set<string>> {
  return new Promise((resolveList) => {
    execFile(docker, [...IMAGE_LIST_ARGS], { maxBuffer: 64 * 1024 * 1024 }, (error, stdout) => {
      resolveList(error ? new Set() : parseImageList(stdout));
    });
  });
}
