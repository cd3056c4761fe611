#!/usr/bin/env node
// The lanes CLI. Runs the TypeScript sources directly through tsx, so the
// CLI, the tests and the Dagger module all execute the same files.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
