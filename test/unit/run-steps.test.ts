import { describe, expect, it } from 'vitest';
import { StepError } from '../../src/errors.js';
import { runSteps } from '../../src/exec/run-steps.js';
import type { Step } from '../../src/plan/types.js';

const step = (id: string, needs: string[] = [], skip?: string): Step => ({ id, needs, kind: 'ensure-network', network: id, ...(skip ? { skip } : {}) });

/** A handler whose steps finish when the test says so, recording what ran at once. */
function controlled(fail: string[] = []) {
  const started: string[] = [];
  let running = 0;
  let maxRunning = 0;
  const pending = new Map<string, () => void>();
  const handle = (s: Step) =>
    new Promise<Record<string, never>>((resolve, reject) => {
      started.push(s.id);
      maxRunning = Math.max(maxRunning, ++running);
      pending.set(s.id, () => {
        running--;
        fail.includes(s.id) ? reject(new StepError(`${s.id} broke`)) : resolve({});
      });
    });
  /** Finishes every started step, one microtask round at a time, until all settle. */
  const drain = async (done: Promise<unknown>) => {
    let finished = false;
    void done.then(() => (finished = true));
    while (!finished) {
      await new Promise((r) => setImmediate(r));
      const [first] = pending.keys();
      if (first) {
        const finish = pending.get(first)!;
        pending.delete(first);
        finish();
      }
    }
  };
  return { handle, started, maxRunning: () => maxRunning, drain };
}

describe('runSteps', () => {
  it('runs steps after what they need, at most `jobs` at a time', async () => {
    const c = controlled();
    const steps = [step('a'), step('b'), step('c'), step('d', ['a', 'b', 'c'])];
    const run = runSteps(steps, c.handle, { jobs: 2, continueOnError: false });
    await c.drain(run);
    const results = await run;
    expect(results.map((r) => r.status)).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect(c.maxRunning()).toBe(2);
    expect(c.started.indexOf('d')).toBe(3);
  });

  it('records a planned skip with its reason and still runs what depends on it', async () => {
    const c = controlled();
    const run = runSteps([step('a', [], 'already published'), step('b', ['a'])], c.handle, { jobs: 1, continueOnError: false });
    await c.drain(run);
    expect((await run).map((r) => [r.status, r.reason])).toEqual([['skipped', 'already published'], ['ok', undefined]]);
  });

  it('skips the dependents of a failed step, with the reason', async () => {
    const c = controlled(['a']);
    const run = runSteps([step('a'), step('b', ['a']), step('c', ['b'])], c.handle, { jobs: 1, continueOnError: true });
    await c.drain(run);
    expect((await run).map((r) => [r.id, r.status, r.reason])).toEqual([
      ['a', 'failed', 'a broke'],
      ['b', 'skipped', 'not run: a did not succeed'],
      ['c', 'skipped', 'not run: b did not succeed'],
    ]);
  });

  it('lets running steps finish after a failure but starts no new ones, unless --continue-on-error', async () => {
    const stop = controlled(['a']);
    const run = runSteps([step('a'), step('b'), step('c')], stop.handle, { jobs: 2, continueOnError: false });
    await stop.drain(run);
    expect((await run).map((r) => r.status)).toEqual(['failed', 'ok', 'skipped']);
    const go = controlled(['a']);
    const run2 = runSteps([step('a'), step('b'), step('c')], go.handle, { jobs: 2, continueOnError: true });
    await go.drain(run2);
    expect((await run2).map((r) => r.status)).toEqual(['failed', 'ok', 'ok']);
  });

  it('refuses a plan whose steps need a step that is not there', async () => {
    await expect(runSteps([step('a', ['ghost'])], async () => ({}), { jobs: 1, continueOnError: false })).rejects.toThrow('step a needs ghost');
  });

  it("records an error from outside lanes (the Dagger SDK's ExecError) as that step's failure, with the command's exit code and stderr, and still ends with every result", async () => {
    // The shape of @dagger.io/dagger's ExecError: the module cannot import the class inside the runtime, so it is matched by shape.
    const sdkError = Object.assign(new Error('exit code: 2'), { name: 'ExecError', cmd: ['helm', 'lint', 'chart'], exitCode: 2, stderr: 'Error: 1 chart(s) failed' });
    const results = await runSteps([step('a'), step('b')], async (s) => {
      if (s.id === 'a') throw sdkError;
      return {};
    }, { jobs: 2, continueOnError: true });
    expect(results.map((r) => [r.id, r.status, r.code])).toEqual([['a', 'failed', 'E_EXEC'], ['b', 'ok', undefined]]);
    expect(results[0]!.reason).toContain('`helm lint chart` failed (exit 2)');
    expect(results[0]!.reason).toContain('1 chart(s) failed');
  });

  it('records any other unexpected error as a failed step (E_STEP) instead of ending the run without a summary', async () => {
    const results = await runSteps([step('a')], async () => {
      throw new TypeError('boom');
    }, { jobs: 1, continueOnError: false });
    expect(results.map((r) => [r.status, r.code, r.reason])).toEqual([['failed', 'E_STEP', 'boom']]);
  });
});
