import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Plan } from '../../plan/types.js';
import type { Executor } from '../executor.js';
import { publishGitHubRelease } from '../../publish/github-release.js';
import { publishGitLabRelease } from '../../publish/gitlab-release.js';
import type { HostContext } from './context.js';
import { buildImage, pushImage } from './docker.js';
import { dependencyBuild, deploy, lint, packageChart, pushChart, renderManifests } from './helm.js';
import { composeDown, composeUp, ensureNetwork } from './compose.js';
import { checksums, composeBundle } from './release-artifacts.js';
import { pushTags } from './git-tags.js';

/** The host executor: each step with the host's own docker, helm, compose and git. Decides nothing. */
export function hostExecutor(ctx: HostContext): Executor {
  const readAsset = (path: string) => readFile(join(ctx.root, path));
  return {
    'build-image': (step) => buildImage(ctx, step),
    'push-image': (step) => pushImage(ctx, step),
    'package-chart': (step) => packageChart(ctx, step),
    'push-chart': (step) => pushChart(ctx, step),
    'helm-dependency-build': (step) => dependencyBuild(ctx, step),
    'helm-lint': (step) => lint(ctx, step),
    'helm-deploy': (step) => deploy(ctx, step),
    'ensure-network': (step) => ensureNetwork(ctx, step),
    'compose-up': (step) => composeUp(ctx, step),
    'compose-down': (step) => composeDown(ctx, step),
    'compose-bundle': async (step) => composeBundle(ctx, step),
    checksums: (step) => checksums(ctx, step),
    'push-tags': (step) => pushTags(ctx, step),
    'github-release': (step) => publishGitHubRelease({ ...(ctx.releaseHosts.github ?? { apiUrl: 'https://api.github.com' }), redactor: ctx.redactor, readAsset }, step),
    'gitlab-release': (step) => publishGitLabRelease({ ...ctx.releaseHosts.gitlab, redactor: ctx.redactor, readAsset }, step),
  };
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
