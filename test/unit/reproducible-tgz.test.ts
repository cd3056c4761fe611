import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { reproducibleTgz } from '../../src/artifacts/reproducible-tgz.js';

/** A tar.gz of `files` made by GNU tar with the given mtime, as helm would stamp the time of packaging. */
function tarball(files: Record<string, string>, mtime: string): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'lanes-tgz-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  const tar = execFileSync('tar', ['--format=ustar', '--mtime', mtime, '--sort=name', '-cf', '-', '-C', dir, ...Object.keys(files)]);
  return gzipSync(tar);
}

describe('reproducibleTgz', () => {
  it('gives the same bytes for the same files packaged at different times', () => {
    const files = { 'Chart.yaml': 'name: x\nversion: 1.0.0\n', 'values.yaml': 'a: 1\n' };
    const a = reproducibleTgz(tarball(files, '2026-01-01 10:00:00'));
    const b = reproducibleTgz(tarball(files, '2026-03-04 11:12:13'));
    expect(a.equals(b)).toBe(true);
  });

  it('keeps the archive valid and its contents unchanged (tar can list and extract it)', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'lanes-tgz-out-')), 'c.tgz');
    writeFileSync(out, reproducibleTgz(tarball({ 'Chart.yaml': 'name: x\n' }, '2026-01-01')));
    expect(execFileSync('tar', ['-tvzf', out], { encoding: 'utf8' })).toMatch(/1970-01-01 00:00 Chart\.yaml/);
    const dir = mkdtempSync(join(tmpdir(), 'lanes-tgz-x-'));
    execFileSync('tar', ['-xzf', out, '-C', dir]);
    expect(readFileSync(join(dir, 'Chart.yaml'), 'utf8')).toBe('name: x\n');
  });

  it('still differs when a file differs', () => {
    expect(reproducibleTgz(tarball({ 'a.txt': '1' }, '2026-01-01')).equals(reproducibleTgz(tarball({ 'a.txt': '2' }, '2026-01-01')))).toBe(false);
  });
});
