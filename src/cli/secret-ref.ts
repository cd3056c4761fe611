import { readFileSync } from 'node:fs';
import { UsageError } from '../errors.js';

/**
 * Reads a secret given on the command line the way Dagger takes them:
 * `env://NAME` (from the environment) or `file://PATH`. A literal value is
 * refused: it would sit in shell history and the process list.
 */
export function readSecretRef(flag: string, ref: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  if (ref === undefined) return undefined;
  if (ref.startsWith('env://') || ref.startsWith('env:')) {
    const name = ref.replace(/^env:(\/\/)?/, '');
    const value = env[name];
    if (value === undefined) throw new UsageError(`${flag} ${ref}: environment variable ${name} is not set`);
    return value;
  }
  if (ref.startsWith('file://')) {
    const path = ref.slice('file://'.length);
    try {
      return readFileSync(path, 'utf8').replace(/\r?\n$/, '');
    } catch (e) {
      throw new UsageError(`${flag} ${ref}: cannot read ${path} (${(e as NodeJS.ErrnoException).code})`);
    }
  }
  throw new UsageError(`${flag} takes a reference, not the secret itself: use env://NAME or file://PATH (a literal would end up in shell history and the process list)`);
}
