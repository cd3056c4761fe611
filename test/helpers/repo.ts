import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export const PROJECT_ROOT = join(import.meta.dirname, '../..');
export const EXAMPLE = join(PROJECT_ROOT, 'examples/dsx-connect');

/** A temp directory with the given files (path -> content). */
export function makeDir(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'lanes-test-'));
  writeFiles(dir, files);
  return dir;
}

export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
}

export function read(dir: string, path: string): string {
  return readFileSync(join(dir, path), 'utf8');
}

export function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 'Test', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 'Test', GIT_COMMITTER_EMAIL: 't@example.com', GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z', GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z' },
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}

/** A git repository holding `files`, committed once on branch main. */
export function makeRepo(files: Record<string, string>): string {
  const dir = makeDir(files);
  git(dir, 'init', '-q', '-b', 'main');
  commitAll(dir, 'initial');
  return dir;
}

export function commitAll(dir: string, message: string): string {
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '--allow-empty', '-m', message);
  return git(dir, 'rev-parse', 'HEAD');
}

/** A bare repository to act as `origin`, with the current branch pushed. */
export function addBareRemote(dir: string): string {
  const bare = mkdtempSync(join(tmpdir(), 'lanes-remote-'));
  git(bare, 'init', '-q', '--bare');
  git(dir, 'remote', 'add', 'origin', bare);
  git(dir, 'push', '-q', 'origin', 'HEAD');
  return bare;
}

/**
 * A copy of the example monorepo as a fresh git repository. `edit` changes
 * lanes.yaml; then `rewrite` (if given) changes every file of the copy, by its
 * path relative to the root — e.g. testbed's renameForTest(), which gives the
 * copy test-only compose, network and image names.
 */
export function exampleRepo(edit?: (lanesYaml: string) => string, opts: { rewrite?: (text: string, path: string) => string } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'lanes-example-'));
  cpSync(EXAMPLE, dir, { recursive: true, filter: (src) => !src.includes('/.lanes') });
  if (edit) writeFileSync(join(dir, 'lanes.yaml'), edit(readFileSync(join(dir, 'lanes.yaml'), 'utf8')));
  if (opts.rewrite) {
    for (const path of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
      const file = join(dir, path);
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        continue; // a directory
      }
      const changed = opts.rewrite(text, path);
      if (changed !== text) writeFileSync(file, changed);
    }
  }
  git(dir, 'init', '-q', '-b', 'main');
  writeFileSync(join(dir, '.gitignore'), '.lanes/\n');
  commitAll(dir, 'initial');
  return dir;
}
