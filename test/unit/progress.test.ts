import { describe, expect, it } from 'vitest';
import { Progress } from '../../src/cli/progress.js';
import type { StepResult } from '../../src/exec/run-steps.js';
import type { Step } from '../../src/plan/types.js';

const step = (id: string): Step => ({ id, needs: [], kind: 'ensure-network', network: id });
const ok = (id: string, ms: number): StepResult => ({ id, kind: 'ensure-network', status: 'ok', durationMs: ms, outputs: { network: id } });
const failed = (id: string): StepResult => ({ id, kind: 'ensure-network', status: 'failed', reason: 'boom', durationMs: 5, outputs: {} });

/** A clock the test moves. */
function clock() {
  let t = 0;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('step progress', () => {
  it('prints plain lines, without escape codes, where there is no terminal (CI logs, pipes)', () => {
    const lines: string[] = [];
    const p = new Progress({ line: (t) => lines.push(t), color: false }, 2);
    p.start(step('net:a'));
    p.finish(ok('net:a', 12));
    p.stop();
    expect(lines).toEqual(['...  net:a: docker network net:a (create if missing)', expect.stringMatching(/^ok {3}net:a +12ms$/)]);
    expect(lines.join('')).not.toContain('\x1b');
  });

  it('redraws one live line on a terminal, naming what runs and for how long', () => {
    const c = clock();
    const out: string[] = [];
    const p = new Progress({ line: () => {}, tty: { write: (s) => out.push(s), columns: 80 }, color: false }, 3, c.now);
    p.start(step('build:a'));
    c.advance(1500);
    p.start(step('build:b'));
    expect(p.liveLine()).toBe('[0/3] running build:a (1.5s), build:b (0ms)');
    p.finish(ok('build:a', 1500));
    expect(p.liveLine()).toBe('[1/3] running build:b (0ms)');
    expect(out.at(-2)).toMatch(/^\r\x1b\[Kok {3}build:a/);
    p.stop();
    expect(out.at(-1)).toBe('\r\x1b[K');
  });

  it('colours the marks on a terminal, and not under NO_COLOR', () => {
    const colored: string[] = [];
    const plain: string[] = [];
    new Progress({ line: () => {}, tty: { write: (s) => colored.push(s) }, color: true }, 1).finish(failed('x'));
    new Progress({ line: () => {}, tty: { write: (s) => plain.push(s) }, color: false }, 1).finish(failed('x'));
    expect(colored[0]).toContain('\x1b[31mFAIL');
    expect(plain.join('')).not.toMatch(/\x1b\[3\dm/);
  });

  it('cuts the live line to the terminal width', () => {
    const p = new Progress({ line: () => {}, tty: { write: () => {}, columns: 30 }, color: false }, 1, () => 0);
    p.start(step('build:a-component-with-a-long-name'));
    expect(p.liveLine()).toHaveLength(29);
    expect(p.liveLine().endsWith('…')).toBe(true);
    p.stop();
  });
});
