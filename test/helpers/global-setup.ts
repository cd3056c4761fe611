import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Loads .lanes/testbed.env (written by scripts/testbed.sh) into the
 * environment, so end-to-end tests find the registry, its CA, helm and the
 * local base image. Unit tests do not need it.
 */
export default function setup(): void {
  const file = join(import.meta.dirname, '../../.lanes/testbed.env');
  if (!existsSync(file)) return;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line);
    if (m) process.env[m[1]!] = m[2]!;
  }
}
