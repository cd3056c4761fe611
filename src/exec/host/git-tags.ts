import { randomUUID } from 'node:crypto';
import { ExecError, StepError } from '../../errors.js';
import { runGit } from '../../git/run-git.js';
import type { StepOf } from '../../plan/types.js';
import type { HostContext } from './context.js';
import type { StepOutputs } from '../executor.js';
import { lockLost, refusedAsExisting, remoteSaid, tagMessage, tagsNotHeld } from '../tag-lock.js';

/**
 * Creates the release tags at the planned commit and pushes them in one
 * atomic push: the release's lock (see tag-lock.ts). If another run pushed
 * the same tag first, the remote refuses, and nothing has been published yet;
 * the remote is read back afterwards, so the lock is what the remote holds,
 * not what this clone has.
 */
export async function pushTags(ctx: HostContext, step: StepOf<'push-tags'>): Promise<StepOutputs['push-tags']> {
  const runId = randomUUID();
  const identity = await runGit(ctx.root, ['config', 'user.name']);
  const env = identity.code === 0 ? {} : { GIT_COMMITTER_NAME: 'lanes', GIT_COMMITTER_EMAIL: 'lanes@localhost' };
  for (const tag of step.tags) {
    const existing = await runGit(ctx.root, ['rev-parse', '-q', '--verify', `refs/tags/${tag.name}^{commit}`]);
    if (existing.code === 0) {
      if (existing.stdout.trim() !== tag.commit) throw lockLost(`tag ${tag.name} appeared locally at ${existing.stdout.trim().slice(0, 7)} while releasing ${tag.commit.slice(0, 7)}; nothing was published`);
      // Left by an earlier run whose push failed: push that same tag now.
      continue;
    }
    const made = await runGit(ctx.root, ['tag', '-a', tag.name, '-m', tagMessage(tag.name, runId), tag.commit], undefined, env);
    if (made.code !== 0) throw new ExecError(`git tag -a ${tag.name}`, made.code, made.stderr);
  }
  const names = step.tags.map((t) => t.name);
  const push = await runGit(ctx.root, ['push', '--atomic', step.remote, ...names.map((n) => `refs/tags/${n}`)]);
  if (push.code !== 0) {
    const said = remoteSaid(ctx.redactor.redact(push.stderr));
    if (refusedAsExisting(push.stderr)) throw lockLost(`the remote refused ${names.join(', ')}: a tag of that name is already there (another release pushed it first). Nothing was published by this run. The remote said: ${said}`);
    throw new StepError(`pushing ${names.join(', ')} to ${step.remote} failed (exit ${push.code}); nothing was published by this run. The remote said: ${said}`);
  }
  const pushed = new Map(await Promise.all(names.map(async (n) => [n, (await runGit(ctx.root, ['rev-parse', `refs/tags/${n}`])).stdout.trim()] as const)));
  const remote = await runGit(ctx.root, ['ls-remote', '--tags', step.remote, ...names.map((n) => `refs/tags/${n}`)]);
  if (remote.code !== 0) throw new StepError(`the tags were pushed, but reading them back from ${step.remote} failed; nothing else was published. Run the release again. git said: ${remoteSaid(ctx.redactor.redact(remote.stderr))}`);
  const lost = tagsNotHeld(pushed, remote.stdout);
  if (lost.length) throw lockLost(`${lost.join(', ')} on ${step.remote} ${lost.length === 1 ? 'is' : 'are'} not the tag this run pushed: another release holds the lock. Nothing was published by this run.`);
  return { tags: names };
}
