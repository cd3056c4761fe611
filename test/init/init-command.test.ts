import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../src/config/load.js';
import { lanes } from '../helpers/cli.js';
import { commitAll, EXAMPLE, exampleRepo, git, makeDir, makeRepo } from '../helpers/repo.js';

/** The example monorepo as a git repository without its hand-written lanes.yaml. */
function exampleWithoutConfig(): string {
  const dir = exampleRepo();
  git(dir, 'rm', '-q', 'lanes.yaml');
  commitAll(dir, 'no lanes.yaml');
  return dir;
}

/** init, then check local and status, each of which must succeed. */
async function initAndCheck(dir: string) {
  const init = await lanes(['init', '--source', dir]);
  expect(init.code, init.stderr).toBe(0);
  const check = await lanes(['check', 'local', '--source', dir]);
  expect(check.code, `${check.stdout}\n${check.stderr}\n${readFileSync(join(dir, 'lanes.yaml'), 'utf8')}`).toBe(0);
  const status = await lanes(['status', '--json', '--source', dir]);
  expect(status.code, status.stderr).toBe(0);
  return { init, config: loadConfig(dir), status: status.json() };
}

const row = (status: any, name: string) => status.rows.find((r: any) => r.component === name);

describe('lanes init on the example monorepo without its lanes.yaml', () => {
  it('writes a lanes.yaml that check local accepts and status reads, with every component of the hand-written one', async () => {
    const dir = exampleWithoutConfig();
    const { config, status } = await initAndCheck(dir);
    const written = loadConfig(EXAMPLE);
    expect(config.components.map((c) => c.name).sort()).toEqual(written.components.map((c) => c.name).sort());
    expect(status.rows.map((r: any) => r.component).sort()).toEqual(written.components.map((c) => c.name).sort());
    for (const hand of written.components) {
      const got = config.components.find((c) => c.name === hand.name)!;
      expect(got.path, hand.name).toBe(hand.path);
      expect(got.image && { name: got.image.name, dockerfile: got.image.dockerfile, context: got.image.context }, hand.name).toEqual(hand.image && { name: hand.image.name, dockerfile: hand.image.dockerfile, context: hand.image.context });
      expect(got.chart?.path, hand.name).toBe(hand.chart?.path);
      expect(got.chart?.values, hand.name).toEqual(hand.chart?.values);
      expect(got.compose, hand.name).toEqual(hand.compose);
      expect(got.external, hand.name).toEqual(hand.external);
      // Every version file of the hand-written config, read the same way (init also keeps the connectors' compose default pins in step).
      const files = (c: typeof hand) => c.versionFiles.map((v) => JSON.stringify([v.file, v.format, v.key, v.pattern]));
      expect(files(got), hand.name).toEqual(expect.arrayContaining(files(hand)));
      expect(row(status, hand.name).state, hand.name).toBe(hand.external ? 'external' : 'never released');
    }
    expect(config.compose.network).toBe(written.compose.network);
    expect(config.release).toMatchObject({ tag: 'v{version}', versionOf: 'dsx-connect', componentTag: '{component}-v{version}' });
  });

  it('starts the file with the yaml-language-server $schema line, then explains itself in comments', async () => {
    const dir = exampleWithoutConfig();
    await lanes(['init', '--source', dir]);
    const text = readFileSync(join(dir, 'lanes.yaml'), 'utf8');
    expect(text.split('\n')[0]).toMatch(/^# yaml-language-server: \$schema=https:\/\/unpkg\.com\/lanes@\d+\.\d+\.\d+\/lanes\.schema\.json$/);
    expect(text).toContain('# named after its image dsx-connect');
    expect(text).toContain('# UNDECIDED: registries');
  });

  it('points $schema at the installed package when lanes is in the repository\'s node_modules', async () => {
    const dir = exampleWithoutConfig();
    writeFileSync(join(dir, '.gitignore'), '.lanes/\nnode_modules/\n');
    mkdirSync(join(dir, 'node_modules/lanes'), { recursive: true });
    writeFileSync(join(dir, 'node_modules/lanes/lanes.schema.json'), '{}');
    await lanes(['init', '--source', dir]);
    expect(readFileSync(join(dir, 'lanes.yaml'), 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=./node_modules/lanes/lanes.schema.json');
  });

  it('lists what it could not decide on stderr', async () => {
    const r = await lanes(['init', '--source', exampleWithoutConfig()]);
    expect(r.stdout).toMatch(/^wrote lanes\.yaml: 5 components \(dsx-connect, aws-s3-connector, filesystem-connector, dsxa-desktop, dsxa\)/);
    expect(r.stderr).toContain('init: undecided: registries: registries (where push-all-dev and release push) cannot be read from the repository');
  });

  it('--dry-run prints the file and writes nothing', async () => {
    const dir = exampleWithoutConfig();
    const r = await lanes(['init', '--dry-run', '--source', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^# yaml-language-server: \$schema=/);
    expect(parse(r.stdout).components).toHaveLength(5);
    expect(existsSync(join(dir, 'lanes.yaml'))).toBe(false);
  });

  it('--json prints the proposed config and the undecided points', async () => {
    const dir = exampleWithoutConfig();
    const r = await lanes(['init', '--json', '--dry-run', '--source', dir]);
    const out = r.json();
    expect(out).toMatchObject({ ok: true, written: false, dryRun: true, file: 'lanes.yaml', config: { project: 'dsx-connect' } });
    expect(out.config.components.map((c: any) => c.name)).toContain('dsxa');
    expect(out.undecided).toContainEqual({ at: 'registries', message: expect.stringContaining('registries') });
  });
});

describe('lanes init refuses', () => {
  it('to overwrite an existing lanes.yaml (exit 2, E_CONFIG_EXISTS), leaving it as it was', async () => {
    const dir = exampleRepo();
    const before = readFileSync(join(dir, 'lanes.yaml'), 'utf8');
    const r = await lanes(['init', '--source', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error\[E_CONFIG_EXISTS\]: lanes\.yaml already exists .*--dry-run.*--force/);
    expect(readFileSync(join(dir, 'lanes.yaml'), 'utf8')).toBe(before);
  });

  it('nothing with --force: the file is replaced by the proposal', async () => {
    const dir = exampleRepo();
    const r = await lanes(['init', '--force', '--source', dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'lanes.yaml'), 'utf8')).toContain('Written by `lanes init`');
    expect((await lanes(['check', 'local', '--source', dir])).code).toBe(0);
  });

  it('a directory that is not a git repository (E_NOT_A_REPO)', async () => {
    const dir = makeDir({ 'app/Dockerfile': 'FROM busybox\n', 'app/VERSION': '1.0.0\n' });
    const r = await lanes(['init', '--source', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error\[E_NOT_A_REPO\]: .* is not a git repository; .*git init/);
    expect(existsSync(join(dir, 'lanes.yaml'))).toBe(false);
  });

  it('a repository with nothing to describe (exit 2, E_NOTHING_FOUND)', async () => {
    const r = await lanes(['init', '--source', makeRepo({ 'README.md': '# hello\n', 'src/main.c': 'int main() {}\n' })]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error\[E_NOTHING_FOUND\]: found nothing lanes can describe/);
  });

  it('a repository whose only image has no version, saying what to add', async () => {
    const r = await lanes(['init', '--source', makeRepo({ 'app/Dockerfile': 'FROM busybox\n' })]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('app/Dockerfile builds an image but app has no version file lanes can read: add one (a VERSION file');
  });
});

describe('lanes init on other layouts', () => {
  it('a flat services/* npm workspace: one component per service, versions from package.json, one shared compose file', async () => {
    const dir = makeRepo({
      'package.json': JSON.stringify({ name: 'acme', private: true, workspaces: ['services/*'] }, null, 2),
      'services/api/Dockerfile': 'FROM node:20\n',
      'services/api/package.json': JSON.stringify({ name: '@acme/api', version: '1.4.0' }, null, 2),
      'services/api/package-lock.json': JSON.stringify({ name: '@acme/api', version: '1.4.0', lockfileVersion: 3, packages: { '': { name: '@acme/api', version: '1.4.0' } } }, null, 2),
      'services/web/Dockerfile': 'FROM node:20\n',
      'services/web/package.json': JSON.stringify({ name: 'web', version: '2.0.1' }, null, 2),
      'docker-compose.yml': 'services:\n  api:\n    image: ${API_IMAGE:-ghcr.io/acme/api:1.4.0}\n    build: services/api\n  web:\n    image: ${WEB_IMAGE:-ghcr.io/acme/web:2.0.1}\n  db:\n    image: postgres:16\n',
    });
    const { config, init } = await initAndCheck(dir);
    expect(config.project).toBe('acme');
    expect(config.components.map((c) => [c.name, c.path, c.image?.name])).toEqual([
      ['api', 'services/api', 'api'],
      ['web', 'services/web', 'web'],
    ]);
    expect(config.components[0]!.versionFiles.map((v) => v.file)).toEqual(['services/api/package.json', 'services/api/package-lock.json', 'docker-compose.yml']);
    expect(config.components.map((c) => c.compose && [c.compose.file, c.compose.imageVar])).toEqual([
      ['docker-compose.yml', 'API_IMAGE'],
      ['docker-compose.yml', 'WEB_IMAGE'],
    ]);
    expect(init.stderr).toContain('package.json: the workspace root\'s package.json: its packages are the components');
  });

  it('a single Python service at the root: pyproject.toml and __init__.py as one component, its chart\'s image keys found in values.yaml', async () => {
    const dir = makeRepo({
      'pyproject.toml': '[project]\nname = "scanner-svc"\nversion = "0.9.1"\n',
      'Dockerfile': 'FROM python:3.12-slim\n',
      'src/scanner_svc/__init__.py': 'MIN_PYTHON_VERSION = "3.10"\n__version__ = "0.9.1"\n',
      'deploy/chart/Chart.yaml': 'apiVersion: v2\nname: scanner-svc-chart\nversion: 0.9.1\nappVersion: "0.9.1"\n',
      'deploy/chart/values.yaml': 'app:\n  image:\n    repository: acme/scanner\n    tag: ""\n    pullPolicy: IfNotPresent\n',
    });
    const { config } = await initAndCheck(dir);
    expect(config.project).toBe('scanner-svc');
    expect(config.components).toHaveLength(1);
    const c = config.components[0]!;
    expect(c).toMatchObject({ name: 'scanner', path: '.', image: { name: 'scanner', context: '.' }, chart: { path: 'deploy/chart', values: { repository: 'app.image.repository', tag: 'app.image.tag', pullPolicy: 'app.image.pullPolicy' } } });
    expect(c.versionFiles.map((v) => [v.file, v.variable])).toEqual([
      ['pyproject.toml', undefined],
      ['src/scanner_svc/__init__.py', '__version__'],
      ['deploy/chart/Chart.yaml', undefined],
    ]);
  });

  it('existing tags of several shapes: product v1.2.3, <component>-v1.2.3, connector-<slug>-v1.2.3, <app>-1.2.3', async () => {
    const dir = makeRepo({
      'core/Dockerfile': 'FROM busybox\n',
      'core/VERSION': '2.1.0\n',
      'connectors/aws_s3/Dockerfile': 'FROM busybox\n',
      'connectors/aws_s3/version.py': 'CONNECTOR_VERSION = "1.0.3"\n',
      'connectors/azure_blob/Dockerfile': 'FROM busybox\n',
      'connectors/azure_blob/version.py': 'CONNECTOR_VERSION = "0.4.0"\n',
      'apps/desktop/package.json': JSON.stringify({ name: 'desktop', version: '3.0.0' }),
    });
    for (const tag of ['v2.0.0', 'v2.1.0', 'core-v2.0.0', 'core-v2.1.0', 'connector-aws-s3-v1.0.2', 'connector-aws-s3-v1.0.3', 'connector-azure-blob-v0.4.0', 'desktop-2.9.0', 'desktop-3.0.0', 'tooling-v1.0.0']) git(dir, 'tag', tag);
    const { config, status, init } = await initAndCheck(dir);
    expect(config.release).toMatchObject({ tag: 'v{version}', componentTag: '{component}-v{version}', versionOf: 'core' });
    expect(Object.fromEntries(config.components.map((c) => [c.name, c.tag]))).toEqual({ core: undefined, 'aws-s3': 'connector-aws-s3-v{version}', 'azure-blob': 'connector-azure-blob-v{version}', desktop: 'desktop-{version}' });
    expect(Object.fromEntries(status.rows.map((r: any) => [r.component, r.lastRelease?.tag]))).toEqual({ core: 'core-v2.1.0', 'aws-s3': 'connector-aws-s3-v1.0.3', 'azure-blob': 'connector-azure-blob-v0.4.0', desktop: 'desktop-3.0.0' });
    expect(init.stderr).toContain('tags that match no component, left out of every history: tooling-v1.0.0');
  });

  it('tags without "v" on every component: componentTag {component}-{version}', async () => {
    const dir = makeRepo({ 'a/VERSION': '1.0.0\n', 'b/VERSION': '0.2.0\n' });
    for (const tag of ['a-1.0.0', 'b-0.1.0', 'b-0.2.0']) git(dir, 'tag', tag);
    const { config, status } = await initAndCheck(dir);
    expect(config.release.componentTag).toBe('{component}-{version}');
    expect(config.components.every((c) => c.tag === undefined)).toBe(true);
    expect(row(status, 'b').lastRelease.tag).toBe('b-0.2.0');
  });

  it('a chart whose version differs from its component\'s: written commented out, with the fix', async () => {
    const dir = makeRepo({
      'api/Dockerfile': 'FROM busybox\n',
      'api/VERSION': '1.2.0\n',
      'api/chart/Chart.yaml': 'apiVersion: v2\nname: api-chart\nversion: 0.1.0\nappVersion: "1.2.0"\n',
      'api/chart/values.yaml': 'image:\n  repository: acme/api\n',
    });
    const { config, init } = await initAndCheck(dir);
    expect(config.components[0]!.chart).toBeUndefined();
    expect(readFileSync(join(dir, 'lanes.yaml'), 'utf8')).toContain('# UNDECIDED: api/chart/Chart.yaml says version 0.1.0, appVersion 1.2.0, but api is at 1.2.0');
    expect(init.stderr).toContain('init: undecided: api: api/chart/Chart.yaml says version 0.1.0');
  });
});

describe('lanes init writes what it reports', () => {
  it('the file parses to exactly the config --json prints', async () => {
    const dir = exampleWithoutConfig();
    const r = await lanes(['init', '--json', '--source', dir]);
    const fromFile = parse(readFileSync(join(dir, 'lanes.yaml'), 'utf8'));
    expect(fromFile).toEqual({ project: r.json().config.project, release: r.json().config.release, compose: r.json().config.compose, components: r.json().config.components });
  });
});
