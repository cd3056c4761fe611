import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The Dagger module imports the core by package name (lanes/src/…), as it does inside the engine.
  resolve: { alias: [{ find: /^lanes\/src\//, replacement: fileURLToPath(new URL('./src/', import.meta.url)) }] },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: 'forks',
    // End-to-end files share one Docker engine and registry; two at a time keeps a 2-core machine responsive.
    maxWorkers: 2,
    globalSetup: ['test/helpers/global-setup.ts'],
  },
});
