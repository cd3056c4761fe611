import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, ExecError } from '../../src/errors.js';
import { hostGit, withGitRunner, type GitRunner } from '../../src/git/run-git.js';
import { changedFilesSince, readRepoFacts } from '../../src/git/repo-facts.js';
import { checkRepoPath, realPathInside, withPathCache } from '../../src/workspace/repo-files.js';
import { readWorkspace } from '../../src/workspace/read-workspace.js';
import { readAllVersions } from '../../src/versions/read-versions.js';
import { loadConfig } from '../../src/config/load.js';
import { regexFile, withPatternsMatched } from '../../src/versions/formats/regex-file.js';
import type { VersionFileSpec } from '../../src/config/model.js';
import { commitAll, git, makeDir, makeRepo } from '../helpers/repo.js';

/**
 * readWorkspace starts its git processes before lanes.yaml is parsed and
 * diffs the release commits while the version files are read; the path checks
 * remember directories for one pass; regex version files are matched in one
 * batch. None of it may change what is reported.
 */

const goodYaml = ['project: shop', 'components:', '  - name: api', '    path: api', '    version: { file: api/VERSION }', ''].join('\n');

/** Rejections nobody handled while `fn` ran (and shortly after). */
async function unhandledDuring(fn: () => Promise<unknown>): Promise<unknown[]> {
  const seen: unknown[] = [];
  const listener = (reason: unknown) => seen.push(reason);
  process.on('unhandledRejection', listener);
  try {
    await fn().catch(() => {});
    await new Promise((r) => setTimeout(r, 100));
  } finally {
    process.off('unhandledRejection', listener);
  }
  return seen;
}

async function failure(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('it succeeded');
}

/** git as a machine without it answers: every call rejects. */
const noGit: GitRunner = (_cwd, args) => Promise.reject(new ExecError(`git ${args.join(' ')}`, null, 'cannot run git: spawn git ENOENT; install git and make sure it is on PATH'));
/** A runner that fails at once, before returning a promise. */
const throwingGit: GitRunner = () => {
  throw new ExecError('git', null, 'cannot run git: thrown');
};
/** git that starts, then fails: `status` exits 128. */
const brokenStatus: GitRunner = (cwd, args, input, env) =>
  args[0] === 'status' ? Promise.resolve({ stdout: '', stderr: 'fatal: index file corrupt', code: 128 }) : hostGit(cwd, args, input, env);

