import { chmodSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { canonicalRegistry, DOCKER_HUB, DOCKER_HUB_ALIASES, DOCKER_HUB_AUTH_KEY } from '../../registry/image-ref.js';
import { makeSecretDir } from './temp-secrets.js';

const HELPER = 'lanes-env';
const VARIABLE = 'LANES_CREDENTIAL_HELPER_JSON';

/**
 * A throw-away Docker/Helm config that never holds the password: its
 * config.json names a credential helper for the one registry
 * (`credHelpers`), and the helper (`docker-credential-lanes-env`, a
 * three-line sh script beside it) prints the credentials docker or helm
 * pass it in their environment. The password reaches docker and helm only
 * as an environment variable of their process, never a file and never a
 * command line; `docker login` / `helm registry login` (which write it into
 * the config) are not run. Both docker and helm (3.8+, via oras) read
 * `credHelpers` from the config they are given.
 *
 * The directory is tracked by temp-secrets (removed however lanes ends);
 * remove it with removeSecretDir.
 */
export function credentialHelperConfig(prefix: string, registry: string, auth: { username: string; password: string }, env: NodeJS.ProcessEnv): { dir: string; configFile: string; env: NodeJS.ProcessEnv } {
  const dir = makeSecretDir(prefix);
  const host = canonicalRegistry(registry);
  // Docker asks for Docker Hub under its v1 key; helm under the host it pushes to.
  const keys = host === DOCKER_HUB ? [DOCKER_HUB_AUTH_KEY, ...DOCKER_HUB_ALIASES] : [registry, host];
  const configFile = join(dir, 'config.json');
  writeFileSync(configFile, `${JSON.stringify({ credHelpers: Object.fromEntries(keys.map((k) => [k, HELPER])) }, null, 2)}\n`, { mode: 0o600 });
  const script = join(dir, `docker-credential-${HELPER}`);
  writeFileSync(
    script,
    [
      '#!/bin/sh',
      '# Written by lanes: answers `get` with the credentials lanes put in this process\'s environment; holds none itself.',
      'case "$1" in',
      `  get) cat >/dev/null; printf '%s\\n' "$${VARIABLE}" ;;`,
      "  list) printf '{}\\n' ;;",
      '  *) cat >/dev/null ;;',
      'esac',
      '',
    ].join('\n'),
    { mode: 0o700 },
  );
  chmodSync(script, 0o700);
  return {
    dir,
    configFile,
    env: {
      PATH: [dir, env.PATH ?? ''].filter(Boolean).join(delimiter),
      [VARIABLE]: JSON.stringify({ ServerURL: registry, Username: auth.username, Secret: auth.password }),
    },
  };
}
