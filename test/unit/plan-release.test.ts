import { describe, expect, it } from 'vitest';
import { planRelease, type ReleaseFacts } from '../../src/plan/release.js';
import { planDev } from '../../src/plan/dev.js';
import type { PublishedFact } from '../../src/registry/published.js';
import type { Workspace } from '../../src/workspace/workspace.js';
import { component, HEAD, pureWorkspace } from '../helpers/pure-workspace.js';

const OTHER = 'b'.repeat(40);

/** A workspace as plain values (no files, no git, no registry), with a product tag on core and a GitHub repository. */
function workspace(versions: Record<string, string>, tags: { name: string; commit: string }[] = [], last: Record<string, { version: string; tag: string; commit: string }> = {}): Workspace {
  const ws = pureWorkspace(Object.keys(versions).map((name, i) => component(name, i)), { release: { tag: 'v{version}', versionOf: 'core', componentTag: '{component}-v{version}', github: 'o/demo' } }, versions);
  return { ...ws, repo: { ...ws.repo, tags, remoteUrl: 'git@github.com:o/demo.git' }, lastRelease: new Map(Object.entries(last)) };
}

const facts = (published: Record<string, Partial<PublishedFact>> = {}): ReleaseFacts => ({
  ci: true,
  remote: 'origin',
  remoteTags: new Map(),
  published: new Map(Object.entries(published).map(([ref, f]) => [ref, { ref, exists: true, ...f }])),
  notes: 'Changes:\n\n- x (abc1234)\n',
});

describe('planRelease (pure)', () => {
  it('releases every component whose version is not tagged yet, and leaves released ones out with the reason', () => {
    const ws = workspace({ core: '1.5.0', conn: '0.2.0' }, [{ name: 'conn-v0.2.0', commit: OTHER }]);
    const plan = planRelease(ws, { tag: 'v1.5.0' }, facts());
    expect(plan.components.map((c) => c.name)).toEqual(['core']);
    expect(plan.skipped).toEqual([{ component: 'conn', reason: '0.2.0 already released as conn-v0.2.0' }]);
    expect(plan.steps.find((s) => s.kind === 'push-tags')).toMatchObject({ tags: [{ name: 'v1.5.0', commit: HEAD }, { name: 'core-v1.5.0', commit: HEAD }] });
    expect(plan.findings).toEqual([]);
  });

  it('fails when an already-released component is asked for by name', () => {
    const ws = workspace({ core: '1.5.0', conn: '0.2.0' }, [{ name: 'conn-v0.2.0', commit: OTHER }]);
    const plan = planRelease(ws, { tag: 'v1.5.0', only: ['core', 'conn'] }, facts());
    expect(plan.findings.map((f) => [f.code, f.component])).toEqual([['E_ALREADY_PUBLISHED', 'conn']]);
  });

  it('skips artifacts this same commit already published (a resumed release), and fails on anyone else\'s', () => {
    const ws = workspace({ core: '1.5.0' });
    const inputs = (planRelease(ws, { tag: 'v1.5.0' }, facts()).steps.find((s) => s.kind === 'build-image') as { labels: Record<string, string> }).labels['lanes.build-inputs'];
    const resumed = planRelease(ws, { tag: 'v1.5.0' }, facts({ 'r.example/demo/core:1.5.0': { revision: HEAD, buildInputs: inputs } }));
    expect(resumed.steps.find((s) => s.id === 'push:r.example/demo/core:1.5.0')?.skip).toBe('already published by an earlier run of this release (same commit)');
    expect(resumed.findings).toEqual([]);
    const foreign = planRelease(ws, { tag: 'v1.5.0' }, facts({ 'oci://r.example/demo-charts/core-chart:1.5.0': { revision: OTHER } }));
    expect(foreign.findings).toEqual([expect.objectContaining({ code: 'E_ALREADY_PUBLISHED', message: expect.stringContaining(`(from ${OTHER.slice(0, 7)})`) })]);
  });

  it('marks a prerelease tag as a GitHub prerelease and carries the notes', () => {
    const plan = planRelease(workspace({ core: '2.0.0-rc.1' }), { tag: 'v2.0.0-rc.1' }, facts());
    expect(plan.steps.find((s) => s.kind === 'github-release')).toMatchObject({ prerelease: true, name: 'demo 2.0.0-rc.1', notes: expect.stringMatching(/\n\nChanges:\n\n- x \(abc1234\)\n$/) });
  });

  it('pushes nothing before every build and package: pushes need the tag push, which needs the checksums of everything', () => {
    const plan = planRelease(workspace({ core: '1.0.0', conn: '1.0.0' }), { tag: 'v1.0.0' }, facts());
    const byId = new Map(plan.steps.map((s) => [s.id, s]));
    const before = (id: string): Set<string> => new Set(byId.get(id)!.needs.flatMap((n) => [n, ...before(n)]));
    for (const push of plan.steps.filter((s) => s.kind === 'push-image' || s.kind === 'push-chart')) {
      const all = before(push.id);
      for (const build of plan.steps.filter((s) => s.kind === 'build-image' || s.kind === 'package-chart')) expect(all.has(build.id), `${push.id} after ${build.id}`).toBe(true);
    }
  });

  it('fails without a registry, a remote, or outside CI', () => {
    const ws = workspace({ core: '1.0.0' });
    ws.config.registries = {};
    const plan = planRelease(ws, { tag: 'v1.0.0' }, { ...facts(), ci: false, remote: undefined });
    expect(plan.findings.map((f) => f.code).sort()).toEqual(['E_NOT_CI', 'E_NO_REGISTRY', 'E_NO_REMOTE']);
  });
});