describe('readWorkspace with git running alongside lanes.yaml', () => {
  for (const [name, runner] of [['absent', noGit], ['throwing at once', throwingGit], ['failing git status', brokenStatus]] as const) {
    it(`reports a broken lanes.yaml (E_CONFIG) before git ${name}, with no unhandled rejection`, async () => {
      const dir = makeRepo({ 'lanes.yaml': 'project: shop\ncomponents: [\n', 'api/VERSION': '1.0.0\n' });
      let error: unknown;
      const unhandled = await unhandledDuring(async () => {
        error = await failure(withGitRunner(runner, () => readWorkspace(dir)));
      });
      expect(error).toBeInstanceOf(ConfigError);
      expect(unhandled).toEqual([]);
    });

    it(`reports a broken version file (E_CONFIG) before git ${name}`, async () => {
      const dir = makeRepo({ 'lanes.yaml': goodYaml, 'api/VERSION': 'not a version at all\n' });
      let error: unknown;
      const unhandled = await unhandledDuring(async () => {
        error = await failure(withGitRunner(runner, () => readWorkspace(dir)));
      });
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).message).toContain('version files cannot be read');
      expect(unhandled).toEqual([]);
    });

    it(`with a good lanes.yaml, fails as readRepoFacts does when git is ${name}`, async () => {
      const dir = makeRepo({ 'lanes.yaml': goodYaml, 'api/VERSION': '1.0.0\n' });
      const viaWorkspace = await failure(withGitRunner(runner, () => readWorkspace(dir)));
      const direct = await failure(withGitRunner(runner, () => readRepoFacts(dir)));
      expect(viaWorkspace).toBeInstanceOf(ExecError);
      expect((viaWorkspace as Error).message).toBe((direct as Error).message);
    });
  }

  it('reports a missing root as E_CONFIG, not as git failing to start there', async () => {
    const error = await failure(readWorkspace(join(tmpdir(), 'lanes-no-such-dir-' + process.pid)));
    expect(error).toBeInstanceOf(ConfigError);
  });

  it('runs every git process through the runner in scope, and gives the same workspace as the host git', async () => {
    const dir = makeRepo({ 'lanes.yaml': goodYaml, 'api/VERSION': '1.0.0\n', 'api/main.py': 'x = 1\n' });
    git(dir, 'tag', 'api-v1.0.0');
    writeFileSync(join(dir, 'api/main.py'), 'x = 2\n');
    commitAll(dir, 'change');
    const calls: string[] = [];
    const counting: GitRunner = (cwd, args, input, env) => {
      calls.push(args[0]!);
      return hostGit(cwd, args, input, env);
    };
    const scoped = await withGitRunner(counting, () => readWorkspace(dir));
    const plain = await readWorkspace(dir);
    expect(calls.sort()).toEqual(['diff-tree', 'for-each-ref', 'log', 'ls-files', 'remote', 'rev-parse', 'show-ref', 'status']);
    expect(scoped.changedSinceRelease.get('api')).toEqual(['api/main.py']);
    expect({ ...scoped, config: undefined }).toEqual({ ...plain, config: undefined });
  });

  it('reads a directory that is no git repository as before: no history, nothing unlisted', async () => {
    const dir = makeDir({ 'lanes.yaml': goodYaml, 'api/VERSION': '1.0.0\n', 'other/Dockerfile': 'FROM x\n' });
    const ws = await readWorkspace(dir);
    expect(ws.repo.isRepo).toBe(false);
    expect(ws.unlisted).toEqual([]);
    expect(ws.lastRelease.size).toBe(0);
  });

  it('fails with ls-files\' own error when only the listing fails', async () => {
    const dir = makeRepo({ 'lanes.yaml': goodYaml, 'api/VERSION': '1.0.0\n' });
    const runner: GitRunner = (cwd, args, input, env) => (args[0] === 'ls-files' ? Promise.resolve({ stdout: '', stderr: 'fatal: bad index', code: 128 }) : hostGit(cwd, args, input, env));
    const error = await failure(withGitRunner(runner, () => readWorkspace(dir)));
    expect(error).toBeInstanceOf(ExecError);
    expect((error as Error).message).toContain('git ls-files -z --cached --others --exclude-standard');
  });
});

