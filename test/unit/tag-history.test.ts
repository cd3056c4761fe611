import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/errors.js';
import { releaseHistory } from '../../src/git/release-history.js';
import { componentTagName, readTag } from '../../src/git/tag-template.js';
import { buildStatus } from '../../src/status/build-status.js';
import { readWorkspace } from '../../src/workspace/read-workspace.js';
import { commitAll, git, makeRepo } from '../helpers/repo.js';

/**
 * A DSX-Connect-shaped history as earlier scripts left it: connectors tagged
 * `connector-<slug>-v<version>`, a desktop app `<app>-<version>`, the core by
 * product tags `v<version>`.
 */
const lanesYaml = (extra = '') =>
  [
    'project: shop',
    'release: { versionOf: core }',
    'components:',
    '  - name: core',
    '    path: core',
    '    version: { file: core/VERSION }',
    '  - name: aws-s3-connector',
    '    path: connectors/aws_s3',
    '    version: { file: connectors/aws_s3/VERSION }',
    '    tag: "connector-aws-s3-v{version}"',
    '  - name: desktop',
    '    path: desktop',
    '    version: { file: desktop/package.json }',
    '    tag: "desktop-{version}"',
    extra,
  ].join('\n');

const files = (yaml = lanesYaml()) => ({
  'lanes.yaml': yaml,
  'core/VERSION': '1.4.0\n',
  'connectors/aws_s3/VERSION': '0.5.2\n',
  'desktop/package.json': '{ "name": "desktop", "version": "2.1.0" }\n',
});

async function status(dir: string) {
  return buildStatus(await readWorkspace(dir));
}
const row = (s: Awaited<ReturnType<typeof status>>, name: string) => s.rows.find((r) => r.component === name)!;