describe('planDev (pure)', () => {
  it('tags <version> and the immutable <version>-<sha7>, skipping the latter when this commit already pushed it', () => {
    const plan = planDev(workspace({ core: '1.0.0' }), {}, new Map([['r.example/dev/core:1.0.0-aaaaaaa', { ref: 'r.example/dev/core:1.0.0-aaaaaaa', exists: true }]]));
    expect(plan.components[0]!.images).toEqual(['r.example/dev/core:1.0.0', 'r.example/dev/core:1.0.0-aaaaaaa']);
    expect(plan.steps.filter((s) => s.kind === 'push-image').map((s) => [s.id, s.skip])).toEqual([
      ['push:r.example/dev/core:1.0.0-aaaaaaa', 'already pushed from this commit'],
      ['push:r.example/dev/core:1.0.0', undefined],
    ]);
  });

  it('pushes the immutable tag first and the mutable one after it, never both at once', () => {
    const plan = planDev(workspace({ core: '1.0.0' }), {});
    const mutable = plan.steps.find((s) => s.id === 'push:r.example/dev/core:1.0.0')!;
    expect(mutable.needs).toContain('push:r.example/dev/core:1.0.0-aaaaaaa');
  });
});

describe('isCI', () => {
  it('recognises CI=true and the variables of common CI systems, and nothing else', async () => {
    const { isCI } = await import('../../src/facts/ci.js');
    expect([{ CI: 'true' }, { GITHUB_ACTIONS: 'true' }, { GITLAB_CI: 'true' }, { JENKINS_URL: 'http://j' }].map(isCI)).toEqual([true, true, true, true]);
    expect([{}, { CI: 'false' }, { CI: '0' }, { CI: '' }].map(isCI)).toEqual([false, false, false, false]);
  });

  it('does not take a CI variable that says no (CI=no, CI=off, CI=False) for CI', async () => {
    const { isCI } = await import('../../src/facts/ci.js');
    expect([{ CI: 'no' }, { CI: 'off' }, { CI: 'False' }, { GITLAB_CI: 'false' }].map(isCI)).toEqual([false, false, false, false]);
  });
});

describe('release notes', () => {
  it('list each released component with the version it replaces, the unchanged ones, then the log', () => {
    const ws = workspace({ core: '1.5.0', conn: '0.2.0', ui: '3.0.0' }, [{ name: 'conn-v0.2.0', commit: OTHER }], { core: { version: '1.4.0', tag: 'v1.4.0', commit: OTHER } });
    const plan = planRelease(ws, { tag: 'v1.5.0' }, facts());
    const notes = (plan.steps.find((s) => s.kind === 'github-release') as { notes: string }).notes;
    expect(notes).toBe(
      [
        '## Components',
        '',
        '- **core 1.5.0** (was 1.4.0): `r.example/demo/core:1.5.0`, `oci://r.example/demo-charts/core-chart:1.5.0`',
        '- **ui 3.0.0** (first release): `r.example/demo/ui:3.0.0`, `oci://r.example/demo-charts/ui-chart:3.0.0`',
        '',
        'Unchanged: conn 0.2.0.',
        '',
        'Changes:\n\n- x (abc1234)\n',
      ].join('\n'),
    );
  });
});

