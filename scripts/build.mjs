// Bundles the CLI into dist/lanes.mjs (npm test, npm run example and npm publish run it): one file instead of ~80 TypeScript
// modules compiled at every start, which takes `npx lanes` from ~0.6 s to
// ~0.15 s of start-up. bin/lanes.js falls back to the sources when the
// bundle is missing or older than them.
import { build } from 'esbuild';

await build({
  entryPoints: ['src/cli/main.ts'],
  outfile: 'dist/lanes.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
});
