import { StepError } from '../../errors.js';
import { loginHost, parseRef } from '../../registry/image-ref.js';
import type { StepOf } from '../../plan/types.js';
import type { HostContext } from './context.js';
import { dockerBuildArgs } from '../command-args.js';
import { run } from './run-command.js';
import { credentialHelperConfig } from './credential-helper.js';
import { removeSecretDir } from './temp-secrets.js';
import type { StepOutputs } from '../executor.js';

/**
 * `docker build` with the plan's tags, labels and build args. Build args are
 * for configuration only: secrets never go there (they would be visible in
 * the image history).
 */
export async function buildImage(ctx: HostContext, step: StepOf<'build-image'>): Promise<StepOutputs['build-image']> {
  if (step.platforms.length > 1) {
    throw new StepError(`${step.component}: multi-platform images (${step.platforms.join(', ')}) need a builder that can hold several platforms; use the Dagger module (dagger call …), which builds every platform variant`);
  }
  const args = dockerBuildArgs(step);
  await run(ctx, ctx.docker, args, { stream: true });
  const { stdout } = await run(ctx, ctx.docker, ['image', 'inspect', '--format', '{{.Id}}', step.tags[0]!]);
  return { imageId: stdout.trim(), tags: step.tags };
}

/**
 * `docker push` through a throw-away Docker config when credentials were
 * given: a config naming a credential helper that answers from the push's
 * environment (credential-helper.ts), so the password is never written to
 * disk — not into the user's own config, not into a temp file — nor onto any
 * command line. The config directory is removed however lanes ends (temp-secrets.ts).
 */
export async function pushImage(ctx: HostContext, step: StepOf<'push-image'>): Promise<StepOutputs['push-image']> {
  const registry = loginHost(parseRef(step.ref).registry);
  const auth = ctx.registryAuth ? credentialHelperConfig('lanes-docker-', registry, ctx.registryAuth, ctx.env) : undefined;
  try {
    const { stdout } = await run(ctx, ctx.docker, [...(auth ? ['--config', auth.dir] : []), 'push', step.ref], { stream: true, ...(auth ? { env: auth.env } : {}) });
    const digest = /digest: (sha256:[0-9a-f]{64})/.exec(stdout)?.[1];
    if (!digest) throw new StepError(`docker push ${step.ref} reported no digest; the push cannot be verified`);
    return { ref: step.ref, digest };
  } finally {
    if (auth) removeSecretDir(auth.dir);
  }
}
