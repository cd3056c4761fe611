import { describe, expect, it } from 'vitest';
import { lanes } from '../helpers/cli.js';
import { exampleRepo } from '../helpers/repo.js';
import { registryEnv, testScope, uniqueNamespace, useTestRegistry } from '../helpers/testbed.js';

// Only look-ups, nothing pushed. Names: lanes-test-<run>-status-published-errors-….
testScope('status-published-errors');

const row = (status: any, name: string) => status.rows.find((r: any) => r.component === name);

describe('status --published when the registry refuses the credentials', () => {
  const dir = exampleRepo(useTestRegistry(uniqueNamespace('refused')));
  const env = registryEnv({ LANES_REGISTRY_PASSWORD: 'not-the-password' });

  it('--json carries the registry\'s code and message per component and registry', async () => {
    const r = await lanes(['status', '--published', '--json', '--source', dir], env);
    expect(r.code).toBe(0);
    const published = row(r.json(), 'aws-s3-connector').published;
    expect(published).toMatchObject({ dev: 'error', release: 'error' });
    expect(published.errors.dev).toMatchObject({ code: 'E_REGISTRY_AUTH', message: expect.stringContaining('refused'), ref: expect.stringContaining('/aws-s3-connector') });
    expect(published.errors.release.code).toBe('E_REGISTRY_AUTH');
    expect(row(r.json(), 'dsxa').published).toEqual({});
  });

  it('prints the code in the table and the reason once per registry below it', async () => {
    const r = await lanes(['status', '--published', '--source', dir], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/aws-s3-connector .*dev \(error: E_REGISTRY_AUTH\), release \(error: E_REGISTRY_AUTH\)/);
    const notes = r.stdout.split('\n').filter((l) => l.startsWith('note: published in '));
    expect(notes).toHaveLength(2);
    expect(notes[0]).toMatch(/^note: published in dev: unknown for dsx-connect, aws-s3-connector, filesystem-connector: E_REGISTRY_AUTH: .*refused/);
    expect(r.stdout).not.toContain('not-the-password');
  });
});
