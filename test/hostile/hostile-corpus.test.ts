import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { allCases, materialise, resolveArgs, snapshot, type Case } from './corpus.js';

/**
 * Every case of test/hostile/cases (see corpus.ts for the format) ends in a
 * coded error or a correct result: never `internal error`, never a stack
 * trace, never a hang, and no file of the repo changed unless the case is a
 * successful bump that says which files it changes.
 */

const BIN = join(import.meta.dirname, '../../bin/lanes.js');
/** In-process cases answer in milliseconds; this is a generous bound that still catches slow paths. */
const IN_PROCESS_LIMIT_MS = 5_000;
/** A child process is killed after this long: the hang guard for FIFOs, slow patterns and huge inputs. */
const PROCESS_LIMIT_MS = 15_000;

/** A laptop with no CI variables and no credentials: the cases must not depend on the machine. */
const env = (): NodeJS.ProcessEnv => ({ PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: process.env.TMPDIR, LANG: 'C.UTF-8' });

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
  timedOut?: boolean;
}

async function runInProcess(args: string[]): Promise<Outcome> {
  const out: string[] = [];
  const err: string[] = [];
  const start = Date.now();
  const code = await main(args, { out: (t) => out.push(t), err: (t) => err.push(t), env: env() });
  return { code, stdout: out.join('\n'), stderr: err.join('\n'), ms: Date.now() - start };
}

function runProcess(args: string[]): Promise<Outcome> {
  return new Promise((resolve) => {
    const start = Date.now();
    const child = spawn(process.execPath, [BIN, ...args], { env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, PROCESS_LIMIT_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: stdout.trimEnd(), stderr: stderr.trimEnd(), ms: Date.now() - start, timedOut });
    });
  });
}

function checkOutcome(c: Case, r: Outcome): void {
  const all = `${r.stdout}\n${r.stderr}`;
  expect(r.timedOut ?? false, `${c.name} hung (killed after ${PROCESS_LIMIT_MS} ms)`).toBe(false);
  if (!c.process) expect(r.ms, `${c.name} took ${r.ms} ms`).toBeLessThan(IN_PROCESS_LIMIT_MS);
  expect(all).not.toContain('internal error');
  expect(all, 'a stack trace reached the user').not.toMatch(/\n\s+at .*(\(.*:\d+:\d+\)|:\d+:\d+$)/m);
  expect(r.code, `${c.name}: exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`).toBe(c.exit);
  if (c.exit !== 0) {
    expect(c.code, `${c.name}: a failing case names its code`).toBeDefined();
    if (c.code === 'commander') expect(r.stderr).toMatch(/^error: /m);
    else if (r.stderr.includes('error[')) expect(r.stderr).toContain(`error[${c.code}]`);
    // A lane stopped by guardrails lists its findings, each with its code.
    else expect(all).toContain(c.code!);
  }
  for (const text of c.stderr) expect(r.stderr).toContain(text);
  for (const text of c.stdout) expect(r.stdout).toContain(text);
  for (const text of c.out) expect(all).toContain(text);
}

const cases = allCases();

describe('the hostile-input corpus', () => {
  it('holds at least 150 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(150);
  });

  const run = (c: Case) => async () => {
    const { dir, out } = materialise(c);
    const before = snapshot(dir);
    const outsideBefore = snapshot(out);
    const args = resolveArgs(c, dir, out);
    const r = c.process ? await runProcess(args) : await runInProcess(args);
    checkOutcome(c, r);
    const after = snapshot(dir);
    const changed = [...new Set([...before.keys(), ...after.keys()])].filter((p) => before.get(p) !== after.get(p)).sort();
    expect(changed, `${c.name}: files changed`).toEqual(c.exit === 0 ? [...c.changed].sort() : []);
    expect(snapshot(out), `${c.name}: a file outside the repo changed`).toEqual(outsideBefore);
    for (const [path, content] of Object.entries(c.after)) expect(readFileSync(join(dir, path), 'utf8'), `${c.name}: ${path} after`).toBe(content);
  };

  for (const c of cases.filter((x) => !x.process)) it(c.name, run(c));
  // Child processes run side by side: each is mostly waiting for node to start.
  for (const c of cases.filter((x) => x.process)) it.concurrent(c.name, run(c), PROCESS_LIMIT_MS + 5_000);
});
