import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, matchesGlob } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXAMPLE, PROJECT_ROOT } from '../helpers/repo.js';

/**
 * The module as the Dagger TypeScript runtime loads it: only dagger.json, the
 * module source (dagger/) and the files dagger.json's `include` names are
 * there; `npm install --omit=dev` runs in dagger/; then the entrypoint is
 * loaded with tsx. This is the part of `dagger call` that can run without an
 * engine, and what would break if the core's dependencies were unreachable.
 */
function moduleContext(): string {
  const ctx = mkdtempSync(join(tmpdir(), 'lanes-module-'));
  const config = JSON.parse(readFileSync(join(PROJECT_ROOT, 'dagger.json'), 'utf8')) as { source: string; include: string[] };
  const include = config.include.filter((p) => !p.startsWith('!'));
  const exclude = config.include.filter((p) => p.startsWith('!')).map((p) => p.slice(1));
  const tracked = execFileSync('git', ['ls-files', '-co', '--exclude-standard'], { cwd: PROJECT_ROOT, encoding: 'utf8' }).split('\n').filter(Boolean);
  for (const file of tracked) {
    const wanted = file === 'dagger.json' || file.startsWith(`${config.source}/`) || include.some((p) => matchesGlob(file, p));
    if (!wanted || exclude.some((p) => matchesGlob(file, p))) continue;
    mkdirSync(dirname(join(ctx, file)), { recursive: true });
    cpSync(join(PROJECT_ROOT, file), join(ctx, file));
  }
  return ctx;
}

describe('the Dagger module package', () => {
  it('installs like the module runtime installs it, with the core and the core\'s own dependencies', () => {
    const ctx = moduleContext();
    const moduleDir = join(ctx, 'dagger');
    execFileSync('npm', ['install', '--omit=dev', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: moduleDir, stdio: 'pipe' });
    for (const dep of ['lanes', 'zod', 'yaml', 'semver', 'undici', '@dagger.io/dagger']) {
      expect(() => readFileSync(join(moduleDir, 'node_modules', dep, 'package.json')), dep).not.toThrow();
    }
    // The entrypoint loads, and the core works from the installed copy.
    writeFileSync(
      join(moduleDir, 'probe.mts'),
      `const { Lanes } = await import('./src/index.ts');\nconst { readWorkspace } = await import('lanes/src/workspace/read-workspace.js');\nconst ws = await readWorkspace(${JSON.stringify(EXAMPLE)});\nconsole.log(typeof Lanes, ws.config.components.map((c) => c.name).join(','));\n`,
    );
    const out = execFileSync(join(PROJECT_ROOT, 'node_modules/.bin/tsx'), ['probe.mts'], { cwd: moduleDir, encoding: 'utf8' });
    expect(out.trim()).toBe('function dsx-connect,aws-s3-connector,filesystem-connector,dsxa,dsxa-desktop');
    // The core came from the module's own node_modules, not from this checkout.
    const resolved = execFileSync('node', ['-e', "console.log(require.resolve('zod', { paths: [require('path').dirname(require.resolve('lanes/package.json'))] }))"], { cwd: moduleDir, encoding: 'utf8' });
    expect(resolved.startsWith(join(moduleDir, 'node_modules'))).toBe(true);
  }, 240_000);
});
