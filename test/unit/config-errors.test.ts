import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lanes } from '../helpers/cli.js';
import { makeDir, read } from '../helpers/repo.js';

/** A small valid monorepo; each case below breaks one thing in it. */
const base = (): Record<string, string> => ({
  'lanes.yaml': [
    'project: demo',
    'components:',
    '  - name: api',
    '    path: api',
    '    version: { file: api/version.py }',
    '    image: { name: api }',
    '  - name: web',
    '    path: web',
    '    version: { file: web/package.json }',
    '',
  ].join('\n'),
  'api/version.py': '__version__ = "1.0.0"\n',
  'api/Dockerfile': 'FROM scratch\n',
  'web/package.json': '{ "name": "web", "version": "2.0.0" }\n',
});

const yamlWith = (components: string, head = 'project: demo\n') => `${head}components:\n${components}`;

interface Case {
  name: string;
  files: Record<string, string>;
  /** Substrings the error output must contain. */
  expect: string[];
  args?: string[];
  code?: number;
}

const cases: Case[] = [
  { name: 'malformed YAML', files: { 'lanes.yaml': 'project: demo\ncomponents: [\n' }, expect: ['lanes.yaml:', 'YAML syntax'] },
  { name: 'a duplicate key', files: { 'lanes.yaml': 'project: a\nproject: b\ncomponents: []\n' }, expect: ['lanes.yaml:2', 'YAML syntax'] },
  { name: 'an empty file', files: { 'lanes.yaml': '' }, expect: ['project: required, but missing'] },
  { name: 'a missing lanes.yaml', files: {}, expect: ['lanes.yaml', 'file not found', '--source'] },
  { name: 'an unknown top-level key', files: { 'lanes.yaml': 'project: demo\nregistry: x\ncomponents:\n  - { name: a, external: { image: x } }\n' }, expect: ['lanes.yaml:2', 'unknown key "registry"'] },
  { name: 'an unknown component key', files: { 'lanes.yaml': yamlWith('  - name: a\n    external: { image: x }\n    dockerFile: x\n') }, expect: ['lanes.yaml:5 components[0]', 'unknown key "dockerFile"'] },
  { name: 'an unknown image key', files: { 'lanes.yaml': yamlWith('  - name: a\n    version: { file: v.py }\n    image: { name: a, file: D }\n'), 'v.py': '__version__ = "1.0.0"\n', Dockerfile: '' }, expect: ['components[0].image', 'unknown key "file"'] },
  { name: 'no components', files: { 'lanes.yaml': 'project: demo\ncomponents: []\n' }, expect: ['components: list at least one component'] },
  { name: 'a component without a name', files: { 'lanes.yaml': yamlWith('  - external: { image: x }\n') }, expect: ['components[0].name'] },
  { name: 'an upper-case component name', files: { 'lanes.yaml': yamlWith('  - { name: Api, external: { image: x } }\n') }, expect: ['components[0].name', 'lower-case'] },
  { name: 'a project that is not a string', files: { 'lanes.yaml': 'project: [1]\ncomponents:\n  - { name: a, external: { image: x } }\n' }, expect: ['lanes.yaml:1 project'] },
  { name: 'a version file that does not exist', files: { ...base(), 'api/version.py': undefined as never }, expect: ['lanes.yaml:5', 'components[0].version.file: file not found: api/version.py'] },
  { name: 'an absolute version path', files: { 'lanes.yaml': yamlWith('  - name: a\n    version: { file: /etc/passwd }\n') }, expect: ['components[0].version.file', 'inside the monorepo'] },
  { name: 'a path escaping the monorepo', files: { 'lanes.yaml': yamlWith('  - name: a\n    path: ../x\n    version: { file: v.py }\n'), 'v.py': '__version__ = "1.0.0"\n' }, expect: ['components[0].path', 'inside the monorepo'] },
  { name: 'both file and files', files: { 'lanes.yaml': yamlWith('  - name: a\n    version: { file: v.py, files: [v.py] }\n'), 'v.py': '__version__ = "1.0.0"\n' }, expect: ['components[0].version', 'exactly one of'] },
  { name: 'an unknown version format', files: { 'lanes.yaml': yamlWith('  - name: a\n    version: { file: v.txt }\n'), 'v.txt': '1.0.0' }, expect: ['components[0].version.file', 'cannot tell the version format of v.txt', 'format:'] },
  { name: 'a misspelt format', files: { 'lanes.yaml': yamlWith('  - name: a\n    version: { files: [{ file: v.txt, format: toml }] }\n'), 'v.txt': '1.0.0' }, expect: ['components[0].version.files[0].format'] },
  { name: 'a regex without a pattern', files: { 'lanes.yaml': yamlWith('  - name: a\n    version: { files: [{ file: v.txt, format: regex }] }\n'), 'v.txt': 'v=1.0.0' }, expect: ['components[0].version.files[0]', 'needs pattern'] },
  { name: 'a regex without a version group', files: { 'lanes.yaml': yamlWith("  - name: a\n    version: { files: [{ file: v.txt, format: regex, pattern: 'v=(.*)' }] }\n"), 'v.txt': 'v=1.0.0' }, expect: ['pattern', '(?<version>'] },
  { name: 'an invalid regex', files: { 'lanes.yaml': yamlWith("  - name: a\n    version: { files: [{ file: v.txt, format: regex, pattern: 'v=(?<version>[' }] }\n"), 'v.txt': 'v=1.0.0' }, expect: ['pattern', 'not a valid regular expression'] },
  { name: 'an env pin without a key', files: { 'lanes.yaml': yamlWith('  - name: a\n    version: { file: sample.env }\n'), 'sample.env': 'X=a:1.0.0\n' }, expect: ['env-pin needs key'] },
  { name: 'a Dockerfile that does not exist', files: { ...base(), 'api/Dockerfile': undefined as never }, expect: ['components[0].image', 'Dockerfile not found: api/Dockerfile'] },
  { name: 'an image without a version', files: { 'lanes.yaml': yamlWith('  - name: a\n    image: { name: a }\n'), Dockerfile: '' }, expect: ['components[0].version', 'builds an image but has no version'] },
  { name: 'a chart directory without Chart.yaml', files: { ...base(), 'lanes.yaml': base()['lanes.yaml']!.replace('    image: { name: api }', '    image: { name: api }\n    chart: { path: api/helm }'), 'api/helm/values.yaml': '' }, expect: ['components[0].chart.path', 'api/helm/Chart.yaml not found'] },
  { name: 'a chart directory that does not exist', files: { ...base(), 'lanes.yaml': base()['lanes.yaml']!.replace('    image: { name: api }', '    image: { name: api }\n    chart: { path: api/helm }') }, expect: ['components[0].chart.path', 'chart directory not found: api/helm'] },
  { name: 'a compose file that does not exist', files: { 'lanes.yaml': yamlWith('  - name: a\n    external: { image: x }\n    compose: { file: c.yaml, role: core }\n') }, expect: ['components[0].compose.file', 'file not found: c.yaml'] },
  { name: 'an unknown compose role', files: { 'lanes.yaml': yamlWith('  - name: a\n    external: { image: x }\n    compose: { file: c.yaml, role: main }\n'), 'c.yaml': '' }, expect: ['components[0].compose.role'] },
  { name: 'an optional compose file without a flag', files: { 'lanes.yaml': yamlWith('  - name: a\n    external: { image: x }\n    compose: { file: c.yaml, role: optional }\n'), 'c.yaml': '' }, expect: ['components[0].compose.flag', 'include-dsxa'] },
  { name: 'an external component with an image', files: { 'lanes.yaml': yamlWith('  - name: a\n    external: { image: x }\n    image: { name: a }\n'), Dockerfile: '' }, expect: ['components[0].external', 'only pulled'] },
  { name: 'a component with nothing to do', files: { 'lanes.yaml': yamlWith('  - name: a\n    path: .\n') }, expect: ['components[0]', 'nothing to do'] },
  { name: 'duplicate component names', files: { 'lanes.yaml': yamlWith('  - { name: a, external: { image: x } }\n  - { name: a, external: { image: y } }\n') }, expect: ['lanes.yaml:4', 'components[1].name', 'duplicate component name "a"'] },
  { name: 'versionOf naming no component', files: { ...base(), 'lanes.yaml': 'project: demo\nrelease: { versionOf: nope }\n' + base()['lanes.yaml']!.replace('project: demo\n', '') }, expect: ['release.versionOf', 'no component named "nope"'] },
  { name: 'a tag template without {version}', files: { ...base(), 'lanes.yaml': 'project: demo\nrelease: { tag: "release" }\n' + base()['lanes.yaml']!.replace('project: demo\n', '') }, expect: ['release.tag', 'must contain {version}'] },
  { name: 'a registry with a scheme', files: { ...base(), 'lanes.yaml': 'project: demo\nregistries: { dev: { images: "https://r/x", charts: "oci://r/x" } }\n' + base()['lanes.yaml']!.replace('project: demo\n', '') }, expect: ['registries.dev.images', 'without a scheme'] },
  { name: 'a chart repository without oci://', files: { ...base(), 'lanes.yaml': 'project: demo\nregistries: { dev: { images: "r/x", charts: "r/x" } }\n' + base()['lanes.yaml']!.replace('project: demo\n', '') }, expect: ['registries.dev.charts', 'oci://'] },
  { name: 'a version file without a version', files: { ...base(), 'api/version.py': 'NAME = "api"\n' }, expect: ['api/version.py', 'no version found', '__version__'] },
  { name: 'a version that is not semver', files: { ...base(), 'api/version.py': '__version__ = "1.0"\n' }, expect: ['api/version.py', '"1.0", not a semantic version'] },
  { name: 'a package.json that is not JSON', files: { ...base(), 'web/package.json': '{ "version": "1.0.0", }' }, expect: ['web/package.json', 'invalid JSON'] },
  { name: 'a source directory that does not exist', files: { ...base(), 'lanes.yaml': base()['lanes.yaml']!.replace('    path: web\n', '    path: web\n    sources: [shared/lib]\n') }, expect: ['components[1].sources[0]', 'path not found: shared/lib'] },
  { name: 'a YAML alias bomb', files: { 'lanes.yaml': 'project: demo\na: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ncomponents: []\n' }, expect: ['error[E_CONFIG]', 'YAML aliases expand more than 100 times'] },
  { name: 'an undefined YAML alias', files: { 'lanes.yaml': 'project: demo\ncomponents:\n  - *api\n' }, expect: ['error[E_CONFIG]', 'YAML alias *api refers to no anchor'] },
  { name: 'a Chart.yaml with a duplicate key', files: { ...base(), 'lanes.yaml': base()['lanes.yaml']!.replace('    image: { name: api }', '    image: { name: api }\n    chart: { path: api/helm }'), 'api/helm/Chart.yaml': 'name: api-chart\nversion: 1.0.0\nversion: 1.0.1\n' }, expect: ['components[0].chart.path', 'api/helm/Chart.yaml has a duplicate key at line 3'] },
  { name: 'a Chart.yaml that is not YAML', files: { ...base(), 'lanes.yaml': base()['lanes.yaml']!.replace('    image: { name: api }', '    image: { name: api }\n    chart: { path: api/helm }'), 'api/helm/Chart.yaml': 'name: api-chart\nversion: [1.0.0\n' }, expect: ['components[0].chart.path', 'api/helm/Chart.yaml is not valid YAML at line'] },
  { name: 'a Chart.yaml without version:', files: { ...base(), 'lanes.yaml': base()['lanes.yaml']!.replace('    image: { name: api }', '    image: { name: api }\n    chart: { path: api/helm }'), 'api/helm/Chart.yaml': 'name: api-chart\nappVersion: "1.0.0"\n' }, expect: ['components[0].chart.path', 'api/helm/Chart.yaml has no version:'] },
  { name: 'a componentTag without {component}', files: { ...base(), 'lanes.yaml': 'project: demo\nrelease: { componentTag: "c-v{version}" }\n' + base()['lanes.yaml']!.replace('project: demo\n', '') }, expect: ['release.componentTag', 'must contain {component}'] },
  { name: 'a tag template with a space', files: { ...base(), 'lanes.yaml': 'project: demo\nrelease: { tag: "release {version}" }\n' + base()['lanes.yaml']!.replace('project: demo\n', '') }, expect: ['release.tag', 'spaces'] },
  { name: 'github: ../..', files: { ...base(), 'lanes.yaml': 'project: demo\nrelease: { github: ../.. }\n' + base()['lanes.yaml']!.replace('project: demo\n', '') }, expect: ['release.github', 'owner/repo'] },
  { name: 'a registry with user@', files: { ...base(), 'lanes.yaml': 'project: demo\nregistries: { dev: { images: "me@docker.io/x", charts: "oci://docker.io/x" } }\n' + base()['lanes.yaml']!.replace('project: demo\n', '') }, expect: ['registries.dev.images', 'must not carry a user'] },
  { name: 'a registry with a space', files: { ...base(), 'lanes.yaml': 'project: demo\nregistries: { dev: { images: "docker.io/my team", charts: "oci://docker.io/x" } }\n' + base()['lanes.yaml']!.replace('project: demo\n', '') }, expect: ['registries.dev.images', 'must not contain spaces'] },
  { name: 'a registry starting with "-"', files: { ...base(), 'lanes.yaml': 'project: demo\nregistries: { dev: { images: "docker.io/x", charts: "oci://-r/x" } }\n' + base()['lanes.yaml']!.replace('project: demo\n', '') }, expect: ['registries.dev.charts', 'must not start with "-"'] },
  { name: 'a package.json with "version" twice', files: { ...base(), 'web/package.json': '{\n  "version": "2.0.0",\n  "version": "2.1.0"\n}\n' }, expect: ['web/package.json', '"version" is set twice (lines 2 and 3)'] },
  { name: 'build metadata in the version of an image', files: { ...base(), 'api/version.py': '__version__ = "1.0.0+b1"\n' }, expect: ['api/version.py', 'build metadata (+b1) cannot be part of an image tag'] },
  { name: 'a --source that is not a directory', files: base(), args: ['status', '--source', '/nonexistent/dir'], expect: ['/nonexistent/dir', 'not a directory'] },
];