describe('path checks with directories remembered for one pass', () => {
  let root: string;
  let outside: string;
  beforeEach(() => {
    outside = mkdtempSync(join(tmpdir(), 'lanes-outside-'));
    writeFileSync(join(outside, 'secret'), 'x');
    mkdirSync(join(outside, 'dir'));
    writeFileSync(join(outside, 'dir', 'VERSION'), '1.0.0\n');
    root = makeDir({ 'a/VERSION': '1.0.0\n', 'a/b/file': 'x', 'plain': 'x', 'inner/VERSION': '2.0.0\n' });
    symlinkSync(join(outside, 'secret'), join(root, 'a/escape'));
    symlinkSync(join(outside, 'dir'), join(root, 'a/outdir'));
    symlinkSync('../inner', join(root, 'a/indir'));
    symlinkSync('VERSION', join(root, 'a/alias'));
    symlinkSync('nowhere', join(root, 'a/dangling'));
    symlinkSync('loop2', join(root, 'a/loop1'));
    symlinkSync('loop1', join(root, 'a/loop2'));
    execFileSync('mkfifo', [join(root, 'a/fifo')]);
  });

  const cases: [string, 'file' | 'directory' | 'any'][] = [
    ['a/VERSION', 'file'],
    ['a', 'directory'],
    ['a/b', 'directory'],
    ['a/b/file', 'file'],
    ['a/b/file', 'directory'],
    ['a/escape', 'file'],
    ['a/outdir', 'directory'],
    ['a/outdir/VERSION', 'file'],
    ['a/indir/VERSION', 'file'],
    ['a/alias', 'file'],
    ['a/dangling', 'file'],
    ['a/dangling/x', 'file'],
    ['a/loop1', 'file'],
    ['a/loop1/x', 'file'],
    ['a/fifo', 'file'],
    ['a/fifo', 'any'],
    ['a/missing', 'file'],
    ['a/missing/deeper', 'file'],
    ['plain/x', 'file'],
    ['.', 'directory'],
    ['./a/../a/VERSION', 'file'],
    ['..', 'directory'],
    ['../' + 'x', 'file'],
  ];

  const realPathOutcome = (rel: string) => {
    try {
      return { value: realPathInside(root, rel) };
    } catch (e) {
      return { code: (e as NodeJS.ErrnoException).code };
    }
  };

  it('answers every check exactly as without the cache, whatever was resolved before', () => {
    const plain = cases.map(([rel, kind]) => [checkRepoPath(root, rel, kind), realPathOutcome(rel)]);
    // Forwards, backwards, and each twice: answers must not depend on what the cache holds.
    const forwards = withPathCache(() => cases.map(([rel, kind]) => [checkRepoPath(root, rel, kind), realPathOutcome(rel)]));
    const backwards = withPathCache(() => [...cases].reverse().map(([rel, kind]) => [checkRepoPath(root, rel, kind), realPathOutcome(rel)]).reverse());
    const twice = withPathCache(() => {
      cases.forEach(([rel, kind]) => checkRepoPath(root, rel, kind));
      return cases.map(([rel, kind]) => [checkRepoPath(root, rel, kind), realPathOutcome(rel)]);
    });
    expect(forwards).toEqual(plain);
    expect(backwards).toEqual(plain);
    expect(twice).toEqual(plain);
  });

  it('still refuses a symlink out of the repo in a directory already resolved, and a file below a symlinked directory', () => {
    withPathCache(() => {
      expect(checkRepoPath(root, 'a/VERSION', 'file')).toBeUndefined();
      expect(checkRepoPath(root, 'a/escape', 'file')).toEqual({ kind: 'outside', real: join(outside, 'secret') });
      expect(checkRepoPath(root, 'a/outdir/VERSION', 'file')).toEqual({ kind: 'outside', real: join(outside, 'dir', 'VERSION') });
      expect(realPathInside(root, 'a/outdir/VERSION')).toBeUndefined();
      expect(checkRepoPath(root, 'a/fifo', 'file')).toEqual({ kind: 'wrong-type', is: 'a named pipe (FIFO)' });
      expect(checkRepoPath(root, 'a/dangling', 'file')).toEqual({ kind: 'wrong-type', is: 'a symlink that points nowhere' });
      expect(checkRepoPath(root, 'a/missing', 'file')).toEqual({ kind: 'missing' });
    });
  });

  it('forgets everything when the pass ends: a file turned into a symlink out of the repo is refused next time', () => {
    withPathCache(() => expect(checkRepoPath(root, 'a/b/file', 'file')).toBeUndefined());
    // Swap the directory for a symlink out of the repository between two passes.
    renameSync(join(root, 'a/b'), join(root, 'a/b-old'));
    mkdirSync(join(outside, 'b'));
    writeFileSync(join(outside, 'b', 'file'), 'x');
    symlinkSync(join(outside, 'b'), join(root, 'a/b'));
    withPathCache(() => expect(checkRepoPath(root, 'a/b/file', 'file')).toEqual({ kind: 'outside', real: join(outside, 'b', 'file') }));
  });

  it('reports version files behind symlinks out of the repo through readAllVersions as before', () => {
    const dir = makeDir({
      'lanes.yaml': ['project: shop', 'components:', '  - name: api', '    version: { files: [a/VERSION, inner/VERSION] }', ''].join('\n'),
      'a/VERSION': '1.0.0\n',
      'inner/VERSION': '1.0.0\n',
    });
    const config = loadConfig(dir);
    // Swapped after lanes.yaml was checked: the version reading must see it (no cache between passes).
    rmSync(join(dir, 'inner'), { recursive: true });
    symlinkSync(join(outside, 'dir'), join(dir, 'inner'));
    const error = (() => {
      try {
        withPathCache(() => readAllVersions(config));
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error('read');
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.issues.map((i) => i.message).join('\n')).toContain('leads outside the monorepo through a symlink');
  });
});

describe('regex version files matched in one batch', () => {
  const spec = (pattern: string): VersionFileSpec => ({ file: 'build.gradle', format: 'regex', pattern, yamlPath: 'components[0].version.file' });
  const alone = (content: string, s: VersionFileSpec) => {
    try {
      return { tokens: regexFile.locate(content, s) };
    } catch (e) {
      return { error: (e as Error).message };
    }
  };

  it('gives each file the match it gets alone, errors included', () => {
    const jobs = [
      { content: 'version = "1.2.3"\n', pattern: '^version = "(?<version>[^"]+)"' },
      { content: 'x\nversion = "2.0.0"\n', pattern: '^version = "(?<version>[^"]+)"' },
      { content: 'nothing here', pattern: '^version = "(?<version>[^"]+)"' },
      { content: 'v=1', pattern: '(?<version>[' },
      { content: 'v=1', pattern: 'v=(?<other>\\d)' },
    ];
    const before = jobs.map((j) => alone(j.content, spec(j.pattern)));
    const batched = withPatternsMatched(jobs, () => jobs.map((j) => alone(j.content, spec(j.pattern))));
    expect(batched).toEqual(before);
    expect(before[0]).toEqual({ tokens: [{ start: 11, end: 16, value: '1.2.3', label: 'pattern' }] });
    expect(before[3]).toHaveProperty('error');
  });

  it('still stops a pattern that backtracks for more than the limit, and matches the files after it', () => {
    const slow = { content: `${'a'.repeat(40)}!`, pattern: '^(?<version>(?:a|a)*)$' };
    const fast = { content: 'version = "1.2.3"\n', pattern: '^version = "(?<version>[^"]+)"' };
    const jobs = [fast, slow, { ...fast, content: 'version = "3.0.0"\n' }];
    const batched = withPatternsMatched(jobs, () => jobs.map((j) => alone(j.content, spec(j.pattern))));
    expect(batched[0]).toEqual({ tokens: [{ start: 11, end: 16, value: '1.2.3', label: 'pattern' }] });
    expect(batched[1]).toEqual({ error: expect.stringContaining('ran for more than 1 s') });
    expect(batched[2]).toEqual({ tokens: [{ start: 11, end: 16, value: '3.0.0', label: 'pattern' }] });
  }, 10_000);
});

describe('changedFilesSince over many release commits', () => {
  it('answers each commit as a diff of that commit alone would, absent ones included', async () => {
    const dir = makeRepo({ 'sub/f0': '0' });
    const commits = [git(dir, 'rev-parse', 'HEAD')];
    for (let i = 1; i <= 11; i++) {
      writeFileSync(join(dir, i % 3 === 0 ? `f${i}` : `sub/f${i}`), String(i));
      commits.push(commitAll(dir, `c${i}`));
    }
    const head = commits.at(-1)!;
    const absent = 'f'.repeat(40);
    const asked = [commits[3]!, absent, ...commits, commits[0]!];
    const all = await changedFilesSince(dir, head, asked, 'sub/');
    const alone = new Map<string, string[] | undefined>();
    for (const c of new Set(asked)) alone.set(c, (await changedFilesSince(dir, head, [c], 'sub/')).get(c));
    expect([...all.keys()].sort()).toEqual([...alone.keys()].sort());
    for (const [c, files] of alone) expect(all.get(c)).toEqual(files);
    expect(all.get(absent)).toBeUndefined();
    expect(all.get(commits[0]!)).toEqual(['f1', 'f10', 'f11', 'f2', 'f4', 'f5', 'f7', 'f8']);
    expect(all.get(head)).toEqual([]);
  });

  it('reads a SHA-256 repository, whose commit names are 64 hex digits, as a SHA-1 one', async () => {
    const dir = makeDir({ 'sub/a': '1' });
    git(dir, 'init', '-q', '-b', 'main', '--object-format=sha256');
    const first = commitAll(dir, 'first');
    writeFileSync(join(dir, 'sub/b'), '2');
    const head = commitAll(dir, 'second');
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    const changed = await changedFilesSince(dir, head, [first, head], 'sub/');
    expect(changed.get(first)).toEqual(['b']);
    expect(changed.get(head)).toEqual([]);
  });
});
