import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  // The ID of exactly this build (--iidfile): its tags may name another build by the time anything reads them.
  const dir = mkdtempSync(join(tmpdir(), 'lanes-iid-'));
  try {
    const args = dockerBuildArgs(step);
    args.splice(1, 0, '--iidfile', join(dir, 'id'));
    await run(ctx, ctx.docker, args, { stream: true });
    const imageId = readFileSync(join(dir, 'id'), 'utf8').trim();
    ctx.built?.set(step.component!, imageId);
    return { imageId, tags: step.tags };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
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
  // The image this run built, under the name to push: another build on this engine may have taken the name since.
  const built = ctx.built?.get(step.component!);
  try {
    if (built) await run(ctx, ctx.docker, ['tag', built, step.ref]);
    const { stdout } = await run(ctx, ctx.docker, [...(auth ? ['--config', auth.dir] : []), 'push', step.ref], { stream: true, ...(auth ? { env: auth.env } : {}) });
    const digest = /digest: (sha256:[0-9a-f]{64})/.exec(stdout)?.[1];
    if (!digest) throw new StepError(`docker push ${step.ref} reported no digest; the push cannot be verified`);
    if (built) {
      const { stdout: now } = await run(ctx, ctx.docker, ['image', 'inspect', '--format', '{{.Id}}', step.ref]);
      if (now.trim() !== built) throw new StepError(`another build on this Docker engine took the name ${step.ref} while it was pushed; the registry may hold that build: run the release again`);
    }
    return { ref: step.ref, digest };
  } finally {
    if (auth) removeSecretDir(auth.dir);
  }
}