describe('bad lanes.yaml and version files', () => {
  it.each(cases)('reports $name with its place, exit code 2, and changes no file', async (c) => {
    const files = Object.fromEntries(Object.entries(c.files).filter(([, v]) => v !== undefined));
    const dir = makeDir(files);
    const r = await lanes(c.args ?? ['status', '--source', dir]);
    expect(r.code).toBe(c.code ?? 2);
    for (const text of c.expect) expect(r.stderr).toContain(text);
    expect(r.stderr).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/);
    for (const [path, content] of Object.entries(files)) expect(read(dir, path)).toBe(content);
  });

  it('reports every problem of a file at once', async () => {
    const dir = makeDir({ 'lanes.yaml': yamlWith('  - { name: a, version: { file: x.py } }\n  - { name: a, version: { file: y.py } }\n') });
    const r = await lanes(['status', '--source', dir]);
    expect(r.stderr).toContain('file not found: x.py');
    expect(r.stderr).toContain('file not found: y.py');
    expect(r.stderr).toContain('duplicate component name');
  });

  it('gives --json users the issues as data', async () => {
    const dir = makeDir({ 'lanes.yaml': yamlWith('  - { name: a, version: { file: x.py } }\n') });
    const r = await lanes(['status', '--source', dir, '--json']);
    expect(r.code).toBe(2);
    expect(r.json().error).toMatchObject({ code: 'E_CONFIG', issues: [{ file: 'lanes.yaml', line: 3, path: 'components[0].version.file', message: 'file not found: x.py' }] });
  });
});

