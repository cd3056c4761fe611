import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeDir } from './repo.js';

/** A Docker config dir holding `config`, and a bin dir with a credential helper (`fake`) that echoes the server it was asked about. */
export function dockerHome(config: object) {
  const dir = makeDir({ 'docker/config.json': JSON.stringify(config), 'bin/.keep': '' });
  const helper = join(dir, 'bin/docker-credential-fake');
  writeFileSync(helper, '#!/bin/sh\n[ "$1" = get ] || exit 1\nread server\nprintf \'{"ServerURL":"%s","Username":"helper-user","Secret":"from-%s"}\' "$server" "$server"\n');
  chmodSync(helper, 0o755);
  return { dockerConfigDir: join(dir, 'docker'), env: { PATH: `${join(dir, 'bin')}:${process.env.PATH}` } };
}
