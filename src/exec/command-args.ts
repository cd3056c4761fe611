import type { StepOf } from '../plan/types.js';

/**
 * The exact command lines of plan steps, shared by both executors so that
 * `dagger call` and `npx lanes` run the same helm and compose commands.
 */

export const setArgs = (set: Record<string, string>): string[] => Object.entries(set).flatMap(([k, v]) => ['--set-string', `${k}=${v}`]);

export function helmPackageArgs(chartDir: string, step: StepOf<'package-chart'>, destination: string): string[] {
  return ['package', chartDir, '--version', step.version, '--app-version', step.appVersion, '--destination', destination];
}

export function helmLintArgs(step: StepOf<'helm-lint'>): string[] {
  return ['lint', step.chartPath, ...setArgs(step.set)];
}

export function helmDeployArgs(step: StepOf<'helm-deploy'>): string[] {
  return [
    'upgrade', '--install', step.release, step.chartPath,
    ...(step.namespace ? ['--namespace', step.namespace, '--create-namespace'] : []),
    ...(step.kubeContext ? ['--kube-context', step.kubeContext] : []),
    ...setArgs(step.set),
    '--wait', '--timeout', '5m',
  ];
}

export function helmTemplateArgs(step: StepOf<'helm-deploy'>): string[] {
  return ['template', step.release, step.chartPath, ...(step.namespace ? ['--namespace', step.namespace] : []), ...setArgs(step.set)];
}

/** `-p project -f a -f b [--env-file f] up -d` / `down --remove-orphans`. */
export function composeArgs(step: StepOf<'compose-up'> | StepOf<'compose-down'>): string[] {
  const head = ['-p', step.project, ...step.files.flatMap((f) => ['-f', f]), ...(step.envFile ? ['--env-file', step.envFile] : [])];
  return step.kind === 'compose-up' ? [...head, 'up', '-d'] : [...head, 'down', '--remove-orphans'];
}

/** `docker build` arguments of a build step (host executor). */
export function dockerBuildArgs(step: StepOf<'build-image'>): string[] {
  return [
    // --force-rm: a failed build leaves no stopped container behind on the user's machine.
    'build', '--force-rm', '-f', step.dockerfile,
    ...step.tags.flatMap((t) => ['-t', t]),
    ...Object.entries(step.labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]),
    ...Object.entries(step.buildArgs).flatMap(([k, v]) => ['--build-arg', `${k}=${v}`]),
    ...(step.target ? ['--target', step.target] : []),
    ...(step.platforms.length === 1 ? ['--platform', step.platforms[0]!] : []),
    step.context,
  ];
}
