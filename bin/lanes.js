#!/usr/bin/env node
// The lanes CLI. An installed package runs its bundle (dist/lanes.cjs). In a
// checkout of lanes itself, where src/ sits beside the bundle, a bundle older
// than any source file would hide an edit, so the sources run through tsx
// (a dev dependency, present in a checkout) until `npm run build`.
//
// Start-up is most of a command on a small monorepo, and most of start-up is V8
// compiling the bundle's functions. Node >= 22.1 keeps compiled code between
// runs itself (module.enableCompileCache); on older Nodes this file does the
// same for the bundle alone (compile-cache.js), keyed by the bundle's identity.
// The bundle also keeps each lanes.yaml it validated there (src/config/
// validated-config-cache.ts), so an unchanged one is not parsed again.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadWithCompileCache } from './compile-cache.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundle = join(root, 'dist', 'lanes.cjs');
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

const args = process.argv.slice(2);
const checkout = existsSync(sources);
const useBundle = existsSync(bundle) && (!checkout || !modifiedAfter(sources, statSync(bundle).mtimeMs));
if (useBundle) {
  const cli = loadWithCompileCache(bundle);
  process.exitCode = await cli.exports.main(args, undefined, cli.cache);
  // --version and --help compile next to nothing: the first real command fills the cache.
  if (!args.some((a) => /^(-V|--version|-h|--help)$/.test(a)) && args.length > 0) cli.save();
} else if (checkout) {
  const { register } = await import('tsx/esm/api');
  register();
  const { main } = await import('../src/cli/main.ts');
  process.exitCode = await main(args);
} else {
  process.stderr.write('error[E_INTERNAL]: this lanes package has no dist/lanes.cjs; reinstall it (the published package always has it)\n');
  process.exit(1);
}
