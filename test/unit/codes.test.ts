import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { codeTable } from '../../src/codes.js';
import { renderCodeTableMarkdown } from '../../src/render/code-table.js';
import { PROJECT_ROOT } from '../helpers/repo.js';

/** Every `'E_…'`/`'W_…'` string literal in the sources (and the Dagger module): the codes lanes can actually answer with. */
function codesUsedIn(dir: string): Map<string, string> {
  const used = new Map<string, string>();
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts') || entry.name.endsWith('.d.ts')) continue;
    const file = join(entry.parentPath, entry.name);
    for (const m of readFileSync(file, 'utf8').matchAll(/['"`]([EW]_[A-Z][A-Z_]*[A-Z])['"`]/g)) used.set(m[1]!, file);
  }
  return used;
}

describe('the table of codes', () => {
  it('holds every code the sources and the Dagger module use', () => {
    const table = codeTable();
    const used = new Map([...codesUsedIn(join(PROJECT_ROOT, 'src')), ...codesUsedIn(join(PROJECT_ROOT, 'dagger/src'))]);
    const missing = [...used].filter(([code]) => !(code in table)).map(([code, file]) => `${code} (${file})`);
    expect(missing).toEqual([]);
  });

  it('is in the README exactly as generated (npm run docs)', () => {
    const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
    const section = readme.split('<!-- codes:start (npm run docs) -->\n')[1]?.split('\n<!-- codes:end -->')[0];
    expect(section).toBe(renderCodeTableMarkdown());
  });

  it('gives warnings exit 0 and every error exit 1 or 2', () => {
    for (const [code, info] of Object.entries(codeTable())) {
      expect(code.startsWith('W_') ? info.exit === 0 && info.severity === 'warning' : info.exit > 0 && info.severity === 'error', code).toBe(true);
    }
  });
});
