import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findUnlistedComponents } from '../../src/workspace/unlisted-components.js';
import { lanes } from '../helpers/cli.js';
import { component, pureWorkspace } from '../helpers/pure-workspace.js';
import { commitAll, exampleRepo } from '../helpers/repo.js';

const config = pureWorkspace([component('api', 0)]).config;

describe('unlisted components', () => {
  it('are one per component directory: its Dockerfile and its own deploy/helm chart are one component', () => {
    expect(findUnlistedComponents(config, ['svc/Dockerfile', 'svc/deploy/helm/Chart.yaml', 'svc/version.py'])).toEqual(['svc']);
  });

  it('group a chart-only and a desktop app (src-tauri) under their component directory', () => {
    expect(findUnlistedComponents(config, ['jobs/deploy/helm/Chart.yaml', 'jobs/deploy/docker/Dockerfile', 'desk/src-tauri/tauri.conf.json', 'desk/src-tauri/Cargo.toml'])).toEqual(['desk', 'jobs']);
  });

  it('keep two components side by side apart', () => {
    expect(findUnlistedComponents(config, ['connectors/a/Dockerfile', 'connectors/a/deploy/helm/Chart.yaml', 'connectors/b/Dockerfile'])).toEqual(['connectors/a', 'connectors/b']);
  });

  it('never report a listed component, nor call a listed component\'s parent unlisted for an uncovered part beside it', () => {
    const partial = pureWorkspace([component('x', 0, { path: 'x/app', sources: ['x/app'], image: { ...component('x', 0).image!, dockerfile: 'x/app/Dockerfile', context: 'x/app' }, chart: undefined, versionFiles: [] })]).config;
    expect(findUnlistedComponents(partial, ['x/app/Dockerfile', 'x/deploy/helm/Chart.yaml'])).toEqual(['x/deploy']);
    expect(findUnlistedComponents(config, ['api/Dockerfile', 'api/deploy/helm/Chart.yaml'])).toEqual([]);
  });
});

describe('W_UNLISTED_COMPONENT in status', () => {
  it('is one finding for a forgotten connector with its Dockerfile and its own deploy/helm chart', async () => {
    const dir = exampleRepo();
    mkdirSync(join(dir, 'connectors/azure_blob/deploy/helm'), { recursive: true });
    writeFileSync(join(dir, 'connectors/azure_blob/Dockerfile'), 'FROM scratch\n');
    writeFileSync(join(dir, 'connectors/azure_blob/version.py'), '__version__ = "0.1.0"\n');
    writeFileSync(join(dir, 'connectors/azure_blob/deploy/helm/Chart.yaml'), 'name: azure-blob-chart\nversion: 0.1.0\n');
    commitAll(dir, 'a connector lanes.yaml does not know');
    const findings = (await lanes(['status', '--json', '--source', dir])).json().findings.filter((f: { code: string }) => f.code === 'W_UNLISTED_COMPONENT');
    expect(findings).toHaveLength(1);
    expect(findings[0].message).toMatch(/^connectors\/azure_blob looks like a component/);
  });
});
