// Loads the CLI bundle with the code V8 compiled for it on an earlier run.
//
// Most of a command's time on a small monorepo is start-up, and most of that is V8
// compiling the bundle's functions (parsing, bytecode) the first time each runs: ~35 ms
// of ~250 for `lanes status` on 200 components (Node 20). Node >= 22.1 keeps compiled
// code between runs itself (module.enableCompileCache); older Nodes get the same here,
// for this one file: V8's code cache, written once after a command ran (so it holds the
// functions that command compiled), read on every later start.
import { createHash } from 'node:crypto';
import { lstatSync, readFileSync, statSync } from 'node:fs';
import module from 'node:module';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, sep } from 'node:path';
import vm from 'node:vm';

/** How many cached bundles the cache directory keeps (several lanes versions on one machine). */
const KEEP = 8;

/**
 * The bundle's exports; `cache`, where lanes may keep what later runs of this
 * bundle can reuse (undefined: nowhere, LANES_NO_CACHE=1 or no home); and
 * `save()`, to call once the command has run: it stores what V8 compiled when
 * there was no usable code cache yet. Nothing here ever fails a command: a
 * cache that cannot be read or written only costs the work it would have saved.
 */
export function loadWithCompileCache(bundle) {
  const require = module.createRequire(bundle);
  const cache = cacheHome(bundle);
  const disabled = !!process.env.NODE_DISABLE_COMPILE_CACHE;
  // --enable-source-maps maps the stacks of modules Node loads, not of a vm.Script: then load it as a module.
  const sourceMaps = process.sourceMapsEnabled ?? (process.execArgv.includes('--enable-source-maps') || /--enable-source-maps\b/.test(process.env.NODE_OPTIONS ?? ''));
  if (typeof module.enableCompileCache === 'function' || disabled || !cache || sourceMaps) {
    try {
      if (!disabled) module.enableCompileCache?.();
    } catch {
      // ignored: the cache is an optimisation
    }
    return { exports: require(bundle), cache, save() {} };
  }
  const source = readFileSync(bundle, 'utf8');
  const file = join(cache.dir, 'compile-cache', `${process.version}-${process.arch}-${cache.buildId}.v8`);
  // V8 checks a code cache's version and the source's length, not its bytes: a damaged file would
  // crash Node on every start. It is used only when its SHA-256, stored before it, still matches
  // (read here as src/cache-dir.ts's readCacheFile does: the bundle is not loaded yet).
  let cachedData;
  try {
    if (statSync(file).isFile()) {
      const stored = readFileSync(file);
      const data = stored.subarray(32);
      if (sha256(data).equals(stored.subarray(0, 32))) cachedData = data;
    }
  } catch {
    // no cache yet
  }
  // The CommonJS wrapper on the bundle's first line, as Node's loader adds it: line numbers stay.
  const script = new vm.Script(module.wrap(source), { filename: bundle, cachedData });
  const mod = { exports: {} };
  script.runInThisContext()(mod.exports, require, mod, bundle, dirname(bundle));
  const usable = cachedData !== undefined && !script.cachedDataRejected;
  return {
    exports: mod.exports,
    cache,
    save() {
      if (usable) return;
      try {
        // The bundle's writer (src/cache-dir.ts): the SHA-256 before the data, aside and renamed, pruned.
        mod.exports.writeCacheFile(file, script.createCachedData(), KEEP);
      } catch {
        // ignored: the cache is an optimisation
      }
    },
  };
}

/**
 * lanes' directory in the user's own cache directory, and this bundle's
 * identity: the file's inode, size, modification and change times, so a
 * rebuilt, reinstalled or rewritten bundle never meets what another one kept
 * (the change time moves with any write, and no one can set it back).
 * Nowhere (undefined) when LANES_NO_CACHE is set, when the directory would
 * be inside the one lanes runs in (XDG_CACHE_HOME=$CI_PROJECT_DIR/.cache:
 * what lanes keeps would be a change in `git status`), or when it is not the
 * user's own (another user could plant what lanes would run).
 */
function cacheHome(bundle) {
  if (process.env.LANES_NO_CACHE) return undefined;
  try {
    const xdg = process.env.XDG_CACHE_HOME;
    // The XDG base directory spec: a relative path is invalid and is ignored.
    const base = (xdg && isAbsolute(xdg) ? xdg : undefined) || (process.platform === 'win32' ? process.env.LOCALAPPDATA : undefined) || join(homedir(), '.cache');
    const dir = join(base, 'lanes');
    const cwd = process.cwd();
    if (dir === cwd || dir.startsWith(cwd.endsWith(sep) ? cwd : cwd + sep)) return undefined;
    if (!ownDirectory(dir)) return undefined;
    const { ino, size, mtimeNs, ctimeNs } = statSync(bundle, { bigint: true });
    return { dir, buildId: `${ino}-${size}-${mtimeNs}-${ctimeNs}` };
  } catch {
    return undefined;
  }
}

/** Whether `dir` is missing (lanes makes it, 0700) or a directory of this user that no one else can write to. */
function ownDirectory(dir) {
  if (typeof process.getuid !== 'function') return true;
  try {
    const st = lstatSync(dir);
    return st.isDirectory() && st.uid === process.getuid() && (st.mode & 0o022) === 0;
  } catch (e) {
    return e.code === 'ENOENT';
  }
}

const sha256 = (data) => createHash('sha256').update(data).digest();
