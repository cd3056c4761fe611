import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readSync, realpathSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

/**
 * Safe access to the files lanes.yaml names. Anything in a monorepo is input
 * someone could have committed: a symlink out of the repository, a FIFO where a
 * version file should be, a file of a gigabyte. These helpers bound the work and
 * keep every path inside the monorepo.
 */

/** Version files and lanes.yaml are small; anything larger is a mistake or an attack. */
export const MAX_TEXT_FILE_BYTES = 1024 * 1024;

export type PathKind = 'file' | 'directory' | 'any';

/** Why a path lanes.yaml names cannot be used; undefined when it can. */
export type PathProblem =
  | { kind: 'missing' }
  | { kind: 'outside'; real: string }
  | { kind: 'wrong-type'; is: string }
  | { kind: 'unreadable'; code: string };

/**
 * What one synchronous pass (loading lanes.yaml, reading the version files)
 * learnt about paths: each absolute path's real path, or the error resolving
 * it threw. Most paths lanes.yaml names share their directories, so each
 * directory is resolved once instead of once per file below it. Only set
 * inside withPathCache, which is synchronous: no other code runs while it is,
 * and it is gone when it returns.
 */
let pathCache: Map<string, Resolved | { error: unknown }> | undefined;

interface Resolved {
  real: string;
  /** lstat of `real` when the path's last component is no symlink: then it is its stat too. */
  stats?: Stats;
}

/**
 * Runs `fn` (synchronous) with real paths remembered per path for its
 * duration only: checkRepoPath, realPathInside and readVersionFile then cost
 * one lstat per new path instead of a walk of every component of it. The
 * answers, errors included, are the ones realpathSync would give.
 */
export function withPathCache<T>(fn: () => T): T {
  if (pathCache) return fn();
  pathCache = new Map();
  try {
    return fn();
  } finally {
    pathCache = undefined;
  }
}

/** realpathSync(path), through the pass's cache when there is one. */
function realpathOf(path: string): string {
  return pathCache ? lookUp(pathCache, path).real : realpathSync(path);
}

/**
 * The cache's answer for `path` as given (realpathSync resolves it against
 * the working directory first; so does this, once per distinct string).
 */
function lookUp(cache: NonNullable<typeof pathCache>, path: string): Resolved {
  let entry = cache.get(path);
  if (!entry) {
    const abs = resolve(path);
    entry = abs === path ? walk(cache, abs) : (cache.get(abs) ?? walk(cache, abs));
    cache.set(path, entry);
  }
  if ('error' in entry) throw entry.error;
  return entry;
}

/**
 * realpathSync's walk for an absolute, normal path, one component at a time
 * with every prefix kept: the parent's real path, then an lstat of the last
 * component there. A symlink is handed to realpathSync whole (its target,
 * chains and loops are its business); anything else is its own real path.
 * What it throws is kept too, and thrown again for every path below it, as
 * realpathSync would stop at the same component.
 */
function walk(cache: NonNullable<typeof pathCache>, abs: string): Resolved | { error: unknown } {
  let entry: Resolved | { error: unknown };
  try {
    const parentPath = dirname(abs);
    if (parentPath === abs) entry = { real: realpathSync(abs) };
    else {
      const parent = cache.get(parentPath) ?? walk(cache, parentPath);
      if ('error' in parent) throw parent.error;
      const here = join(parent.real, basename(abs));
      const st = lstatSync(here);
      entry = st.isSymbolicLink() ? { real: realpathSync(here) } : { real: here, stats: st };
    }
  } catch (error) {
    entry = { error };
  }
  cache.set(abs, entry);
  return entry;
}

/** The real path of `rel` under `root`, relative to the real root; undefined when it leaves the root. */
export function realPathInside(root: string, rel: string): string | undefined {
  const realRoot = realpathOf(root);
  const real = realpathOf(join(root, rel));
  // What relative() answers for a path below the root (both are real paths: absolute and normal), without its second resolve of each.
  const out = realRoot !== sep && real.startsWith(realRoot) && real.charAt(realRoot.length) === sep ? real.slice(realRoot.length + 1) : relative(realRoot, real);
  if (out === '' || (!out.startsWith(`..${sep}`) && out !== '..' && !isAbsolute(out))) return out.split(sep).join('/') || '.';
  return undefined;
}

