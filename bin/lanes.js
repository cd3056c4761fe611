#!/usr/bin/env node
// The lanes CLI. An installed package runs its bundle (dist/lanes.mjs). In a
// checkout of lanes itself, where src/ sits beside the bundle, a bundle older
// than any source file would hide an edit, so the sources run through tsx
// (a dev dependency, present in a checkout) until `npm run build`.
import { existsSync, readdirSync, statSync } from 'node:fs';
import module from 'node:module';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundle = join(root, 'dist', 'lanes.mjs');
const sources = join(root, 'src');

/** Whether any file under dir was modified after `time` (stops at the first one). */
function modifiedAfter(dir, time) {
  // Plain concatenation, not path.join: with join's normalisation this walk over ~125 files
  // cost ~3-4 ms on every run in a checkout, ~1.5 ms without (Node 20).
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = dir + sep + entry.name;
    if (entry.isDirectory() ? modifiedAfter(path, time) : statSync(path).mtimeMs > time) return true;
  }
  return false;
}

// Node >= 22.1 can keep the compiled bundle on disk between runs; older Nodes have no such
// function, and a cache that cannot be set up only costs the compile it would have saved.
try {
  module.enableCompileCache?.();
} catch {
  // ignored: the cache is an optimisation
}

const checkout = existsSync(sources);
const useBundle = existsSync(bundle) && (!checkout || !modifiedAfter(sources, statSync(bundle).mtimeMs));
let main;
if (useBundle) ({ main } = await import(bundle));
else if (checkout) {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
} else {
  process.stderr.write('error[E_INTERNAL]: this lanes package has no dist/lanes.mjs; reinstall it (the published package always has it)\n');
  process.exit(1);
}
process.exitCode = await main(process.argv.slice(2));
