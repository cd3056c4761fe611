import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../helpers/repo.js';

/** Every relative import of every .ts file under src/, as [importer, imported], both relative to src/. */
function imports(): [string, string][] {
  const src = join(PROJECT_ROOT, 'src');
  const edges: [string, string][] = [];
  for (const entry of readdirSync(src, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const file = join(entry.parentPath, entry.name);
    for (const m of readFileSync(file, 'utf8').matchAll(/(?:from|import\()\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
      edges.push([relative(src, file), relative(src, resolve(dirname(file), m[1]!))]);
    }
  }
  return edges;
}

describe('the import graph', () => {
  it('has no arrow from the core into an adapter: nothing outside src/cli imports src/cli, and nothing in src/ imports the Dagger module', () => {
    const wrong = imports().filter(([from, to]) => (!from.startsWith('cli/') && to.startsWith('cli/')) || to.startsWith('../dagger'));
    expect(wrong).toEqual([]);
  });

  it('keeps the planners pure: src/plan imports no executor, CLI, renderer or I/O module of its own', () => {
    const wrong = imports().filter(([from, to]) => from.startsWith('plan/') && /^(exec|cli|render|facts|publish|commands)\//.test(to));
    expect(wrong).toEqual([]);
  });
});
