#!/usr/bin/env node
// The lanes CLI. Runs the bundle in dist/ (npm run build) when it is at least
// as new as every source file, and the TypeScript sources through tsx
// otherwise, so an edit in src/ is never shadowed by a stale bundle.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundle = join(root, 'dist', 'lanes.mjs');

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

const fresh = existsSync(bundle) && (!existsSync(join(root, 'src')) || statSync(bundle).mtimeMs >= newestSource(join(root, 'src')));
let main;
if (fresh) ({ main } = await import(bundle));
else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