describe('planRelease: a component released from its own tag', () => {
  it('releases that component alone: its image, its chart, its tag, no compose bundle, a release named after it', () => {
    const ws = workspace({ core: '1.5.0', conn: '0.2.0' });
    const plan = planRelease(ws, { tag: 'conn-v0.2.0' }, facts());
    expect(plan.findings).toEqual([]);
    expect(plan.components.map((c) => c.name)).toEqual(['conn']);
    expect(plan.steps.find((s) => s.kind === 'push-tags')).toMatchObject({ tags: [{ name: 'conn-v0.2.0', commit: HEAD }] });
    expect(plan.steps.map((s) => s.kind)).not.toContain('compose-bundle');
    expect(plan.steps.find((s) => s.kind === 'github-release')).toMatchObject({ tag: 'conn-v0.2.0', name: 'conn 0.2.0' });
  });

  it("checks the tag against that component's checked-in version (E_TAG_VERSION_MISMATCH)", () => {
    const plan = planRelease(workspace({ core: '1.5.0', conn: '0.2.0' }), { tag: 'conn-v0.3.0' }, facts());
    expect(plan.findings).toContainEqual(expect.objectContaining({ code: 'E_TAG_VERSION_MISMATCH', component: 'conn', message: expect.stringContaining('tag conn-v0.2.0 instead') }));
  });

  it("fails on a component tag that is already on the remote at another commit (the lock holds for components too)", () => {
    const ws = workspace({ core: '1.5.0', conn: '0.2.0' });
    const plan = planRelease(ws, { tag: 'conn-v0.2.0' }, { ...facts(), remoteTags: new Map([['conn-v0.2.0', OTHER]]) });
    expect(plan.findings.map((f) => f.code)).toContain('E_TAG_EXISTS');
  });

  it('names both tag forms when a tag follows neither (E_TAG_FORMAT)', () => {
    const plan = planRelease(workspace({ core: '1.5.0', conn: '0.2.0' }), { tag: 'release-1.5.0' }, facts());
    expect(plan.findings).toContainEqual(expect.objectContaining({ code: 'E_TAG_FORMAT', message: expect.stringContaining('v1.2.3 or core-v1.2.3') }));
  });
});

describe('planRelease: version-only components', () => {
  it('tags a version-only component in a product release, and says so in the plan and the notes', () => {
    const ws = workspace({ core: '1.5.0', desktop: '2.0.0' });
    const desktop = ws.config.components.find((c) => c.name === 'desktop')!;
    delete desktop.image;
    delete desktop.chart;
    const plan = planRelease(ws, { tag: 'v1.5.0' }, facts());
    expect(plan.components.find((c) => c.name === 'desktop')).toEqual({ name: 'desktop', version: '2.0.0', images: [], tagOnly: 'desktop-v2.0.0' });
    expect(plan.steps.find((s) => s.kind === 'push-tags')).toMatchObject({ tags: expect.arrayContaining([{ name: 'desktop-v2.0.0', commit: HEAD }]) });
    expect(plan.steps.find((s) => s.kind === 'github-release')).toMatchObject({ notes: expect.stringContaining('**desktop 2.0.0** (first release): tagged `desktop-v2.0.0`') });
  });
});

describe('planRelease on a rerun whose checkout has the release tags already', () => {
  it('compares with the release before this one, not with its own tags at HEAD', () => {
    const ws = workspace({ core: '1.5.0' }, [
      { name: 'core-v1.4.0', commit: OTHER },
      { name: 'v1.5.0', commit: HEAD },
      { name: 'core-v1.5.0', commit: HEAD },
    ], { core: { version: '1.5.0', tag: 'core-v1.5.0', commit: HEAD } });
    const plan = planRelease(ws, { tag: 'v1.5.0' }, { ...facts(), remoteTags: new Map([['v1.5.0', HEAD], ['core-v1.5.0', HEAD]]) });
    expect(plan.findings).toEqual([]);
    expect(plan.steps.find((s) => s.kind === 'github-release')).toMatchObject({ notes: expect.stringContaining('**core 1.5.0** (was 1.4.0)') });
  });
});
