import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Files in lanes' directory of the user's cache (compiled code, validated
 * lanes.yaml files). Each starts with the SHA-256 of what follows it, so a
 * damaged file reads as missing, never as something else. bin/compile-cache.js
 * reads its file with the same check before this bundle is loaded, and
 * writes it through writeCacheFile.
 */

/** The payload of a cache file; undefined when it is missing, not a regular file (a FIFO would hang the read), or damaged. */
export function readCacheFile(file: string): Buffer | undefined {
  try {
    if (!statSync(file).isFile()) return undefined;
    const stored = readFileSync(file);
    const payload = stored.subarray(32);
    return sha256(payload).equals(stored.subarray(0, 32)) ? payload : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Writes `payload` to `file` (its directory made 0700, the file 0600),
 * aside first and renamed, so a concurrent run reads the old file or the new
 * one, never half of one; then keeps the `keep` newest cache files there.
 * Never throws: a cache that cannot be written only costs what it would have saved.
 */
export function writeCacheFile(file: string, payload: Uint8Array, keep: number): void {
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const partial = `${file}.${process.pid}.partial`;
    // wx: never through a file or link someone put there.
    writeFileSync(partial, Buffer.concat([sha256(payload), payload]), { mode: 0o600, flag: 'wx' });
    renameSync(partial, file);
    keepNewest(dirname(file), keep);
  } catch {
    // ignored: the cache is an optimisation
  }
}

/**
 * Keeps the `keep` most recently written .v8 files in `dir` and removes the
 * rest, with any `.partial` file a run left behind over a minute ago (one
 * killed between writing a cache file aside and renaming it into place).
 */
function keepNewest(dir: string, keep: number): void {
  const entries = readdirSync(dir)
    .map((name) => ({ name, time: statSync(join(dir, name)).mtimeMs }))
    .sort((a, b) => b.time - a.time);
  const stale = [...entries.filter((e) => e.name.endsWith('.v8')).slice(keep), ...entries.filter((e) => e.name.endsWith('.partial') && Date.now() - e.time > 60_000)];
  for (const e of stale) rmSync(join(dir, e.name), { force: true });
}

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest();
