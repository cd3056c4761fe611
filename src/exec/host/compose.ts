import { StepError } from '../../errors.js';
import type { StepOf } from '../../plan/types.js';
import type { StepOutputs } from '../executor.js';
import type { HostContext } from './context.js';
import { run } from './run-command.js';
import { composeArgs } from '../command-args.js';

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

export async function ensureNetwork(ctx: HostContext, step: StepOf<'ensure-network'>): Promise<StepOutputs['ensure-network']> {
  const inspect = run(ctx, ctx.docker, ['network', 'inspect', step.network]);
  const existed = await inspect.then(() => true, () => false);
  if (!existed) await run(ctx, ctx.docker, ['network', 'create', step.network]);
  return { network: step.network, created: !existed };
}

export async function composeUp(ctx: HostContext, step: StepOf<'compose-up'>): Promise<StepOutputs['compose-up']> {
  const [cmd, ...pre] = await composeCommand(ctx);
  await run(ctx, cmd!, [...pre, ...composeArgs(step)], { env: step.env, stream: true });
  return { project: step.project };
}

export async function composeDown(ctx: HostContext, step: StepOf<'compose-down'>): Promise<StepOutputs['compose-down']> {
  const [cmd, ...pre] = await composeCommand(ctx);
  await run(ctx, cmd!, [...pre, ...composeArgs(step)], { env: step.env, stream: true });
  return { project: step.project };
}
