import { posix } from 'node:path';
import { UsageError } from '../errors.js';
import { LANES, type Lane } from '../plan/types.js';
import type { BumpRequest } from '../versions/next-version.js';

/**
 * Turning what a user typed into typed options, shared by the CLI and the
 * Dagger module so both accept and refuse exactly the same input.
 */

const LANE_ALIASES: Record<string, Lane> = { 'build-all-local': 'local', 'push-all-dev': 'dev' };

/** A lane by name: local, dev, release, deploy-local, compose-up-local, compose-down-local (or the command names build-all-local, push-all-dev). */
export function parseLane(name: string, flag = '<lane>'): Lane {
  const lane = (LANES as readonly string[]).includes(name) ? (name as Lane) : LANE_ALIASES[name];
  if (!lane) throw new UsageError(`${flag}: unknown lane "${name}"; use local, dev or release (or deploy-local, compose-up-local, compose-down-local)`);
  return lane;
}

/** `NAME=value` pairs into a map; the name must be a valid build-arg name. */
export function parseBuildArgs(list: readonly string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of list) {
    const eq = kv.indexOf('=');
    const name = kv.slice(0, eq);
    if (eq <= 0 || !/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(name)) throw new UsageError(`--build-arg ${kv}: expected NAME=value, with NAME made of letters, digits and _ (e.g. --build-arg BASE_IMAGE=python:3.12-slim)`);
    out[name] = kv.slice(eq + 1);
  }
  return out;
}

/** Component names from --only/--skip: an empty name is a mistake, never "everything". */
export function parseNames(flag: string, list: readonly string[] | undefined): string[] | undefined {
  if (list === undefined) return undefined;
  const names = list.flatMap((v) => v.split(',')).map((s) => s.trim());
  if (names.length === 0 || names.some((n) => n === '')) throw new UsageError(`${flag}: expected component names (comma-separated), got "${list.join(',')}"`);
  return names;
}

export interface BumpFlags {
  version?: string;
  patch?: boolean;
  minor?: boolean;
  major?: boolean;
  pre?: string;
}

/** Exactly one of --version, --patch, --minor, --major, --pre. */
export function bumpRequest(flags: BumpFlags): BumpRequest {
  const modes = [flags.version !== undefined && 'version', flags.patch && 'patch', flags.minor && 'minor', flags.major && 'major', flags.pre !== undefined && 'pre'].filter((m): m is string => !!m);
  if (modes.length !== 1) throw new UsageError(`bump needs exactly one of --version X.Y.Z, --patch, --minor, --major, --pre <id>${modes.length ? ` (got --${modes.join(', --')})` : ''}`);
  if (flags.version !== undefined) return { kind: 'exact', version: flags.version };
  if (flags.pre !== undefined) {
    if (!/^[0-9A-Za-z-]+$/.test(flags.pre)) throw new UsageError(`--pre ${flags.pre}: expected a prerelease id of letters, digits and - (e.g. rc, beta)`);
    return { kind: 'pre', id: flags.pre };
  }
  return { kind: modes[0] as 'patch' | 'minor' | 'major' };
}

/** Positive whole numbers (--jobs). */
export function positiveInt(flag: string, value: string | number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} ${value}: expected a whole number of at least 1`);
  return n;
}

/** bump's targets: the named components, or --changed (exactly one of the two). */
export function bumpTargets(components: readonly string[], changed: boolean): { names: string[] } | { changed: true } {
  if (changed === components.length > 0) throw new UsageError('bump needs the components to bump, or --changed (not both)');
  return changed ? { changed: true } : { names: [...components] };
}

/**
 * --out-dir: where charts, manifests and release outputs go, inside the
 * monorepo (plan paths are relative to it, and .lanes/ is never counted as a
 * change). An absolute path or one leaving the monorepo is refused rather
 * than quietly written somewhere under it.
 */
export function parseOutDir(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const normal = posix.normalize(value.replaceAll('\\', '/'));
  if (value.trim() === '' || posix.isAbsolute(normal) || normal === '..' || normal.startsWith('../')) {
    throw new UsageError(`--out-dir ${value}: expected a directory inside the monorepo, relative to --source (e.g. .lanes/out); copy the files elsewhere afterwards if you need them there`);
  }
  return normal;
}
