import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { laneGuardrails } from '../../src/guardrails/lane-guardrails.js';
import { findRefCollisions, refCollisionFindings } from '../../src/guardrails/ref-collisions.js';
import { planDev } from '../../src/plan/dev.js';
import { planLocalBuild } from '../../src/plan/local.js';
import { planRelease } from '../../src/plan/release.js';
import { NO_FACTS } from '../../src/plan/lane-facts.js';
import { lanes } from '../helpers/cli.js';
import { component, pureWorkspace } from '../helpers/pure-workspace.js';
import { commitAll, exampleRepo, read } from '../helpers/repo.js';

/** A component whose chart is named like its image (the example's aws-s3-connector chart renamed so). */
const chartLikeImage = (name = 'api', index = 0) => component(name, index, { chart: { ...component(name, index).chart!, name } });

/** Registries on Docker Hub under two of its names: images on docker.io/ns, charts on oci://<alias>/ns. */
const dockerHub = (alias: string) => ({
  registries: {
    dev: { images: 'docker.io/acme-dev', charts: `oci://${alias}/acme-dev` },
    release: { images: 'docker.io/acme', charts: `oci://${alias}/acme` },
  },
});

describe('reference collisions', () => {
  it.each(['registry-1.docker.io', 'index.docker.io', 'registry.hub.docker.com', 'docker.io', 'Registry-1.Docker.IO'])(
    'take docker.io images and %s charts as one Docker Hub repository',
    (alias) => {
      const ws = pureWorkspace([chartLikeImage()], dockerHub(alias));
      expect(findRefCollisions(ws.config).map((c) => [c.target, c.repository])).toEqual([
        ['dev', 'registry-1.docker.io/acme-dev/api'],
        ['release', 'registry-1.docker.io/acme/api'],
      ]);
    },
  );

  it('find none when images and charts are in different namespaces of one registry', () => {
    const ws = pureWorkspace([chartLikeImage()], { registries: { dev: { images: 'docker.io/acme', charts: 'oci://registry-1.docker.io/acme-charts' } } });
    expect(findRefCollisions(ws.config)).toEqual([]);
  });

  it('find two images of one name in the local image store and in every registry', () => {
    const ws = pureWorkspace([component('a', 0, { image: { ...component('a', 0).image!, name: 'same' } }), component('b', 1, { image: { ...component('b', 1).image!, name: 'same' } })]);
    expect(findRefCollisions(ws.config).map((c) => c.target)).toEqual(['local', 'dev', 'release']);
    expect(refCollisionFindings(ws.config)).toHaveLength(1);
  });

  it('are one finding naming both registries, the alias and the fix (rename the chart in its Chart.yaml)', () => {
    const [finding] = refCollisionFindings(pureWorkspace([chartLikeImage()], dockerHub('registry-1.docker.io')).config);
    expect(finding).toMatchObject({ code: 'E_REF_COLLISION', severity: 'error', component: 'api' });
    expect(finding!.message).toContain('registries.dev (registry-1.docker.io/acme-dev/api) and registries.release (registry-1.docker.io/acme/api)');
    expect(finding!.message).toContain('docker.io and registry-1.docker.io are one registry, Docker Hub');
    expect(finding!.message).toContain('push-all-dev and release stop on it');
    expect(finding!.message).toContain('rename the chart (name: in api/helm/Chart.yaml, e.g. "api-chart")');
  });
});

describe('a collision in the lanes', () => {
  const ws = pureWorkspace([chartLikeImage()], dockerHub('registry-1.docker.io'));

  it('stops the dev lane, whose image and chart would overwrite each other', () => {
    expect(planDev(ws, {}).findings).toContainEqual(expect.objectContaining({ code: 'E_REF_COLLISION', severity: 'error' }));
  });

  it('stops the release lane (laneGuardrails, which every planner adds)', () => {
    const plan = planRelease(ws, { tag: 'v1.0.0', allowLocal: true }, NO_FACTS);
    expect(laneGuardrails(ws, plan, {})).toContainEqual(expect.objectContaining({ code: 'E_REF_COLLISION', severity: 'error' }));
  });

  it('is only a warning in the local lane, which pushes nothing', () => {
    expect(planLocalBuild(ws, {}).findings).toEqual([expect.objectContaining({ code: 'E_REF_COLLISION', severity: 'warning' })]);
  });

  it('stops the local lane when two images share a local name', () => {
    const twins = pureWorkspace([component('a', 0, { image: { ...component('a', 0).image!, name: 'same' } }), component('b', 1, { image: { ...component('b', 1).image!, name: 'same' } })]);
    expect(planLocalBuild(twins, {}).findings).toEqual([expect.objectContaining({ code: 'E_REF_COLLISION', severity: 'error', message: expect.stringContaining('give one of the images another name (components[1].image.name') })]);
  });
});

describe('the example with a chart named like its image, on Docker Hub under two names', () => {
  /** The example as it is (docker.io images, oci://registry-1.docker.io charts), aws-s3-connector's chart renamed to its image's name. */
  const colliding = () => {
    const dir = exampleRepo();
    const chart = join(dir, 'connectors/aws_s3/deploy/helm/Chart.yaml');
    writeFileSync(chart, read(dir, 'connectors/aws_s3/deploy/helm/Chart.yaml').replace(/^name: aws-s3-connector-chart$/m, 'name: aws-s3-connector'));
    commitAll(dir, 'chart named like the image');
    return dir;
  };

  it('status still reports (exit 0), with the collision and its fix', async () => {
    const r = await lanes(['status', '--source', colliding()]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/aws-s3-connector\s+0\.5\.2\s+agree/);
    expect(r.stdout).toContain('error   E_REF_COLLISION: aws-s3-connector: its image aws-s3-connector and its chart aws-s3-connector are one repository');
    expect(r.stdout).toContain('rename the chart (name: in connectors/aws_s3/deploy/helm/Chart.yaml');
  });

  it('status --json carries it as a finding', async () => {
    const r = await lanes(['status', '--json', '--source', colliding()]);
    expect(r.code).toBe(0);
    expect(r.json().findings).toContainEqual(expect.objectContaining({ code: 'E_REF_COLLISION', severity: 'error', component: 'aws-s3-connector' }));
  });

  it('plan local and check local still run (exit 0) and show it as a warning', async () => {
    const dir = colliding();
    for (const command of ['plan', 'check']) {
      const r = await lanes([command, 'local', '--json', '--source', dir]);
      expect(r.code, command).toBe(0);
      expect(JSON.stringify(r.json())).toContain('"code":"E_REF_COLLISION","severity":"warning"');
    }
  });
});
