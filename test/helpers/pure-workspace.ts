import type { Component, LanesConfig } from '../../src/config/model.js';
import type { Workspace } from '../../src/workspace/workspace.js';

export const HEAD = 'a'.repeat(40);

/** A component as lanes.yaml would give it: `name/VERSION`, an image `name`, a chart `name-chart`; override any part. */
export function component(name: string, index: number, over: Partial<Component> = {}): Component {
  return {
    name,
    index,
    path: name,
    sources: [name],
    versionFiles: [{ file: `${name}/VERSION`, format: 'plain', yamlPath: `components[${index}].version.file` }],
    image: { name, dockerfile: `${name}/Dockerfile`, context: name, buildArgs: {}, platforms: [] },
    chart: { path: `${name}/helm`, name: `${name}-chart`, values: { repository: 'image.repository', tag: 'image.tag', pullPolicy: 'image.pullPolicy' }, release: name },
    ...over,
  };
}

/** A workspace as plain values (no files, no git, no registry): every component at 1.0.0 unless `versions` says otherwise. */
export function pureWorkspace(components: Component[], config: Partial<LanesConfig> = {}, versions: Record<string, string> = {}): Workspace {
  return {
    config: {
      root: '/repo',
      file: 'lanes.yaml',
      project: 'demo',
      registries: { release: { images: 'r.example/demo', charts: 'oci://r.example/demo-charts' }, dev: { images: 'r.example/dev', charts: 'oci://r.example/dev-charts' } },
      release: { tag: 'v{version}', componentTag: '{component}-v{version}' },
      compose: { project: 'demo' },
      components,
      ...config,
    },
    versions: new Map(components.filter((c) => !c.external).map((c) => [c.name, { component: c.name, version: versions[c.name] ?? '1.0.0', agree: true, readings: [] }])),
    repo: { isRepo: true, head: HEAD, headTime: '2026-01-01T00:00:00Z', branch: 'main', shallow: false, dirty: [], tags: [], remoteUrl: 'git@example.com:o/demo.git', prefix: '' },
    lastRelease: new Map(),
    changedSinceRelease: new Map(),
    unlisted: [],
  } as Workspace;
}
