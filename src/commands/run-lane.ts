import { dispatch, type Executor } from '../exec/executor.js';
import { runSteps, type StepResult } from '../exec/run-steps.js';
import { releaseManifest, type ReleaseManifest } from '../artifacts/release-manifest.js';
import { withGitRunner } from '../git/run-git.js';
import { hasErrors } from '../guardrails/finding.js';
import type { Lane, Plan, Step } from '../plan/types.js';
import type { CommandContext } from './context.js';
import { planCommand, type LaneOptions } from './plan.js';

export interface RunOptions extends LaneOptions {
  /** Print the plan, run nothing. */
  dryRun?: boolean;
  /** Steps side by side at most. */
  jobs?: number;
  continueOnError?: boolean;
}

export interface LaneReport {
  /** True when nothing failed and no guardrail stopped the lane. */
  ok: boolean;
  dryRun: boolean;
  /** A guardrail error stopped the lane before its first step. */
  blocked: boolean;
  plan: Plan;
  /** One per plan step, in plan order (empty when blocked or a dry run). */
  results: StepResult[];
  /** Every reference pushed, with the digest the registry gave. */
  published: { ref: string; digest: string }[];
  /** A successful release: what it published (written as .lanes/out/artifacts.json by the CLI). */
  artifacts?: ReleaseManifest;
}

export interface RunHooks {
  onPlan?: (plan: Plan) => void;
  onStart?: (step: Step) => void;
  onDone?: (result: StepResult) => void;
}

/**
 * A lane end to end: plan, stop on any guardrail error, then (unless a dry run)
 * carry out every step with the executor, `jobs` at a time. The executor
 * (made for the plan: its credentials are those of the plan's push target)
 * is the only thing the CLI and the Dagger module do differently.
 */
export async function runLaneCommand(ctx: CommandContext, lane: Lane, opts: RunOptions, executorFor: (plan: Plan) => Executor, hooks: RunHooks = {}): Promise<LaneReport> {
  const { plan } = await planCommand(ctx, lane, opts);
  hooks.onPlan?.(plan);
  const blocked = hasErrors(plan.findings);
  if (blocked || opts.dryRun) return { ok: !blocked, dryRun: !!opts.dryRun, blocked, plan, results: [], published: [] };
  const executor = executorFor(plan);
  const results = await withGitRunner(ctx.git, () =>
    runSteps(plan.steps, (step) => dispatch(executor, step), { jobs: opts.jobs ?? 2, continueOnError: !!opts.continueOnError, onStart: hooks.onStart, onDone: hooks.onDone }),
  );
  const published = results.flatMap((r) => (r.status === 'ok' && 'digest' in r.outputs ? [{ ref: r.outputs.ref, digest: r.outputs.digest }] : []));
  const ok = results.every((r) => r.status !== 'failed');
  return { ok, dryRun: false, blocked: false, plan, results, published, ...(ok && lane === 'release' ? { artifacts: releaseManifest(plan, results) } : {}) };
}
