#!/usr/bin/env node
// The lanes CLI. An installed package runs its bundle (dist/lanes.mjs). In a
// checkout of lanes itself, where src/ sits beside the bundle, a bundle older
// than any source file would hide an edit, so the sources run through tsx
// (a dev dependency, present in a checkout) until `npm run build`.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundle = join(root, 'dist', 'lanes.mjs');
const sources = join(root, 'src');

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

const checkout = existsSync(sources);
const useBundle = existsSync(bundle) && (!checkout || statSync(bundle).mtimeMs >= newestSource(sources));
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
