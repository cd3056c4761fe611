import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXAMPLE, PROJECT_ROOT } from '../helpers/repo.js';

/**
 * The Dagger runtime loads the module from dagger/ alone, so the core travels
 * as a committed bundle. It must be exactly what the sources build today.
 */
describe('dagger/core/lanes-core.js', () => {
  it('is what `npm run build` makes from the sources today (run it and commit the result)', () => {
    const fresh = join(mkdtempSync(join(tmpdir(), 'lanes-bundle-')), 'lanes-core.js');
    execFileSync('node', ['scripts/build.mjs', '--dagger-core-to', fresh], { cwd: PROJECT_ROOT, stdio: 'pipe' });
    const committed = readFileSync(join(PROJECT_ROOT, 'dagger/core/lanes-core.js'), 'utf8');
    // Compared as text first for a readable failure, then whole.
    expect(committed.length).toBe(readFileSync(fresh, 'utf8').length);
    expect(committed === readFileSync(fresh, 'utf8')).toBe(true);
  });

  it('loads and works with no node_modules anywhere: every dependency is inside', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lanes-bundle-alone-'));
    copyFileSync(join(PROJECT_ROOT, 'dagger/core/lanes-core.js'), join(dir, 'lanes-core.mjs'));
    const probe = `const core = await import(${JSON.stringify(join(dir, 'lanes-core.mjs'))});
const { plan } = await core.planCommand({ root: ${JSON.stringify(EXAMPLE)}, git: async () => ({ stdout: '', stderr: 'not a repo', code: 128 }), env: {}, registry: {}, redactor: new core.Redactor() }, 'local', {});
console.log(plan.components.map((c) => c.name).join(','));`;
    const out = execFileSync('node', ['--input-type=module', '-e', probe], { cwd: dir, encoding: 'utf8' });
    expect(out.trim()).toBe('dsx-connect,aws-s3-connector,filesystem-connector');
  });
});
