import { describe, expect, it } from 'vitest';
import { planDev } from '../../src/plan/dev.js';
import { planLocalBuild } from '../../src/plan/local.js';
import { planRelease } from '../../src/plan/release.js';
import { NO_FACTS } from '../../src/plan/lane-facts.js';
import { multiPlatformFindings } from '../../src/guardrails/multi-platform.js';
import { lanes } from '../helpers/cli.js';
import { component, pureWorkspace } from '../helpers/pure-workspace.js';
import { exampleRepo } from '../helpers/repo.js';

const multiArch = pureWorkspace([component('api', 0, { image: { ...component('api', 0).image!, platforms: ['linux/amd64', 'linux/arm64'] } }), component('web', 1)]);
const codes = (findings: readonly { code: string; component?: string }[]) => findings.filter((f) => f.code === 'E_MULTI_PLATFORM_HOST').map((f) => f.component);

describe('an image of several platforms', () => {
  it('stops the local and dev lanes on the host (the default executor), naming the component and the Dagger module', () => {
    const [finding] = planLocalBuild(multiArch, {}).findings;
    expect(finding).toMatchObject({ code: 'E_MULTI_PLATFORM_HOST', severity: 'error', component: 'api', message: expect.stringContaining('linux/amd64, linux/arm64') });
    expect(finding!.message).toContain('dagger call');
    expect(codes(planDev(multiArch, {}).findings)).toEqual(['api']);
    expect(codes(planDev(multiArch, { executor: 'host' }).findings)).toEqual(['api']);
  });

  it('is no finding for the Dagger module, which builds every platform', () => {
    expect(codes(planLocalBuild(multiArch, { executor: 'dagger' }).findings)).toEqual([]);
    expect(codes(planDev(multiArch, { executor: 'dagger' }).findings)).toEqual([]);
  });

  it('is found in the release plan too (multiPlatformFindings of its build steps)', () => {
    const plan = planRelease(multiArch, { tag: 'v1.0.0' }, NO_FACTS);
    expect(codes(multiPlatformFindings(plan))).toEqual(['api']);
    expect(codes(multiPlatformFindings(plan, 'dagger'))).toEqual([]);
  });

  it('of one platform is fine on the host', () => {
    const one = pureWorkspace([component('api', 0, { image: { ...component('api', 0).image!, platforms: ['linux/arm64'] } })]);
    expect(codes(planLocalBuild(one, {}).findings)).toEqual([]);
  });
});

describe('lanes check and plan on the host', () => {
  const dir = exampleRepo((y) => y.replace('image: { name: dsx-connect, dockerfile: dsx_connect/Dockerfile }', 'image: { name: dsx-connect, dockerfile: dsx_connect/Dockerfile, platforms: [linux/amd64, linux/arm64] }'));

  it('check local fails (exit 1) before anything is built', async () => {
    const r = await lanes(['check', 'local', '--source', dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('error   E_MULTI_PLATFORM_HOST: dsx-connect: image.platforms lists linux/amd64, linux/arm64');
  });

  it('plan local shows it and exits 1', async () => {
    const r = await lanes(['plan', 'local', '--json', '--source', dir]);
    expect(r.code).toBe(1);
    expect(r.json().findings).toContainEqual(expect.objectContaining({ code: 'E_MULTI_PLATFORM_HOST', component: 'dsx-connect' }));
  });

  it('build-all-local --dry-run stops before doing anything', async () => {
    const r = await lanes(['build-all-local', '--dry-run', '--source', dir]);
    expect(r.code).toBe(1);
    expect(`${r.stdout}\n${r.stderr}`).toContain('E_MULTI_PLATFORM_HOST');
  });
});
