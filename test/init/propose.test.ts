import { describe, expect, it } from 'vitest';
import { propose } from '../../src/init/propose.js';
import { scanRepository } from '../../src/init/scan.js';
import { proposeTags } from '../../src/init/tags.js';

/** scan + propose on an in-memory repository: path -> content. */
function proposal(files: Record<string, string>, tags: string[] = []) {
  return propose(scanRepository(Object.keys(files), (p) => files[p], tags), { dirName: 'repo' });
}
const subjects = (...names: [string, string[]?, string?][]) => names.map(([name, aliases = [], version = '1.0.0']) => ({ name, aliases, version, external: false }));
const parse = (name: string) => scanRepository([], () => undefined, [name]).tags;

describe('init: components from files', () => {
  it('merges a directory into the one around it when they agree (a desktop app and its src-tauri)', () => {
    const p = proposal({
      'app/package.json': '{ "name": "app", "version": "1.2.0" }',
      'app/src-tauri/Cargo.toml': '[package]\nname = "app"\nversion = "1.2.0"\n',
      'app/src-tauri/tauri.conf.json': '{ "version": "1.2.0" }',
    });
    expect(p.config.components).toEqual([{ name: 'app', path: 'app', version: { files: ['app/package.json', 'app/src-tauri/Cargo.toml', 'app/src-tauri/tauri.conf.json'] } }]);
  });

  it('keeps a nested directory of another version as its own component, and says the outer path covers it', () => {
    const p = proposal({ 'a/VERSION': '1.0.0\n', 'a/b/VERSION': '2.0.0\n' });
    expect(p.config.components.map((c) => c.name)).toEqual(['a', 'b']);
    expect(p.notes).toContainEqual({ at: 'components[0]', message: expect.stringContaining('a/b is inside a but is its own component (versions 2.0.0 and 1.0.0)') });
  });

  it('leaves out a version file that disagrees with the others of its component, with a note', () => {
    const p = proposal({ 'svc/package.json': '{ "name": "svc", "version": "1.0.0" }', 'svc/VERSION': '1.0.0\n', 'svc/Cargo.toml': '[package]\nname = "svc"\nversion = "0.9.0"\n' });
    expect(p.config.components[0]!.version).toEqual({ files: ['svc/VERSION', 'svc/package.json'] });
    expect(p.notes.map((n) => n.message)).toContain('svc/Cargo.toml holds 0.9.0, not 1.0.0: left out (lanes requires a component\'s version files to agree)');
  });

  it('reads tauri.conf.json only when its version is a version, not a path to package.json', () => {
    const p = proposal({ 'app/package.json': '{ "name": "app", "version": "1.0.0" }', 'app/tauri.conf.json': '{ "version": "../package.json" }' });
    expect(p.config.components[0]!.version).toEqual({ file: 'app/package.json' });
  });

  it('ignores subcharts, test fixtures and node_modules', () => {
    const p = proposal({
      'svc/VERSION': '1.0.0\n',
      'svc/chart/Chart.yaml': 'name: svc-chart\nversion: 1.0.0\n',
      'svc/chart/charts/redis/Chart.yaml': 'name: redis\nversion: 17.0.0\n',
      'test/fixtures/x/Dockerfile': 'FROM busybox\n',
      'node_modules/y/package.json': '{ "name": "y", "version": "1.0.0" }',
    });
    expect(p.config.components).toEqual([{ name: 'svc', path: 'svc', version: { file: 'svc/VERSION' }, chart: { path: 'svc/chart' } }]);
  });

  it('takes an image\'s version from its chart when nothing else holds one', () => {
    const p = proposal({ 'api/Dockerfile': 'FROM busybox\n', 'api/helm/Chart.yaml': 'name: api\nversion: 0.4.0\nappVersion: 0.4.0\n' });
    expect(p.config.components[0]).toEqual({ name: 'api', path: 'api', version: { file: 'api/helm/Chart.yaml' }, image: { name: 'api' }, chart: { path: 'api/helm' } });
  });

  it('names a Dockerfile variant as undecided instead of guessing', () => {
    const p = proposal({ 'api/Dockerfile': 'FROM busybox\n', 'api/Dockerfile.dev': 'FROM busybox\n', 'api/VERSION': '1.0.0\n' });
    expect(p.notes).toContainEqual({ at: '', message: expect.stringContaining('api/Dockerfile.dev: a Dockerfile variant') });
  });
});

describe('init: tag shapes', () => {
  it('reads a tag as prefix and strict version', () => {
    expect(parse('connector-aws-s3-v1.2.3')).toEqual([{ name: 'connector-aws-s3-v1.2.3', prefix: 'connector-aws-s3-v', version: '1.2.3' }]);
    expect(parse('app2-1.0.0-rc.1')).toEqual([{ name: 'app2-1.0.0-rc.1', prefix: 'app2-', version: '1.0.0-rc.1' }]);
    expect(parse('v09.1.0')).toEqual([]);
  });

  it('proposes the defaults when there are no tags', () => {
    expect(proposeTags([], subjects(['a']))).toMatchObject({ tag: 'v{version}', componentTag: '{component}-v{version}', perComponent: new Map(), versionOf: 'a' });
  });

  it('finds a component by its directory name inside a longer prefix', () => {
    const t = proposeTags(parse('connector-aws_s3-v1.0.0'), subjects(['aws-s3-connector', ['aws_s3']]));
    expect(t.perComponent).toEqual(new Map([['aws-s3-connector', 'connector-aws_s3-v{version}']]));
  });

  it('leaves a prefix two components could own undecided', () => {
    const t = proposeTags(parse('x-api-v1.0.0'), subjects(['a', ['api']], ['b', ['api']]));
    expect(t.perComponent.size).toBe(0);
    expect(t.notes[0]).toContain('x-api-v1.0.0 could belong to more than one component');
  });

  it('does not take api-gateway\'s tags for api', () => {
    const t = proposeTags(parse('api-gateway-v1.0.0'), subjects(['api'], ['api-gateway']));
    expect(t.perComponent.size).toBe(0);
    expect(t.why.get('api-gateway')).toContain('api-gateway-v1.0.0');
  });

  it('picks versionOf from the latest product tag', () => {
    const t = proposeTags(parse('v2.0.0'), subjects(['core', [], '2.0.0'], ['ui', [], '1.0.0']));
    expect(t.versionOf).toBe('core');
  });
});
