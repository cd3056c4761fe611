import { existsSync, readFileSync } from 'node:fs';
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
}

/**
 * Credentials for one registry host, first match wins: explicit flags, then
 * LANES_REGISTRY_USERNAME / LANES_REGISTRY_PASSWORD, then the `auths` entry of
 * Docker's config file (what `docker login` wrote). Undefined means anonymous.
 */
export function resolveCredentials(registry: string, opts: CredentialOptions = {}): Credentials | undefined {
  const env = opts.env ?? process.env;
  if (opts.explicit?.password !== undefined && opts.explicit.username) {
    return { username: opts.explicit.username, password: opts.explicit.password, source: opts.explicit.source };
  }
  if (env.LANES_REGISTRY_USERNAME && env.LANES_REGISTRY_PASSWORD !== undefined) {
    return { username: env.LANES_REGISTRY_USERNAME, password: env.LANES_REGISTRY_PASSWORD, source: 'LANES_REGISTRY_USERNAME/LANES_REGISTRY_PASSWORD' };
  }
  const dir = opts.dockerConfigDir ?? env.DOCKER_CONFIG ?? join(homedir(), '.docker');
  const file = join(dir, 'config.json');
  if (!existsSync(file)) return undefined;
  let auths: Record<string, { auth?: string; username?: string; password?: string }> = {};
  try {
    auths = (JSON.parse(readFileSync(file, 'utf8')) as { auths?: typeof auths }).auths ?? {};
  } catch {
    return undefined;
  }
  const keys = registry === 'registry-1.docker.io' ? ['https://index.docker.io/v1/', 'index.docker.io', 'docker.io', registry] : [registry, `https://${registry}`, `http://${registry}`];
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
  return undefined;
}
