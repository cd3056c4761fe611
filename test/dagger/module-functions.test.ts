import { describe, expect, it } from 'vitest';
import { introspect } from '../helpers/introspect-module.js';

const EXPECTED = ['status', 'plan', 'check', 'bump', 'buildAllLocal', 'deployAllLocal', 'composeUpLocal', 'composeDownLocal', 'pushAllDev', 'release'];

describe('the Dagger module as `dagger functions` sees it', () => {
  it('registers one function per lane function and supporting command, each with help and an example', async () => {
    const lanes = await introspect();
    expect(lanes.name).toBe('Lanes');
    expect(lanes.description).toContain('Explicit-version build and release lanes');
    expect(Object.keys(lanes.methods)).toEqual(EXPECTED);
    for (const name of EXPECTED) {
      const fn = lanes.methods[name];
      expect(fn.description.length, name).toBeGreaterThan(40);
      expect(fn.description, name).toMatch(/Example usage: dagger call [a-z-]+/);
    }
  });

  it('gives every function a source Directory defaulting to the repository root', async () => {
    const lanes = await introspect();
    for (const name of EXPECTED) {
      expect(lanes.methods[name].arguments.source, name).toMatchObject({ defaultPath: '/', type: { kind: 'OBJECT_KIND', name: 'Directory' } });
    }
  });

  it('takes every credential as a Secret, never as a string', async () => {
    const lanes = await introspect();
    const credentials: [string, string][] = [
      ['pushAllDev', 'registryPassword'],
      ['release', 'registryPassword'],
      ['release', 'gitToken'],
      ['release', 'githubToken'],
      ['plan', 'registryPassword'],
      ['check', 'registryPassword'],
      ['deployAllLocal', 'kubeconfig'],
    ];
    for (const [fn, arg] of credentials) expect(lanes.methods[fn].arguments[arg].type, `${fn}.${arg}`).toMatchObject({ kind: 'OBJECT_KIND', name: 'Secret' });
    for (const fn of Object.values<any>(lanes.methods)) {
      for (const [arg, spec] of Object.entries<any>(fn.arguments)) {
        if (/password|token|secret/i.test(arg)) expect(spec.type.name, `${fn.name}.${arg}`).toBe('Secret');
      }
    }
    expect(lanes.methods.composeUpLocal.arguments.dockerSocket.type).toMatchObject({ name: 'Socket' });
  });

  it('offers the CLI\'s options on the lane functions', async () => {
    const lanes = await introspect();
    const args = (fn: string) => Object.keys(lanes.methods[fn].arguments);
    for (const fn of ['buildAllLocal', 'pushAllDev', 'release']) expect(args(fn)).toEqual(expect.arrayContaining(['only', 'skip', 'buildArg', 'jobs', 'dryRun', 'json']));
    expect(args('release')).toEqual(expect.arrayContaining(['tag', 'allowLocal', 'strict']));
    expect(args('composeUpLocal')).toEqual(expect.arrayContaining(['include', 'includeDsxa', 'envFile']));
    expect(args('bump')).toEqual(expect.arrayContaining(['component', 'version', 'patch', 'minor', 'major', 'pre', 'allowDowngrade']));
    expect(lanes.methods.bump.returnType).toMatchObject({ kind: 'OBJECT_KIND', name: 'Directory' });
  });
});
