import { join } from 'node:path';
import type { Plan, Step } from '../../plan/types.js';
import { runSteps, type RunOptions, type StepResult } from '../run-steps.js';
import type { HostContext } from './context.js';
import { buildImage, pushImage } from './docker.js';
import { dependencyBuild, deploy, lint, packageChart, pushChart, renderManifests } from './helm.js';
import { composeDown, composeUp, ensureNetwork } from './compose.js';
import { checksums, composeBundle } from './release-artifacts.js';
import { pushTags } from './git-tags.js';
import { createGitHubRelease } from './github-release.js';

/** Carries out one step with the host's own tools. */
async function runHostStep(ctx: HostContext, step: Step): Promise<Record<string, string>> {
  switch (step.kind) {
    case 'build-image':
      return buildImage(ctx, step);
    case 'push-image':
      return pushImage(ctx, step);
    case 'package-chart':
      return packageChart(ctx, step);
    case 'push-chart':
      return pushChart(ctx, step);
    case 'helm-dependency-build':
      return dependencyBuild(ctx, step);
    case 'helm-lint':
      return lint(ctx, step);
    case 'helm-deploy':
      return deploy(ctx, step);
    case 'ensure-network':
      return ensureNetwork(ctx, step);
    case 'compose-up':
      return composeUp(ctx, step);
    case 'compose-down':
      return composeDown(ctx, step);
    case 'compose-bundle':
      return composeBundle(ctx, step);
    case 'checksums':
      return checksums(ctx, step);
    case 'push-tags':
      return pushTags(ctx, step);
    case 'github-release':
      return createGitHubRelease(ctx, step);
  }
}

/** Runs a plan on the host (docker, helm, git, compose). Decides nothing: order and skips come from the plan. */
export function executePlanOnHost(ctx: HostContext, plan: Plan, opts: RunOptions): Promise<StepResult[]> {
  return runSteps(plan.steps, (step) => runHostStep(ctx, step), opts);
}

/** deploy-all-local --dry-run: render every release's manifests with `helm template` instead of installing. */
export async function renderDeployManifests(ctx: HostContext, plan: Plan, outDir: string): Promise<string[]> {
  const files: string[] = [];
  for (const step of plan.steps) {
    if (step.kind !== 'helm-deploy') continue;
    const file = join(outDir, 'manifests', `${step.release}.yaml`);
    await renderManifests(ctx, step, join(ctx.root, file));
    files.push(file);
  }
  return files;
}
