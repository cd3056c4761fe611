import { ExecError, GuardrailError } from '../../errors.js';
import { runGit } from '../../git/run-git.js';
import type { StepOf } from '../../plan/types.js';
import type { HostContext } from './context.js';

/**
 * Creates the release tags at the planned commit and pushes them in one
 * atomic push. This push is the release's lock: if another run pushed the
 * same tag first, the remote refuses, and nothing has been published yet.
 */
export async function pushTags(ctx: HostContext, step: StepOf<'push-tags'>): Promise<Record<string, string>> {
  const identity = await runGit(ctx.root, ['config', 'user.name']);
  const env = identity.code === 0 ? {} : { GIT_COMMITTER_NAME: 'lanes', GIT_COMMITTER_EMAIL: 'lanes@localhost' };
  for (const tag of step.tags) {
    const existing = await runGit(ctx.root, ['rev-parse', '-q', '--verify', `refs/tags/${tag.name}^{commit}`]);
    if (existing.code === 0) {
      if (existing.stdout.trim() !== tag.commit) throw new GuardrailError(`E_TAG_EXISTS: tag ${tag.name} appeared locally at another commit while releasing; nothing was published`);
      continue;
    }
    const made = await runGit(ctx.root, ['tag', '-a', tag.name, '-m', `Release ${tag.name}`, tag.commit], undefined, env);
    if (made.code !== 0) throw new ExecError(`git tag -a ${tag.name}`, made.code, made.stderr);
  }
  const push = await runGit(ctx.root, ['push', '--atomic', step.remote, ...step.tags.map((t) => `refs/tags/${t.name}`)]);
  if (push.code !== 0) {
    if (/already exists|rejected|fetch first/.test(push.stderr)) {
      throw new GuardrailError(`E_TAG_EXISTS: the remote refused ${step.tags.map((t) => t.name).join(', ')}: another release pushed it first. Nothing was published by this run.`);
    }
    throw new ExecError(`git push --atomic ${step.remote}`, push.code, ctx.redactor.redact(push.stderr));
  }
  return { tags: step.tags.map((t) => t.name).join(' ') };
}
