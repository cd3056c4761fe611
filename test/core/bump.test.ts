import { lstatSync, readdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT, LanesError } from '../../src/errors.js';
import { applyEdits } from '../../src/versions/apply-edits.js';
import { lanes } from '../helpers/cli.js';
import { exampleRepo, git, makeDir, makeRepo, read } from '../helpers/repo.js';

const desktopFiles = ['dsxa_desktop/package.json', 'dsxa_desktop/package-lock.json', 'dsxa_desktop/src-tauri/tauri.conf.json', 'dsxa_desktop/src-tauri/Cargo.toml', 'dsxa_desktop/src-tauri/Cargo.lock'];

describe('lanes bump', () => {
  it('moves all five desktop version files together and changes nothing but the version', async () => {
    const dir = exampleRepo();
    const before = Object.fromEntries(desktopFiles.map((f) => [f, read(dir, f)]));
    const r = await lanes(['bump', 'dsxa-desktop', '--minor', '--source', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('dsxa-desktop: 1.2.0 -> 1.3.0');
    for (const f of desktopFiles) {
      // Byte-for-byte: putting the old version back gives the original file.
      expect(read(dir, f).replaceAll('1.3.0', '1.2.0')).toBe(before[f]);
      expect(read(dir, f)).not.toBe(before[f]);
    }
    expect(read(dir, 'dsxa_desktop/package-lock.json')).toContain('"node_modules/@tauri-apps/cli": {\n      "version": "2.0.0"');
    expect(read(dir, 'dsxa_desktop/src-tauri/Cargo.lock')).toContain('name = "serde"\nversion = "1.0.210"');
  });

  it('keeps the core\'s version.py, env pin, compose default and Chart.yaml in step', async () => {
    const dir = exampleRepo();
    await lanes(['bump', 'dsx-connect', '--version', '0.4.0', '--source', dir]);
    expect(read(dir, 'dsx_connect/version.py')).toContain('DSX_CONNECT_VERSION = "0.4.0"');
    expect(read(dir, 'dsx_connect/deploy/docker/sample.core.env')).toContain('DSXCONNECT_IMAGE=dsxconnect/dsx-connect:0.4.0');
    expect(read(dir, 'dsx_connect/deploy/docker/docker-compose-dsx-connect-all-services.yaml')).toContain('${DSXCONNECT_IMAGE:-dsxconnect/dsx-connect:0.4.0}');
    expect(read(dir, 'dsx_connect/deploy/helm/Chart.yaml')).toContain('version: 0.4.0\nappVersion: "0.4.0"');
    expect(git(dir, 'status', '--porcelain').split('\n')).toHaveLength(4);
  });

  it.each([
    [['--patch'], '0.5.3'],
    [['--minor'], '0.6.0'],
    [['--major'], '1.0.0'],
    [['--pre', 'rc'], '0.5.3-rc.0'],
    [['--version', 'v0.9.1'], '0.9.1'],
  ])('%j takes 0.5.2 to %s', async (flags, expected) => {
    const dir = exampleRepo();
    const r = await lanes(['bump', 'aws-s3-connector', ...flags, '--source', dir]);
    expect(r.code).toBe(0);
    expect(read(dir, 'connectors/aws_s3/version.py')).toContain(`CONNECTOR_VERSION = "${expected}"`);
  });

  it('advances a prerelease of the same id', async () => {
    const dir = exampleRepo();
    await lanes(['bump', 'aws-s3-connector', '--pre', 'rc', '--source', dir]);
    await lanes(['bump', 'aws-s3-connector', '--pre', 'rc', '--source', dir]);
    expect(read(dir, 'connectors/aws_s3/version.py')).toContain('"0.5.3-rc.1"');
  });

  it('shows a diff and writes nothing with --dry-run', async () => {
    const dir = exampleRepo();
    const r = await lanes(['bump', 'filesystem-connector', '--patch', '--dry-run', '--source', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--- a/connectors/filesystem/version.py');
    expect(r.stdout).toContain('-CONNECTOR_VERSION = "0.2.7"\n+CONNECTOR_VERSION = "0.2.8"');
    expect(git(dir, 'status', '--porcelain')).toBe('');
  });

  it('refuses a version that is not greater, unless --allow-downgrade', async () => {
    const dir = exampleRepo();
    const refused = await lanes(['bump', 'aws-s3-connector', '--version', '0.5.2', '--source', dir]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('E_VERSION_NOT_GREATER: aws-s3-connector 0.5.2 is not greater than the checked-in 0.5.2');
    expect(git(dir, 'status', '--porcelain')).toBe('');
    const allowed = await lanes(['bump', 'aws-s3-connector', '--version', '0.5.0', '--allow-downgrade', '--source', dir]);
    expect(allowed.code).toBe(0);
    expect(read(dir, 'connectors/aws_s3/version.py')).toContain('"0.5.0"');
  });

  it('refuses a version not above the last released tag', async () => {
    const dir = exampleRepo();
    git(dir, 'tag', 'aws-s3-connector-v0.7.0');
    const r = await lanes(['bump', 'aws-s3-connector', '--version', '0.6.0', '--source', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('not greater than the last released 0.7.0');
  });

  it('brings disagreeing files into agreement', async () => {
    const dir = exampleRepo();
    const env = 'connectors/aws_s3/deploy/docker/sample.aws.env';
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir, env), read(dir, env).replace(':0.5.2', ':0.5.1'));
    expect((await lanes(['status', '--source', dir])).stdout).toContain('DISAGREE');
    await lanes(['bump', 'aws-s3-connector', '--patch', '--source', dir]);
    expect(read(dir, env)).toContain(':0.5.3');
    expect((await lanes(['status', '--source', dir])).stdout).not.toContain('DISAGREE');
  });

  it('bumps several components together, or none when one of them cannot be bumped', async () => {
    const dir = exampleRepo();
    git(dir, 'tag', 'filesystem-connector-v0.3.0');
    const refused = await lanes(['bump', 'aws-s3-connector', 'filesystem-connector', '--patch', '--source', dir]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('filesystem-connector 0.2.8 is not greater than the last released 0.3.0');
    expect(git(dir, 'status', '--porcelain')).toBe('');
    const ok = await lanes(['bump', 'aws-s3-connector', 'dsx-connect', '--patch', '--source', dir]);
    expect(ok.stdout).toContain('aws-s3-connector: 0.5.2 -> 0.5.3');
    expect(ok.stdout).toContain('dsx-connect: 0.3.88 -> 0.3.89');
  });

  it('--changed bumps exactly the components changed since their last release', async () => {
    const dir = exampleRepo();
    for (const tag of ['dsx-connect-v0.3.88', 'aws-s3-connector-v0.5.2', 'filesystem-connector-v0.2.7']) git(dir, 'tag', tag);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir, 'connectors/filesystem/server.py'), '# changed\n');
    git(dir, 'commit', '-qam', 'change the filesystem connector');
    const r = await lanes(['bump', '--changed', '--minor', '--json', '--source', dir]);
    expect(r.json().bumps.map((b: any) => [b.component, b.to])).toEqual([['filesystem-connector', '0.3.0']]);
    const none = await lanes(['bump', '--changed', '--minor', '--source', dir]);
    expect(none.stdout).toBe('every component changed since its last release already has a new version: nothing to bump');
  });

  it('leaves no temporary files behind', async () => {
    const dir = makeRepo({ 'lanes.yaml': 'project: p\ncomponents:\n  - { name: a, version: { file: VERSION } }\n', VERSION: '1.0.0\n' });
    await lanes(['bump', 'a', '--patch', '--source', dir]);
    expect(read(dir, 'VERSION')).toBe('1.0.1\n');
    expect(readdirSync(dir).filter((f) => f.includes('.lanes-'))).toEqual([]);
  });

  it('prints what it wrote as JSON', async () => {
    const dir = exampleRepo();
    const r = await lanes(['bump', 'dsxa-desktop', '--patch', '--json', '--source', dir]);
    expect(r.json()).toMatchObject({ dryRun: false, bumps: [{ component: 'dsxa-desktop', from: '1.2.0', to: '1.2.1', edits: desktopFiles.map((path) => ({ path })) }] });
  });
});

describe('lanes bump on pyproject.toml, a VERSION file and a regex, in one git repo', () => {
  it('changes the version token of each and leaves every other byte', async () => {
    const files = {
      'lanes.yaml': [
        'project: formats',
        'components:',
        '  - { name: pep621, version: { file: pep621/pyproject.toml } }',
        '  - { name: poetry, version: { file: poetry/pyproject.toml } }',
        '  - { name: plain, version: { file: plain/VERSION } }',
        "  - { name: gradle, version: { files: [{ file: gradle/build.gradle, format: regex, pattern: \"version = '(?<version>[^']+)'\" }] } }",
        '',
      ].join('\n'),
      'pep621/pyproject.toml': '[build-system]\nrequires = ["hatchling"]\n\n[project]\nname = "pep621"\nversion = "0.9.0"  # managed by lanes\ndependencies = ["x>=1.0.0"]\n',
      'poetry/pyproject.toml': "[tool.poetry]\nname = 'poetry'\nversion = '2.0.0'\n\n[tool.poetry.dependencies]\npython = '^3.11'\n",
      'plain/VERSION': '3.1.4\n',
      'gradle/build.gradle': "plugins { id 'java' }\nversion = '1.0.0'\ngroup = 'x'\n",
    };
    const dir = makeRepo(files);
    for (const name of ['pep621', 'poetry', 'plain', 'gradle']) expect((await lanes(['bump', name, '--major', '--source', dir])).code).toBe(0);
    expect(read(dir, 'pep621/pyproject.toml')).toBe(files['pep621/pyproject.toml'].replace('"0.9.0"', '"1.0.0"'));
    expect(read(dir, 'poetry/pyproject.toml')).toBe(files['poetry/pyproject.toml'].replace("'2.0.0'", "'3.0.0'"));
    expect(read(dir, 'plain/VERSION')).toBe('4.0.0\n');
    expect(read(dir, 'gradle/build.gradle')).toBe(files['gradle/build.gradle'].replace("'1.0.0'", "'2.0.0'"));
    expect(git(dir, 'diff', '--numstat').split('\n').map((l) => l.split('\t').slice(0, 2).join(' '))).toEqual(['1 1', '1 1', '1 1', '1 1']);
  });
});

describe('lanes bump on symlinked and shared version files', () => {
  const oneFile = (version: string) => `project: p\ncomponents:\n  - { name: a, version: ${version} }\n`;

  it('writes through a symlink to a file inside the repo, and the symlink stays a symlink', async () => {
    const dir = makeDir({ 'lanes.yaml': oneFile('{ file: VERSION }'), 'real/VERSION': '1.0.0\n' });
    symlinkSync('real/VERSION', join(dir, 'VERSION'));
    const r = await lanes(['bump', 'a', '--patch', '--source', dir]);
    expect(r.code).toBe(0);
    expect(lstatSync(join(dir, 'VERSION')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(dir, 'VERSION'))).toBe('real/VERSION');
    expect(read(dir, 'real/VERSION')).toBe('1.0.1\n');
  });

  it('refuses a version file whose symlink leads out of the repo, and writes nothing there', async () => {
    const outside = makeDir({ VERSION: '1.0.0\n' });
    const dir = makeDir({ 'lanes.yaml': oneFile('{ file: VERSION }') });
    symlinkSync(join(outside, 'VERSION'), join(dir, 'VERSION'));
    const r = await lanes(['bump', 'a', '--patch', '--source', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error[E_CONFIG]');
    expect(r.stderr).toContain('components[0].version.file: VERSION leads outside the monorepo');
    expect(read(outside, 'VERSION')).toBe('1.0.0\n');
  });

  it('refuses the same file listed twice in one component as a config error naming both entries', async () => {
    const dir = makeDir({ 'lanes.yaml': oneFile('{ files: [VERSION, ./VERSION] }'), VERSION: '1.0.0\n' });
    const r = await lanes(['bump', 'a', '--patch', '--source', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('components[0].version.files[1]: VERSION is listed twice (also components[0].version.files[0]); remove one');
    expect(read(dir, 'VERSION')).toBe('1.0.0\n');
  });

  it('writes one file named by two entries (a symlink and its target) once', async () => {
    const dir = makeDir({ 'lanes.yaml': oneFile('{ files: [VERSION, { file: LINK, format: plain }] }'), VERSION: '1.0.0\n' });
    symlinkSync('VERSION', join(dir, 'LINK'));
    const r = await lanes(['bump', 'a', '--patch', '--source', dir]);
    expect(r.code).toBe(0);
    expect(read(dir, 'VERSION')).toBe('1.0.1\n');
  });

  it('bumps two components sharing one VERSION file when they agree, and refuses when they would write it differently', async () => {
    const yaml = 'project: p\ncomponents:\n  - { name: a, version: { files: [VERSION, a/VERSION] } }\n  - { name: b, version: { files: [VERSION, b/VERSION] } }\n';
    const agree = makeDir({ 'lanes.yaml': yaml, VERSION: '1.0.0\n', 'a/VERSION': '1.0.0\n', 'b/VERSION': '1.0.0\n' });
    expect((await lanes(['bump', 'a', 'b', '--patch', '--source', agree])).code).toBe(0);
    expect(read(agree, 'VERSION')).toBe('1.0.1\n');
    const differ = makeDir({ 'lanes.yaml': yaml, VERSION: '1.0.0\n', 'a/VERSION': '1.1.0\n', 'b/VERSION': '1.0.0\n' });
    const r = await lanes(['bump', 'a', 'b', '--patch', '--source', differ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error[E_USAGE]: VERSION is a version file of more than one of the components being bumped');
    expect(read(differ, 'a/VERSION')).toBe('1.1.0\n');
  });

  it('refuses build metadata for a component with an image, and says why', async () => {
    const dir = makeDir({ 'lanes.yaml': 'project: p\ncomponents:\n  - { name: a, version: { file: VERSION }, image: { name: a } }\n', VERSION: '1.0.0\n', Dockerfile: 'FROM scratch\n' });
    const r = await lanes(['bump', 'a', '--version', '1.0.1+b1', '--source', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error[E_USAGE]: a 1.0.1+b1: build metadata (+b1) cannot be part of an image tag');
    expect(read(dir, 'VERSION')).toBe('1.0.0\n');
  });
});

describe('applyEdits when the disk changes under it', () => {
  const setup = () => makeDir({ A: '1.0.0\n', B: '1.0.0\n' });
  const edits = [
    { path: 'A', before: '1.0.0\n', after: '1.0.1\n' },
    { path: 'B', before: '1.0.0\n', after: '1.0.1\n' },
  ];
  const failure = (fn: () => void): LanesError => {
    try {
      fn();
    } catch (e) {
      return e as LanesError;
    }
    throw new Error('expected applyEdits to fail');
  };

  it('reports a file removed after it was read as E_VERSION_FILE_MISSING, exit 1, not "not writable", and writes nothing', () => {
    const dir = setup();
    rmSync(join(dir, 'B'));
    const e = failure(() => applyEdits(dir, edits));
    expect([e.code, e.exitCode]).toEqual(['E_VERSION_FILE_MISSING', EXIT.failed]);
    expect(e.message).toContain('B: no longer exists');
    expect(read(dir, 'A')).toBe('1.0.0\n');
  });

  it('reports a file another process changed as E_VERSION_FILE_CHANGED, exit 1, and writes nothing', () => {
    const dir = setup();
    writeFileSync(join(dir, 'B'), '1.0.5\n');
    const e = failure(() => applyEdits(dir, edits));
    expect([e.code, e.exitCode]).toEqual(['E_VERSION_FILE_CHANGED', EXIT.failed]);
    expect(read(dir, 'A')).toBe('1.0.0\n');
    expect(read(dir, 'B')).toBe('1.0.5\n');
  });

  it('leaves no staged file behind when it refuses', () => {
    const dir = setup();
    rmSync(join(dir, 'B'));
    failure(() => applyEdits(dir, edits));
    expect(readdirSync(dir)).toEqual(['A']);
  });
});

describe('lanes bump --dry-run', () => {
  /** The files bump would change, applied by git from the printed diff, compared with what bump itself writes. */
  async function appliedEqualsWritten(files: Record<string, string>, args: string[]) {
    const dry = makeRepo(files);
    const r = await lanes(['bump', ...args, '--dry-run', '--source', dry]);
    expect(r.code, r.stderr).toBe(0);
    expect(git(dry, 'status', '--porcelain')).toBe('');
    execFileSync('git', ['apply', '--check', '-'], { cwd: dry, input: `${r.stdout}\n` }); // as a terminal gets it: every line ends
    execFileSync('git', ['apply', '-'], { cwd: dry, input: `${r.stdout}\n` });
    const wet = makeRepo(files);
    expect((await lanes(['bump', ...args, '--source', wet])).code).toBe(0);
    for (const path of Object.keys(files)) expect(read(dry, path), path).toBe(read(wet, path));
  }

  it('prints a patch that `git apply` accepts and that makes exactly the change bump makes', async () => {
    await appliedEqualsWritten(
      {
        'lanes.yaml': 'project: p\ncomponents:\n  - name: app\n    path: app\n    version: { files: [app/version.py, app/VERSION] }\n',
        'app/version.py': '"""The app."""\n\nimport os\n\n# the one version\n__version__ = "1.2.3"\n\nDEBUG = os.environ.get("DEBUG")\nNAME = "app"\nOTHER = 1\nMORE = 2\n',
        'app/VERSION': '1.2.3',
      },
      ['app', '--minor'],
    );
  });

  it('keeps CRLF line endings in the patch, so it still applies', async () => {
    await appliedEqualsWritten(
      { 'lanes.yaml': 'project: p\ncomponents:\n  - name: app\n    path: app\n    version: { file: app/package.json }\n', 'app/package.json': '{\r\n  "name": "app",\r\n  "version": "0.1.0"\r\n}\r\n' },
      ['app', '--patch'],
    );
  });
});
