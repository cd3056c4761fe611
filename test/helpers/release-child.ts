import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from './repo.js';

export interface ChildRun {
  /** Exit code, or null when a signal ended it. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stderr, line by line, as it came, each with when it came (ms after the start). */
  lines: string[];
  at: number[];
  /** The stderr line after which the run was killed, or `after <ms> ms`. */
  killedAt?: string;
  durationMs: number;
  /** stdout parsed as JSON (for --json runs). */
  json: <T = any>() => T;
}

export interface ChildOptions {
  /** Called for each stderr line; return true to SIGKILL the run's whole process group right there. */
  killWhen?: (line: string) => boolean;
  /** SIGKILL the run's process group this many milliseconds after it was started (or after the line `clockFrom` picks). */
  killAfterMs?: number;
  /** Start the killAfterMs clock at the first stderr line this accepts instead of at the start. */
  clockFrom?: (line: string) => boolean;
  /** Each stderr line, as it comes (after killWhen). */
  onLine?: (line: string) => void;
  /** Longest the run may take before it is killed and the promise rejects (default 150 s). */
  timeoutMs?: number;
}

/** Process groups of runs still going: a test that fails half-way leaves none behind (killRunningChildren in afterEach). */
const running = new Set<number>();

/** SIGKILL to every run this file started that is still going, each by its own process group id. */
export function killRunningChildren(): void {
  for (const pgid of running) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // Gone already.
    }
  }
  running.clear();
}

/**
 * `node bin/lanes.js …` as a separate process, as CI runs it: stderr is a
 * pipe, so progress comes as plain lines (`...  <step id>: …` when a step
 * starts, `ok   <step id> …` when it ends). A kill is SIGKILL to the whole
 * process group — lanes and the docker, helm and git commands it started —
 * as when a CI runner or its machine dies: nothing gets to clean up.
 */
export function runLanesChild(args: string[], env: NodeJS.ProcessEnv, opts: ChildOptions = {}): Promise<ChildRun> {
  const started = performance.now();
  const child = spawn(process.execPath, [join(PROJECT_ROOT, 'bin/lanes.js'), ...args], { cwd: PROJECT_ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid) running.add(child.pid);
  const out: Buffer[] = [];
  const lines: string[] = [];
  const at: number[] = [];
  let partial = '';
  let killedAt: string | undefined;
  let timedOut = false;
  const killGroup = (why: string) => {
    if (killedAt !== undefined || child.exitCode !== null || child.signalCode !== null) return;
    killedAt = why;
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // Already gone.
    }
  };
  const timers: NodeJS.Timeout[] = [];
  let clockStarted = false;
  const startClock = () => {
    clockStarted = true;
    if (opts.killAfterMs !== undefined) timers.push(setTimeout(() => killGroup(`after ${opts.killAfterMs} ms`), opts.killAfterMs));
  };
  if (!opts.clockFrom) startClock();
  timers.push(
    setTimeout(() => {
      timedOut = true;
      killGroup('timeout');
    }, opts.timeoutMs ?? 150_000),
  );
  child.stdout.on('data', (c: Buffer) => out.push(c));
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    partial += chunk;
    let nl: number;
    while ((nl = partial.indexOf('\n')) >= 0) {
      const line = partial.slice(0, nl);
      partial = partial.slice(nl + 1);
      lines.push(line);
      at.push(performance.now() - started);
      if (!clockStarted && opts.clockFrom?.(line)) startClock();
      if (opts.killWhen?.(line)) killGroup(line);
      opts.onLine?.(line);
    }
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      for (const t of timers) clearTimeout(t);
      running.delete(child.pid!);
      // Whatever the group still holds (a command lanes started that outlived it) goes too.
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // Nothing left.
      }
      if (partial) {
        lines.push(partial);
        at.push(performance.now() - started);
      }
      const stdout = Buffer.concat(out).toString();
      const run: ChildRun = { code, signal, stdout, stderr: lines.join('\n'), lines, at, killedAt, durationMs: performance.now() - started, json: () => JSON.parse(stdout) };
      if (timedOut) reject(new Error(`lanes ${args.join(' ')} took longer than ${opts.timeoutMs ?? 150_000} ms; stderr:\n${run.stderr.slice(-2000)}`));
      else resolve(run);
    });
  });
}

/** The step a progress line is about: `...  <id>: …` (started) or `<mark> <id> …` (ended: ok, FAIL, skip). */
export function progressLine(line: string): { event: 'start' | 'end'; id: string } | undefined {
  const start = /^\.\.\. {2}(\S+): /.exec(line);
  if (start) return { event: 'start', id: start[1]! };
  const end = /^(ok|FAIL|skip) +(\S+)/.exec(line);
  return end ? { event: 'end', id: end[2]! } : undefined;
}

/** A small seeded PRNG (mulberry32), so a random fault can be replayed from its printed seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
