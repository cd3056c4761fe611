// Loads the CLI bundle with the code V8 compiled for it on an earlier run.
//
// Most of a command's time on a small monorepo is start-up, and most of that is V8
// compiling the bundle's functions (parsing, bytecode) the first time each runs: ~35 ms
// of ~250 for `lanes status` on 200 components (Node 20). Node >= 22.1 keeps compiled
// code between runs itself (module.enableCompileCache); older Nodes get the same here,
// for this one file: V8's code cache, written once after a command ran (so it holds the
// functions that command compiled), read on every later start.
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import module from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
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
  if (typeof module.enableCompileCache === 'function' || disabled || !cache) {
    try {
      if (!disabled) module.enableCompileCache?.();
    } catch {
      // ignored: the cache is an optimisation
    }
    return { exports: require(bundle), cache, save() {} };
  }
  const source = readFileSync(bundle, 'utf8');
  const dir = join(cache.dir, 'compile-cache');
  const file = join(dir, `${process.version}-${process.arch}-${cache.buildId}.v8`);
  let cachedData;
  try {
    cachedData = readFileSync(file);
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
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        // Written aside and renamed: a concurrent run reads the old file or the new one, never half of one.
        const partial = `${file}.${process.pid}.partial`;
        writeFileSync(partial, script.createCachedData(), { mode: 0o600 });
        renameSync(partial, file);
        mod.exports.keepNewest(dir, KEEP, '.v8');
      } catch {
        // ignored: the cache is an optimisation
      }
    },
  };
}

/**
 * lanes' directory in the user's own cache directory (never a shared
 * temporary one, where another user could plant code), and this bundle's
 * identity — the file's inode, size and time — so a rebuilt or reinstalled
 * bundle never meets what another one kept.
 */
function cacheHome(bundle) {
  if (process.env.LANES_NO_CACHE) return undefined;
  try {
    const base = process.env.XDG_CACHE_HOME || (process.platform === 'win32' ? process.env.LOCALAPPDATA : undefined) || join(homedir(), '.cache');
    const { size, mtimeMs, ino } = statSync(bundle);
    return { dir: join(base, 'lanes'), buildId: `${ino}-${size}-${Math.trunc(mtimeMs)}` };
  } catch {
    return undefined;
  }
}
