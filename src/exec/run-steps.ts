import { ExecError, LanesError, StepError } from '../errors.js';
import type { Step } from '../plan/types.js';
import type { AnyStepOutputs, StepKind, StepOutputs } from './executor.js';

export type StepStatus = 'ok' | 'failed' | 'skipped';

interface ResultOf<K extends StepKind> {
  id: string;
  kind: K;
  component?: string;
  status: StepStatus;
  /** Why it was skipped, or why it failed. */
  reason?: string;
  /** The code of the error that failed it (E_EXEC, E_STEP, a guardrail's code…). */
  code?: string;
  durationMs: number;
  /** What the step produced (digests, pushed references, files); empty unless it succeeded. */
  outputs: StepOutputs[K] | Record<string, never>;
}
/** One step's result, typed by its kind. */
export type StepResult = { [K in StepKind]: ResultOf<K> }[StepKind];

export type StepHandler = (step: Step) => Promise<AnyStepOutputs | Record<string, never> | void>;

/**
 * Errors from outside lanes (an SDK's own error, a bug) still fail only their
 * step: the run goes on to its summary instead of ending with steps unobserved.
 */
function asLanesError(e: unknown): LanesError {
  if (e instanceof LanesError) return e;
  const err = e as { name?: string; message?: string; cmd?: string[]; exitCode?: number; stderr?: string };
  // The Dagger SDK's ExecError: a command inside a container failed.
  if (err?.name === 'ExecError' && Array.isArray(err.cmd)) return new ExecError(err.cmd.join(' '), err.exitCode ?? null, err.stderr ?? '');
  return new StepError(err?.message ?? String(e));
}

export interface RunOptions {
  /** Steps run side by side at most. */
  jobs: number;
  /** Keep starting independent steps after a failure (dependents of the failed one are still skipped). */
  continueOnError: boolean;
  onStart?: (step: Step) => void;
  onDone?: (result: StepResult) => void;
}

/**
 * Runs a plan's steps in dependency order, up to `jobs` at a time. A step
 * with `skip` set, or whose dependency failed, is recorded as skipped with
 * the reason; a failure never interrupts steps already running. This is the
 * only place that decides order, and it decides nothing else.
 */
export async function runSteps(steps: readonly Step[], handle: StepHandler, opts: RunOptions): Promise<StepResult[]> {
  const results = new Map<string, StepResult>();
  const pending = [...steps];
  const running = new Map<string, Promise<void>>();
  let failed = false;
  const ids = new Set(steps.map((s) => s.id));
  for (const s of steps) {
    const missing = s.needs.find((n) => !ids.has(n));
    if (missing) throw new Error(`plan is inconsistent: step ${s.id} needs ${missing}, which is not in the plan`);
  }

  const record = (r: StepResult) => {
    results.set(r.id, r);
    opts.onDone?.(r);
  };
  const blockedBy = (s: Step) => s.needs.find((n) => results.get(n)?.status === 'failed' || (results.get(n)?.status === 'skipped' && results.get(n)?.reason?.startsWith('not run')));

  while (pending.length > 0 || running.size > 0) {
    let progressed = false;
    for (let i = 0; i < pending.length; i++) {
      const step = pending[i]!;
      const blocker = blockedBy(step);
      const ready = step.needs.every((n) => results.has(n));
      if (!blocker && !ready) continue;
      if (!blocker && !step.skip && (running.size >= opts.jobs || (failed && !opts.continueOnError))) continue;
      pending.splice(i--, 1);
      progressed = true;
      if (blocker) {
        record({ id: step.id, kind: step.kind, component: step.component, status: 'skipped', reason: `not run: ${blocker} did not succeed`, durationMs: 0, outputs: {} });
      } else if (step.skip) {
        record({ id: step.id, kind: step.kind, component: step.component, status: 'skipped', reason: step.skip, durationMs: 0, outputs: {} });
      } else {
        opts.onStart?.(step);
        const started = performance.now();
        const run = Promise.resolve()
          .then(() => handle(step))
          .then(
            (outputs) => record({ id: step.id, kind: step.kind, component: step.component, status: 'ok', durationMs: performance.now() - started, outputs: outputs ?? {} } as StepResult),
            (e: unknown) => {
              const error = asLanesError(e);
              failed = true;
              record({ id: step.id, kind: step.kind, component: step.component, status: 'failed', reason: error.message, code: error.code, durationMs: performance.now() - started, outputs: {} });
            },
          );
        running.set(step.id, run.finally(() => running.delete(step.id)));
      }
    }
    if (running.size > 0) await Promise.race(running.values());
    else if (!progressed && pending.length > 0) {
      // Only reachable after a failure without --continue-on-error: the rest is not started.
      for (const step of pending.splice(0)) {
        record({ id: step.id, kind: step.kind, component: step.component, status: 'skipped', reason: 'not run: an earlier step failed (use --continue-on-error to run independent steps anyway)', durationMs: 0, outputs: {} });
      }
    }
  }
  return steps.map((s) => results.get(s.id)!);
}
