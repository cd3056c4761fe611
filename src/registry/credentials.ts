import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { canonicalRegistry, DOCKER_HUB, DOCKER_HUB_ALIASES, DOCKER_HUB_AUTH_KEY } from './image-ref.js';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface Credentials {
  username: string;
  password: string;
  /** Where they came from, for messages ("--registry-password", "LANES_REGISTRY_PASSWORD", "~/.docker/config.json"); never the secret. */
  source: string;
}

export interface CredentialOptions {
  /** Explicit credentials (flags, or a Dagger Secret's plaintext), applied to every registry. */
  explicit?: { username?: string; password?: string; source: string };
  env?: NodeJS.ProcessEnv;
  /** Directory of Docker's config.json; default $DOCKER_CONFIG or ~/.docker. */
  dockerConfigDir?: string;
  /** false: only explicit and LANES_REGISTRY_* credentials (for logins lanes makes itself). */
  dockerConfig?: boolean;
}

/**
 * Credentials for one registry host, first match wins: explicit flags, then
 * LANES_REGISTRY_USERNAME / LANES_REGISTRY_PASSWORD, then Docker's config file
 * (what `docker login` wrote): an `auths` entry, else the credential helper it
 * names (`credHelpers` for this host, or `credsStore`). Undefined means anonymous.
 * Any name of a registry finds its login: Docker Hub's under any of its hosts
 * (docker.io, index.docker.io, registry-1.docker.io, registry.hub.docker.com).
 */
export function resolveCredentials(registryHost: string, opts: CredentialOptions = {}): Credentials | undefined {
  const registry = canonicalRegistry(registryHost);
  const env = opts.env ?? process.env;
  if (opts.explicit?.password !== undefined && opts.explicit.username) {
    return { username: opts.explicit.username, password: opts.explicit.password, source: opts.explicit.source };
  }
  if (env.LANES_REGISTRY_USERNAME && env.LANES_REGISTRY_PASSWORD !== undefined) {
    return { username: env.LANES_REGISTRY_USERNAME, password: env.LANES_REGISTRY_PASSWORD, source: 'LANES_REGISTRY_USERNAME/LANES_REGISTRY_PASSWORD' };
  }
  if (opts.dockerConfig === false) return undefined;
  const dir = opts.dockerConfigDir ?? env.DOCKER_CONFIG ?? join(homedir(), '.docker');
  const file = join(dir, 'config.json');
  if (!existsSync(file)) return undefined;
  let config: DockerConfig;
  try {
    config = JSON.parse(readFileSync(file, 'utf8')) as DockerConfig;
  } catch {
    return undefined;
  }
  const auths = config.auths ?? {};
  const keys = authKeys(registry, [...Object.keys(auths), ...Object.keys(config.credHelpers ?? {})]);
  for (const key of keys) {
    const entry = auths[key];
    if (!entry) continue;
    if (entry.username && entry.password !== undefined) return { username: entry.username, password: entry.password, source: file };
    if (entry.auth) {
      const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon > 0) return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1), source: file };
    }
  }
  const helper = keys.map((k) => config.credHelpers?.[k]).find(Boolean) ?? config.credsStore;
  return helper ? fromHelper(helper, registry === DOCKER_HUB ? DOCKER_HUB_AUTH_KEY : registry, env) : undefined;
}

/**
 * The keys of Docker's config file that name `registry` (canonical), best
 * first: Docker Hub's own key, then the host as written, then with a scheme
 * or a path (`https://host/v1/`), whatever its case or Docker Hub alias.
 */
function authKeys(registry: string, present: readonly string[]): string[] {
  const preferred = registry === DOCKER_HUB ? [DOCKER_HUB_AUTH_KEY, ...DOCKER_HUB_ALIASES] : [registry, `https://${registry}`, `http://${registry}`];
  const hostOf = (key: string) => canonicalRegistry(key.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').split('/')[0]!);
  const others = present.filter((k) => !preferred.includes(k) && hostOf(k) === registry);
  return [...new Set([...preferred, ...others])];
}

interface DockerConfig {
  auths?: Record<string, { auth?: string; username?: string; password?: string }>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

/**
 * Asks a Docker credential helper (`docker-credential-<name> get`, the server
 * on stdin) as docker itself would. A helper that is missing or knows nothing
 * of the server means anonymous, as it does for docker.
 */
function fromHelper(name: string, server: string, env: NodeJS.ProcessEnv): Credentials | undefined {
  try {
    const out = execFileSync(`docker-credential-${name}`, ['get'], { input: server, env, timeout: 10_000, stdio: ['pipe', 'pipe', 'ignore'] }).toString();
    const { Username, Secret } = JSON.parse(out) as { Username?: string; Secret?: string };
    return Username && Secret !== undefined ? { username: Username, password: Secret, source: `docker-credential-${name}` } : undefined;
  } catch {
    return undefined;
  }
}