function configError(dir: string): ConfigError {
  try {
    loadConfig(dir);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('lanes.yaml was accepted');
}

describe('per-component tag templates', () => {
  it('read an existing history tagged connector-<slug>-v<version> and <app>-<version>', async () => {
    const dir = makeRepo(files());
    git(dir, 'tag', 'v1.4.0');
    git(dir, 'tag', 'connector-aws-s3-v0.5.1');
    git(dir, 'tag', 'connector-aws-s3-v0.5.2');
    git(dir, 'tag', 'desktop-2.1.0');
    const s = await status(dir);
    expect(row(s, 'core')).toMatchObject({ lastRelease: { tag: 'v1.4.0' }, state: 'up to date' });
    expect(row(s, 'aws-s3-connector')).toMatchObject({ lastRelease: { version: '0.5.2', tag: 'connector-aws-s3-v0.5.2' }, state: 'up to date', tags: { templates: ['connector-aws-s3-v{version}'], matched: 2 } });
    expect(row(s, 'desktop')).toMatchObject({ lastRelease: { version: '2.1.0', tag: 'desktop-2.1.0' }, state: 'up to date' });
  });

  it('render through componentTagName: the own template where given, release.componentTag otherwise', () => {
    const config = loadConfig(makeRepo(files(lanesYaml().replace('release: { versionOf: core }', 'release: { versionOf: core, componentTag: "rel/{component}/{version}" }'))));
    expect(componentTagName(config, 'aws-s3-connector', '0.6.0')).toBe('connector-aws-s3-v0.6.0');
    expect(componentTagName(config, 'desktop', '3.0.0')).toBe('desktop-3.0.0');
    expect(componentTagName(config, 'core', '1.5.0')).toBe('rel/core/1.5.0');
  });

  it('are refused without {version}, naming the YAML path', () => {
    const e = configError(makeRepo(files(lanesYaml().replace('"desktop-{version}"', '"desktop-latest"'))));
    expect(e.issues).toContainEqual(expect.objectContaining({ path: 'components[2].tag', message: 'must contain {version}' }));
  });

  it('are refused when two components would get the same tags', () => {
    const e = configError(makeRepo(files(lanesYaml().replace('"desktop-{version}"', '"connector-aws-s3-v{version}"'))));
    expect(e.issues).toContainEqual(expect.objectContaining({ path: 'components[2].tag', message: expect.stringContaining('exactly like component "aws-s3-connector"') }));
  });

  it('are refused when a component would be tagged like the product', () => {
    const e = configError(makeRepo(files(lanesYaml().replace('"desktop-{version}"', '"v{version}"'))));
    expect(e.issues).toContainEqual(expect.objectContaining({ path: 'components[2].tag', message: expect.stringContaining('exactly like the product tag') }));
  });

  it('are refused with a character git does not allow in a tag', () => {
    const e = configError(makeRepo(files(lanesYaml().replace('"desktop-{version}"', '"desktop {version}"'))));
    expect(e.issues).toContainEqual(expect.objectContaining({ path: 'components[2].tag', message: expect.stringContaining('must not contain spaces') }));
  });
});

describe('release history from tags', () => {
  it('ignores a tag whose version is not strict semver, and reports it', async () => {
    const dir = makeRepo(files());
    git(dir, 'tag', 'v1.4.0');
    git(dir, 'tag', 'v09.9.9');
    const s = await status(dir);
    expect(row(s, 'core')).toMatchObject({ lastRelease: { tag: 'v1.4.0' }, state: 'up to date' });
    expect(s.history.ignored).toEqual([{ tag: 'v09.9.9', template: 'v{version}', reason: expect.stringContaining('09.9.9 is not a semantic version') }]);
    expect(s.findings).toContainEqual(expect.objectContaining({ code: 'W_TAG_NOT_SEMVER', severity: 'warning', message: expect.stringContaining('v09.9.9') }));
  });

  it('does not report a non-semver tag that another template reads as a release', async () => {
    // Under legacy's "connector-{version}", "connector-aws-s3-v0.5.2" would name "aws-s3-v0.5.2": no version, and not a stray either.
    const dir = makeRepo({ ...files(lanesYaml('  - name: legacy\n    path: legacy\n    version: { file: legacy/VERSION }\n    tag: "connector-{version}"\n')), 'legacy/VERSION': '1.0.0\n' });
    git(dir, 'tag', 'connector-aws-s3-v0.5.2');
    const s = await status(dir);
    expect(row(s, 'aws-s3-connector')).toMatchObject({ lastRelease: { tag: 'connector-aws-s3-v0.5.2' } });
    expect(s.history.ignored).toEqual([]);
  });

  it('refuses a release tag that is not strict semver with E_TAG_FORMAT saying why', () => {
    expect(readTag('v{version}', 'v09.9.9')).toEqual({ invalid: '09.9.9', reason: expect.stringContaining('no leading zeros') });
    expect(readTag('v{version}', 'v1.2.3-rc.1')).toEqual({ version: '1.2.3-rc.1' });
    expect(readTag('v{version}', 'x1.2.3')).toBeUndefined();
  });

  it('counts only the tags HEAD contains, and says so', async () => {
    const dir = makeRepo(files());
    git(dir, 'tag', 'v1.4.0');
    // main moves on to 2.0.0; a hotfix branch is cut from v1.4.0.
    writeFileSync(join(dir, 'core/VERSION'), '2.0.0\n');
    commitAll(dir, 'core 2.0.0');
    git(dir, 'tag', 'v2.0.0');
    git(dir, 'checkout', '-q', '-b', 'hotfix-1.4', 'v1.4.0');
    writeFileSync(join(dir, 'core/VERSION'), '1.4.1\n');
    commitAll(dir, 'core 1.4.1');
    const s = await status(dir);
    expect(row(s, 'core')).toMatchObject({ lastRelease: { version: '1.4.0', tag: 'v1.4.0' }, state: 'bumped, unreleased', tags: { matched: 2, notReachable: 1 } });
    expect(s.history).toMatchObject({ reachableFrom: 'HEAD', tagsReachable: 1 });
    expect(s.notes).toContain('last releases are read from the tags reachable from HEAD (1 of 2 tags); 1 tag on other branches is not counted');
  });

  it('shows which tags matched a component that is behind its last release', async () => {
    // Two core generations tagged alike: the old core (1.x) sees the new one's 2.x tags.
    const dir = makeRepo(files());
    git(dir, 'tag', 'v1.3.0');
    git(dir, 'tag', 'v2.0.30');
    const s = await status(dir);
    expect(row(s, 'core')).toMatchObject({ state: 'behind last release', tags: { templates: ['core-v{version}', 'v{version}'], matched: 2, lowest: '1.3.0', highest: '2.0.30' } });
    expect(s.notes).toContainEqual(expect.stringMatching(/^core is at 1\.4\.0 but 2 tags matched its templates core-v\{version\}, v\{version\} \(1\.3\.0 … 2\.0\.30, last v2\.0\.30\); .* give core its own tag: template/));
  });

  it('reports a tag that two components read as theirs, counting it for each', async () => {
    const yaml = ['project: p', 'components:', '  - { name: app, path: app, version: { file: app/VERSION }, tag: "app-v{version}" }', '  - { name: web, path: web, version: { file: web/VERSION }, tag: "app-v{version}-web" }', ''].join('\n');
    const dir = makeRepo({ 'lanes.yaml': yaml, 'app/VERSION': '1.0.0-web\n', 'web/VERSION': '1.0.0\n' });
    // "app-v1.0.0-web" is app's 1.0.0-web (a prerelease) and web's 1.0.0.
    git(dir, 'tag', 'app-v1.0.0-web');
    const s = await status(dir);
    expect(s.history.ambiguous).toEqual([{ tag: 'app-v1.0.0-web', components: ['app', 'web'] }]);
    expect(row(s, 'app')).toMatchObject({ lastRelease: { version: '1.0.0-web' } });
    expect(row(s, 'web')).toMatchObject({ lastRelease: { version: '1.0.0' } });
    expect(s.findings).toContainEqual(expect.objectContaining({ code: 'W_TAG_AMBIGUOUS', message: expect.stringContaining('tag app-v1.0.0-web matches the tag templates of app, web') }));
  });

  it('reads 20,000 tags of 1,000 components in one pass', () => {
    const components = Array.from({ length: 1000 }, (_, i) => `  - { name: c${i}, version: { file: VERSION } }`);
    const config = loadConfig(makeRepo({ 'lanes.yaml': `project: p\ncomponents:\n${components.join('\n')}\n`, VERSION: '1.0.0\n' }));
    const tags = Array.from({ length: 20_000 }, (_, n) => ({ name: `c${n % 1000}-v1.${Math.floor(n / 1000)}.0`, commit: 'a'.repeat(40), reachable: true }));
    const h = releaseHistory(config, tags);
    expect(h.last.size).toBe(1000);
    expect(h.last.get('c999')).toMatchObject({ version: '1.19.0', tag: 'c999-v1.19.0' });
    expect(h.ambiguous).toEqual([]);
  });
});
