import type { Step, StepOf } from '../plan/types.js';

/**
 * What each kind of step produces when it succeeds. Both executors (the host
 * CLI and the Dagger module) return exactly these, so `--json` results and the
 * summary read the same whichever ran the plan.
 */
export interface StepOutputs {
  'build-image': { tags: string[]; imageId?: string };
  'push-image': { ref: string; digest: string };
  'package-chart': { file: string; sha256: string };
  'push-chart': { ref: string; digest: string };
  'helm-dependency-build': { dependencies: 'built' | 'none' };
  'helm-lint': { chartPath: string };
  'helm-deploy': { release: string };
  'ensure-network': { network: string; created?: boolean };
  'compose-up': { project: string };
  'compose-down': { project: string };
  'compose-bundle': { file: string; sha256: string };
  checksums: { file: string; sha256: string };
  'push-tags': { tags: string[] };
  'github-release': { url: string; assetsUploaded: number };
  'gitlab-release': { url: string; assetsUploaded: number };
}

export type StepKind = Step['kind'];
export type AnyStepOutputs = StepOutputs[StepKind];

/**
 * An executor carries out plan steps and decides nothing: one method per step
 * kind, so the compiler checks that both executors handle every kind and
 * return what the kind promises.
 */
export type Executor = { [K in StepKind]: (step: StepOf<K>) => Promise<StepOutputs[K]> };

/** The executor's method for a step, called with that step. */
export function dispatch(executor: Executor, step: Step): Promise<AnyStepOutputs> {
  const handler = executor[step.kind] as (s: Step) => Promise<AnyStepOutputs>;
  return handler.call(executor, step);
}
