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

/**
 * Token services allowed the credentials of a registry on another host: a
 * fixed pair run by the same operator. Docker Hub's registry
 * (registry-1.docker.io) sends its Bearer challenge to auth.docker.io.
 * (GitLab.com's registry.gitlab.com → gitlab.com needs no entry: a parent
 * domain is allowed by rule, see mayReceiveCredentials.)
 */
export const TOKEN_SERVICE_PAIRS: Readonly<Record<string, readonly string[]>> = {
  [DOCKER_HUB]: ['auth.docker.io'],
};

/**
 * Whether a token realm named by `registry`'s Bearer challenge may be sent
 * the credentials lanes holds for `registry`. Credentials are bound to the
 * host they are for; a challenge is only what a server says, so a registry
 * (or anything answering as one) could name any realm to collect them. Allowed:
 * - the registry's own host name (any port: a token service beside the
 *   registry, as GHCR, Quay, Harbor, ACR, Artifact Registry run it);
 * - a parent domain of the registry's host with at least two labels
 *   (registry.gitlab.com → gitlab.com, registry.gitlab.example.com →
 *   gitlab.example.com): whoever holds the parent domain already decides
 *   where the registry's name points, so it is trusted with it already;
 * - a known pair (TOKEN_SERVICE_PAIRS: Docker Hub's auth.docker.io);
 * and only over https, unless the registry itself is reached over plain
 * HTTP (--plain-http). Any other realm is asked anonymously.
 */
export function mayReceiveCredentials(registryHost: string, realm: URL, plainHttp = false): boolean {
  if (realm.protocol !== 'https:' && !(plainHttp && realm.protocol === 'http:')) return false;
  const registry = canonicalRegistry(registryHost);
  const own = hostname(registryHost);
  const asked = realm.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (asked === own) return true;
  if (TOKEN_SERVICE_PAIRS[registry]?.includes(asked)) return true;
  const isIp = /^[\d.]+$/.test(own) || own.includes(':');
  return !isIp && asked.split('.').length >= 2 && own.endsWith(`.${asked}`);
}

/** The host name of `host[:port]` (an IPv6 literal without its brackets), lower case. */
function hostname(host: string): string {
  const lower = host.toLowerCase();
  const v6 = /^\[([^\]]+)\]/.exec(lower);
  if (v6) return v6[1]!;
  return lower.replace(/:\d+$/, '');
}
