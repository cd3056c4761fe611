import { defineConfig } from 'vitest/config';

export default defineConfig({
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
