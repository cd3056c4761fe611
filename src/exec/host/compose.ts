import { StepError } from '../../errors.js';
import type { Step } from '../../plan/types.js';
import type { HostContext } from './context.js';
import { run } from './run-command.js';

type Of<K extends Step['kind']> = Step & { kind: K };

let detected: Promise<string[]> | undefined;

/** `docker compose` (v2) when the plugin is there, else `docker-compose` (v1). */
export function composeCommand(ctx: HostContext): Promise<string[]> {
  detected ??= run(ctx, ctx.docker, ['compose', 'version']).then(
    () => [ctx.docker, 'compose'],
    () =>
      run(ctx, 'docker-compose', ['version']).then(
        () => ['docker-compose'],
        () => {
          throw new StepError('neither `docker compose` (v2) nor `docker-compose` (v1) is installed; install one of them');
        },
      ),
  );
  return detected;
}

export async function ensureNetwork(ctx: HostContext, step: Of<'ensure-network'>): Promise<Record<string, string>> {
  const inspect = run(ctx, ctx.docker, ['network', 'inspect', step.network]);
  const existed = await inspect.then(() => true, () => false);
  if (!existed) await run(ctx, ctx.docker, ['network', 'create', step.network]);
  return { network: step.network, created: String(!existed) };
}

function composeArgs(step: Of<'compose-up'> | Of<'compose-down'>): string[] {
  return ['-p', step.project, ...step.files.flatMap((f) => ['-f', f]), ...(step.envFile ? ['--env-file', step.envFile] : [])];
}

export async function composeUp(ctx: HostContext, step: Of<'compose-up'>): Promise<Record<string, string>> {
  const [cmd, ...pre] = await composeCommand(ctx);
  await run(ctx, cmd!, [...pre, ...composeArgs(step), 'up', '-d'], { env: step.env, stream: true });
  return { project: step.project };
}

export async function composeDown(ctx: HostContext, step: Of<'compose-down'>): Promise<Record<string, string>> {
  const [cmd, ...pre] = await composeCommand(ctx);
  await run(ctx, cmd!, [...pre, ...composeArgs(step), 'down', '--remove-orphans'], { env: step.env, stream: true });
  return { project: step.project };
}