/** Checks that `rel` exists under `root`, is of the wanted kind, and that its real path (symlinks followed) stays inside root. */
export function checkRepoPath(root: string, rel: string, kind: PathKind): PathProblem | undefined {
  let real: string;
  let known: Stats | undefined;
  try {
    if (pathCache) {
      const found = lookUp(pathCache, join(root, rel));
      real = found.real;
      known = found.stats;
    } else real = realpathSync(join(root, rel));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'EIO';
    // A dangling symlink is "missing" to the user too, but say where it points.
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      try {
        if (lstatSync(join(root, rel)).isSymbolicLink()) return { kind: 'wrong-type', is: 'a symlink that points nowhere' };
      } catch {
        /* not there at all */
      }
      return { kind: 'missing' };
    }
    if (code === 'ELOOP') return { kind: 'wrong-type', is: 'a symlink loop' };
    return { kind: 'unreadable', code };
  }
  const inside = realPathInside(root, rel);
  if (inside === undefined) return { kind: 'outside', real };
  const st = known ?? statSync(real);
  if (kind === 'file' && !st.isFile()) return { kind: 'wrong-type', is: describeType(st) };
  if (kind === 'directory' && !st.isDirectory()) return { kind: 'wrong-type', is: describeType(st) };
  if (kind === 'any' && !st.isFile() && !st.isDirectory()) return { kind: 'wrong-type', is: describeType(st) };
  return undefined;
}

export function describeType(st: { isFile(): boolean; isDirectory(): boolean; isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean }): string {
  if (st.isFile()) return 'a regular file';
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

/** Reading a file lanes needs failed for a reason the user must fix in the repository, not the machine. */
export class NotATextFileError extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

/**
 * Reads a regular file as UTF-8, never blocking: the file is opened with
 * O_NONBLOCK (a FIFO opens at once instead of waiting for a writer) and checked
 * with fstat on the open descriptor, so it cannot be swapped in between. Throws
 * NotATextFileError for a FIFO, device, directory or a file over `maxBytes`;
 * any other failure is the system's error (ENOENT, EACCES, EIO) unchanged.
 */
export function readRegularFile(path: string, maxBytes = MAX_TEXT_FILE_BYTES): string {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EISDIR') throw new NotATextFileError('is a directory, not a file');
    if ((e as NodeJS.ErrnoException).code === 'ENXIO') throw new NotATextFileError('is a socket or device, not a regular file');
    throw e;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new NotATextFileError(`is ${describeType(st)}, not a regular file`);
    if (st.size > maxBytes) throw new NotATextFileError(`is ${st.size} bytes; lanes reads files of at most ${maxBytes} bytes here`);
    const buf = Buffer.alloc(st.size);
    let got = 0;
    while (got < st.size) {
      const n = readSync(fd, buf, got, st.size - got, got);
      if (n === 0) break;
      got += n;
    }
    return buf.subarray(0, got).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/**
 * Symlinks under `dir` (relative to root) whose real path leaves root or that
 * point nowhere: helm packages a chart by following them. Stops after
 * `limit` entries so a huge tree cannot stall loading.
 */
export function escapingSymlinks(root: string, dir: string, limit = 20_000): { path: string; problem: string }[] {
  const out: { path: string; problem: string }[] = [];
  let seen = 0;
  const walk = (rel: string) => {
    let entries;
    try {
      entries = readdirSync(join(root, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (++seen > limit) return;
      const child = `${rel}/${e.name}`;
      if (e.isSymbolicLink()) {
        try {
          if (realPathInside(root, child) === undefined) out.push({ path: child, problem: `is a symlink to ${realpathSync(join(root, child))}, outside the monorepo` });
        } catch {
          out.push({ path: child, problem: 'is a symlink that points nowhere' });
        }
      } else if (e.isDirectory()) walk(child);
    }
  };
  walk(dir);
  return out;
}
