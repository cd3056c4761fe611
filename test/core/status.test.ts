import { appendFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { lanes } from '../helpers/cli.js';
import { commitAll, exampleRepo, git, makeDir } from '../helpers/repo.js';

const row = (status: any, name: string) => status.rows.find((r: any) => r.component === name);

describe('lanes status', () => {
  it('prints one row per component of the example', async () => {
    const r = await lanes(['status', '--source', exampleRepo()]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/COMPONENT\s+VERSION\s+FILES\s+LAST RELEASE\s+CHANGED SINCE\s+STATE/);
    expect(r.stdout).toMatch(/dsx-connect\s+0\.3\.88\s+agree\s+-\s+-\s+never released/);
    expect(r.stdout).toMatch(/dsxa\s+-\s+agree\s+-\s+-\s+external/);
    expect(r.stdout).toContain('no release tags found');
  });

  it('reads the last release from component tags and product tags', async () => {
    const dir = exampleRepo();
    git(dir, 'tag', 'v0.3.88');
    git(dir, 'tag', 'aws-s3-connector-v0.5.2');
    git(dir, 'tag', 'aws-s3-connector-v0.5.1');
    const s = (await lanes(['status', '--json', '--source', dir])).json();
    expect(row(s, 'dsx-connect')).toMatchObject({ lastRelease: { version: '0.3.88', tag: 'v0.3.88' }, state: 'up to date', needsBump: false });
    expect(row(s, 'aws-s3-connector')).toMatchObject({ lastRelease: { version: '0.5.2', tag: 'aws-s3-connector-v0.5.2' }, state: 'up to date' });
    expect(row(s, 'filesystem-connector')).toMatchObject({ state: 'never released' });
  });

  it('flags a component whose sources changed without a bump, and only that one', async () => {
    const dir = exampleRepo();
    git(dir, 'tag', 'aws-s3-connector-v0.5.2');
    git(dir, 'tag', 'filesystem-connector-v0.2.7');
    writeFileSync(join(dir, 'connectors/aws_s3/server.py'), '# changed\n');
    writeFileSync(join(dir, 'README.md'), 'not part of any component\n');
    commitAll(dir, 'change the connector');
    const r = await lanes(['status', '--json', '--source', dir]);
    const s = r.json();
    expect(row(s, 'aws-s3-connector')).toMatchObject({ state: 'needs bump', needsBump: true, changedSinceRelease: ['connectors/aws_s3/server.py'] });
    expect(row(s, 'filesystem-connector')).toMatchObject({ state: 'up to date', changedSinceRelease: [] });
    expect(s.findings).toEqual([expect.objectContaining({ code: 'W_CHANGED_NOT_BUMPED', component: 'aws-s3-connector', severity: 'warning' })]);
    expect(s.findings[0].message).toContain('connectors/aws_s3/server.py changed since aws-s3-connector-v0.5.2 but the version is still 0.5.2; run lanes bump aws-s3-connector --patch');
  });

  it.each([
    ['loose', false],
    ['packed (as a clone or git gc leaves them)', true],
  ])('reads annotated tags, %s, and a tag of a tag, as the commit they tag', async (_how, packed) => {
    const dir = exampleRepo();
    git(dir, 'tag', '-a', '-m', 'release', 'aws-s3-connector-v0.5.2');
    git(dir, 'tag', '-a', '-m', 'release', 'fs-release', 'HEAD');
    git(dir, 'tag', '-a', '-m', 'a tag of a tag', 'filesystem-connector-v0.2.7', 'fs-release');
    writeFileSync(join(dir, 'connectors/aws_s3/server.py'), '# changed\n');
    commitAll(dir, 'change the connector');
    if (packed) git(dir, 'pack-refs', '--all');
    const s = (await lanes(['status', '--json', '--source', dir])).json();
    expect(row(s, 'aws-s3-connector')).toMatchObject({ lastRelease: { version: '0.5.2', tag: 'aws-s3-connector-v0.5.2' }, state: 'needs bump', changedSinceRelease: ['connectors/aws_s3/server.py'] });
    expect(row(s, 'filesystem-connector')).toMatchObject({ lastRelease: { version: '0.2.7', tag: 'filesystem-connector-v0.2.7' }, state: 'up to date', changedSinceRelease: [] });
  });

  it('reads annotated tags as their commits beside a broken tag file (left empty by a crash)', async () => {
    const dir = exampleRepo();
    git(dir, 'tag', '-a', '-m', 'release', 'aws-s3-connector-v0.5.2');
    writeFileSync(join(dir, '.git/refs/tags/broken'), '');
    writeFileSync(join(dir, 'connectors/aws_s3/server.py'), '# changed\n');
    commitAll(dir, 'change the connector');
    const s = (await lanes(['status', '--json', '--source', dir])).json();
    expect(row(s, 'aws-s3-connector')).toMatchObject({ lastRelease: { version: '0.5.2', tag: 'aws-s3-connector-v0.5.2' }, state: 'needs bump', changedSinceRelease: ['connectors/aws_s3/server.py'] });
  });

  it('shows a bumped, unreleased component', async () => {
    const dir = exampleRepo();
    git(dir, 'tag', 'aws-s3-connector-v0.5.2');
    await lanes(['bump', 'aws-s3-connector', '--patch', '--source', dir]);
    commitAll(dir, 'bump');
    expect(row((await lanes(['status', '--json', '--source', dir])).json(), 'aws-s3-connector')).toMatchObject({ version: '0.5.3', state: 'bumped, unreleased', needsBump: false });
  });

  it('names every disagreeing file with its value', async () => {
    const dir = exampleRepo();
    const chart = join(dir, 'dsx_connect/deploy/helm/Chart.yaml');
    const { readFileSync } = await import('node:fs');
    writeFileSync(chart, readFileSync(chart, 'utf8').replace('appVersion: "0.3.88"', 'appVersion: "0.3.87"'));
    const r = await lanes(['status', '--source', dir]);
    expect(r.stdout).toContain('dsx-connect version files: dsx_connect/version.py DSX_CONNECT_VERSION=0.3.88, dsx_connect/deploy/docker/sample.core.env DSXCONNECT_IMAGE=0.3.88');
    expect(r.stdout).toContain('dsx_connect/deploy/helm/Chart.yaml appVersion=0.3.87');
    expect(r.stdout).toContain('E_VERSION_MISMATCH');
  });

  it('names the branch of a repository without a commit yet', async () => {
    const dir = exampleRepo();
    rmSync(join(dir, '.git'), { recursive: true, force: true });
    git(dir, 'init', '-q', '-b', 'trunk');
    const s = (await lanes(['status', '--json', '--source', dir])).json();
    expect(s).toMatchObject({ branch: 'trunk', detached: false });
  });

  it('names the branch beside a ref that makes HEAD ambiguous (a tag named HEAD)', async () => {
    const dir = exampleRepo();
    git(dir, 'tag', 'HEAD');
    const s = (await lanes(['status', '--json', '--source', dir])).json();
    expect(s).toMatchObject({ branch: 'main', detached: false });
  });

  it('names the branch of a repository without a commit even with a file named HEAD in it', async () => {
    const dir = exampleRepo();
    rmSync(join(dir, '.git'), { recursive: true, force: true });
    git(dir, 'init', '-q', '-b', 'trunk');
    writeFileSync(join(dir, 'HEAD'), '');
    const s = (await lanes(['status', '--json', '--source', dir])).json();
    expect(s).toMatchObject({ branch: 'trunk', detached: false });
  });

  it('says so on a detached HEAD', async () => {
    const dir = exampleRepo();
    git(dir, 'checkout', '-q', '--detach', 'HEAD');
    const r = await lanes(['status', '--source', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/note: detached HEAD at [0-9a-f]{7}/);
  });

  it('in a shallow clone without tags (CI checkout), says the tags may be missing', async () => {
    const dir = exampleRepo();
    git(dir, 'tag', 'aws-s3-connector-v0.5.2');
    commitAll(dir, 'one');
    const clone = mkdtempSync(join(tmpdir(), 'lanes-shallow-'));
    execFileSync('git', ['clone', '-q', '--depth', '1', '--no-tags', `file://${dir}`, clone]);
    const r = await lanes(['status', '--source', clone]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('no release tags found');
    expect(r.stdout).toContain('this shallow clone may simply lack them (git fetch --tags --unshallow)');
  });

  it('in a shallow clone whose tag commit is missing, marks the change as unknown', async () => {
    const dir = exampleRepo();
    git(dir, 'tag', 'aws-s3-connector-v0.5.2');
    const tagged = git(dir, 'rev-parse', 'HEAD');
    writeFileSync(join(dir, 'connectors/aws_s3/server.py'), '# 1\n');
    commitAll(dir, 'one');
    const clone = mkdtempSync(join(tmpdir(), 'lanes-shallow-'));
    execFileSync('git', ['clone', '-q', '--depth', '1', '--no-tags', `file://${dir}`, clone]);
    // The tag is known (as after fetching tags only) but its commit is not in the shallow history.
    appendFileSync(join(clone, '.git/packed-refs'), `${tagged} refs/tags/aws-s3-connector-v0.5.2\n`);
    const s = (await lanes(['status', '--json', '--source', clone])).json();
    expect(s.shallow).toBe(true);
    expect(row(s, 'aws-s3-connector')).toMatchObject({ state: 'unknown', needsBump: 'unknown', changedSinceRelease: 'unknown' });
    expect(s.findings).toContainEqual(expect.objectContaining({ code: 'W_SHALLOW_CLONE', message: expect.stringContaining('changes since the last release of aws-s3-connector cannot be known') }));
  });

  it('warns about a directory that looks like a forgotten component', async () => {
    const dir = exampleRepo();
    writeFileSync(join(dir, 'lanes.yaml'), (await import('node:fs')).readFileSync(join(dir, 'lanes.yaml'), 'utf8'));
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(dir, 'connectors/azure_blob'), { recursive: true });
    writeFileSync(join(dir, 'connectors/azure_blob/Dockerfile'), 'FROM scratch\n');
    const s = (await lanes(['status', '--json', '--source', dir])).json();
    expect(s.findings).toContainEqual(expect.objectContaining({ code: 'W_UNLISTED_COMPONENT', message: expect.stringContaining('connectors/azure_blob looks like a component') }));
  });

  it('ignores a stray tag that is not strict semver, reports it and exits 0 (text and --json)', async () => {
    const dir = exampleRepo();
    git(dir, 'tag', 'v0.3.88');
    git(dir, 'tag', 'v09.9.9');
    const text = await lanes(['status', '--source', dir]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/dsx-connect\s+0\.3\.88\s+agree\s+0\.3\.88 \(v0\.3\.88\)/);
    expect(text.stdout).toContain('W_TAG_NOT_SEMVER: tag v09.9.9 (v{version}) looks like a release but names no semantic version');
    const s = (await lanes(['status', '--json', '--source', dir])).json();
    expect(s.history.ignored).toEqual([expect.objectContaining({ tag: 'v09.9.9', template: 'v{version}' })]);
  });

  it('says the last releases come from the tags reachable from HEAD', async () => {
    const dir = exampleRepo();
    git(dir, 'tag', 'aws-s3-connector-v0.5.2');
    git(dir, 'checkout', '-q', '-b', 'next');
    commitAll(dir, 'next');
    git(dir, 'tag', 'aws-s3-connector-v0.6.0');
    git(dir, 'checkout', '-q', 'main');
    const r = await lanes(['status', '--source', dir]);
    expect(r.stdout).toMatch(/aws-s3-connector\s+0\.5\.2\s+agree\s+0\.5\.2 \(aws-s3-connector-v0\.5\.2\)/);
    expect(r.stdout).toContain('note: last releases are read from the tags reachable from HEAD (1 of 2 tags); 1 tag on other branches is not counted');
  });

  it('works outside git, saying history is unknown', async () => {
    const dir = makeDir({ 'lanes.yaml': 'project: p\ncomponents:\n  - { name: a, version: { file: VERSION } }\n', VERSION: '1.0.0\n' });
    const r = await lanes(['status', '--source', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('not a git repository');
  });
});

describe('a monorepo below the git root', () => {
  it('reads changes relative to the directory holding lanes.yaml', async () => {
    const top = makeDir({});
    const { cpSync } = await import('node:fs');
    const { EXAMPLE } = await import('../helpers/repo.js');
    cpSync(EXAMPLE, join(top, 'apps/dsx'), { recursive: true });
    git(top, 'init', '-q', '-b', 'main');
    commitAll(top, 'initial');
    git(top, 'tag', 'aws-s3-connector-v0.5.2');
    writeFileSync(join(top, 'apps/dsx/connectors/aws_s3/server.py'), '# changed\n');
    commitAll(top, 'change');
    const s = (await lanes(['status', '--json', '--source', join(top, 'apps/dsx')])).json();
    expect(row(s, 'aws-s3-connector')).toMatchObject({ state: 'needs bump', changedSinceRelease: ['connectors/aws_s3/server.py'] });
  });
});