describe('bad flags', () => {
  const dir = makeDir(base());
  it.each([
    [['bump', 'api', '--source', dir], 'exactly one of --version'],
    [['bump', 'api', '--patch', '--minor', '--source', dir], 'got --patch, --minor'],
    [['bump', 'api', '--version', '1.x', '--source', dir], '--version 1.x: not a semantic version'],
    [['bump', 'nope', '--patch', '--source', dir], 'no component named "nope"'],
    [['bump', '--patch', '--source', dir], 'bump needs the components to bump, or --changed'],
    [['bump', 'api', 'web', '--version', '2.0.0', '--source', dir], '--version sets one version'],
    [['bump', 'api', '--pre', 'r c', '--source', dir], 'prerelease id'],
    [['plan', 'staging', '--source', dir], 'unknown lane "staging"'],
    [['plan', 'local', '--only', 'nope', '--source', dir], '--only: no component named "nope"'],
    [['build-all-local', '--jobs', '0', '--source', dir], '--jobs 0'],
    [['build-all-local', '--build-arg', 'NOEQUALS', '--source', dir], '--build-arg NOEQUALS: expected NAME=value'],
    [['push-all-dev', '--registry-password', 'hunter22', '--source', dir], 'takes a reference, not the secret itself'],
    [['push-all-dev', '--registry-password', 'env://LANES_TEST_UNSET_VAR', '--source', dir], 'LANES_TEST_UNSET_VAR is not set'],
    [['release', '--source', dir], "required option '--tag <tag>'"],
    [['frobnicate'], "unknown command 'frobnicate'"],
  ])('%j fails with exit 2: %s', async (args, message) => {
    const r = await lanes(args as string[]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toContain('hunter22');
  });
});

describe('bump on a read-only version file', () => {
  it('refuses with E_VERSION_FILE_READONLY and exit 1 (the machine, not the usage), names the file, and writes no file', async () => {
    const dir = makeDir({
      ...base(),
      'lanes.yaml': base()['lanes.yaml']!.replace('    version: { file: api/version.py }', '    version: { files: [api/version.py, api/VERSION] }'),
      'api/VERSION': '1.0.0\n',
    });
    chmodSync(join(dir, 'api/VERSION'), 0o444);
    const r = await lanes(['bump', 'api', '--patch', '--source', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error[E_VERSION_FILE_READONLY]: api/VERSION: is not writable');
    expect(read(dir, 'api/version.py')).toBe('__version__ = "1.0.0"\n');
    expect(read(dir, 'api/VERSION')).toBe('1.0.0\n');
  });
});
