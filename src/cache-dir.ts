import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Keeps the `keep` most recently written files ending in `suffix` in `dir`
 * (lanes' caches: compiled code, validated lanes.yaml files) and removes the
 * rest, with any `.partial` file a run left behind over a minute ago (one
 * killed between writing a cache file aside and renaming it into place).
 */
export function keepNewest(dir: string, keep: number, suffix: string): void {
  const entries = readdirSync(dir)
    .map((name) => ({ name, time: statSync(join(dir, name)).mtimeMs }))
    .sort((a, b) => b.time - a.time);
  const stale = [...entries.filter((e) => e.name.endsWith(suffix)).slice(keep), ...entries.filter((e) => e.name.endsWith('.partial') && Date.now() - e.time > 60_000)];
  for (const e of stale) rmSync(join(dir, e.name), { force: true });
}
