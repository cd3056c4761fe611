import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Directory, Secret } from '@dagger.io/dagger';
import { computePlan, type ComputeOptions } from 'lanes/src/plan/compute-plan.js';
import { hasErrors } from 'lanes/src/guardrails/finding.js';
import { GuardrailError, StepError } from 'lanes/src/errors.js';
import { useGitRunner } from 'lanes/src/git/run-git.js';
import { runSteps } from 'lanes/src/exec/run-steps.js';
import type { Lane, Plan } from 'lanes/src/plan/types.js';
import { renderFindings, renderPlan, renderSummary } from 'lanes/src/cli/render.js';
import { daggerGitRunner } from './dagger-git.js';
import { DaggerSteps, type DaggerInputs } from './dagger-steps.js';

/**
 * Makes the source readable by the lanes core: exported into the module's
 * runtime container (that is where Directory.export writes inside a module),
 * with git answered by a git container on the same Directory.
 */
export async function materialize(source: Directory, path = '.'): Promise<string> {
  const top = join(mkdtempSync(join(tmpdir(), 'lanes-')), 'src');
  await source.export(top);
  const root = join(top, path);
  useGitRunner(root, daggerGitRunner(source, path));
  return root;
}

export interface LaneOptions extends ComputeOptions {
  dryRun?: boolean;
  json?: boolean;
  jobs?: number;
  continueOnError?: boolean;
}

/** Registry options of the core from the module's Secret arguments. */
export async function registryOptions(username?: string, password?: Secret): Promise<ComputeOptions['registry']> {
  if (!username || !password) return {};
  return { credentials: { explicit: { username, password: await password.plaintext(), source: '--registry-username/--registry-password' } } };
}

/** The plan of a lane, failing the call (like the CLI's exit 1) when a guardrail finds an error. */
export async function planOrFail(root: string, lane: Lane, opts: LaneOptions): Promise<Plan> {
  const { plan } = await computePlan(root, lane, { ...opts, env: { CI: opts.env?.CI ?? '' } });
  if (hasErrors(plan.findings)) {
    throw new GuardrailError(`${lane}: stopped before doing anything:\n${renderFindings(plan.findings)}`, plan.findings);
  }
  return plan;
}

/** Plans a lane, then carries the plan out as Dagger calls; returns the report the CLI would print. */
export async function runLaneInDagger(lane: Lane, inputs: Omit<DaggerInputs, 'root' | 'lane'> & { path?: string }, opts: LaneOptions): Promise<string> {
  const root = await materialize(inputs.source, inputs.path);
  const plan = await planOrFail(root, lane, opts);
  if (opts.dryRun) return opts.json ? JSON.stringify({ ok: true, dryRun: true, plan }, null, 2) : renderPlan(plan);
  // Steps see the monorepo root (where lanes.yaml is), as plan paths are relative to it.
  const steps = new DaggerSteps({ ...inputs, source: inputs.path && inputs.path !== '.' ? inputs.source.directory(inputs.path) : inputs.source, root, lane });
  const results = await runSteps(plan.steps, (step) => steps.run(step), { jobs: opts.jobs ?? 4, continueOnError: !!opts.continueOnError });
  const ok = results.every((r) => r.status !== 'failed');
  const published = results.filter((r) => r.outputs.digest).map((r) => ({ ref: r.outputs.ref, digest: r.outputs.digest }));
  const report = opts.json ? JSON.stringify({ ok, plan, results, published }, null, 2) : renderSummary(results);
  if (!ok) throw new StepError(report);
  return report;
}
