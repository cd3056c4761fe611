import { randomUUID } from 'node:crypto';
import { ExecError, GuardrailError, StepError } from '../../errors.js';
import { runGit } from '../../git/run-git.js';
import type { StepOf } from '../../plan/types.js';
import type { HostContext } from './context.js';
import type { StepOutputs } from '../executor.js';

/**
 * Creates the release tags at the planned commit and pushes them in one
 * atomic push. This push is the release's lock: if another run pushed the
 * same tag first, the remote refuses, and nothing has been published yet.
 * Each run's tag objects carry a run id, so two runs of the same commit never
 * make identical objects (whose second push git would take as a no-op
 * success), and the remote is read back afterwards: the lock is what the
 * remote holds, not what this clone has.
 */
export async function pushTags(ctx: HostContext, step: StepOf<'push-tags'>): Promise<StepOutputs['push-tags']> {
  const runId = randomUUID();
  const identity = await runGit(ctx.root, ['config', 'user.name']);
  const env = identity.code === 0 ? {} : { GIT_COMMITTER_NAME: 'lanes', GIT_COMMITTER_EMAIL: 'lanes@localhost' };
  for (const tag of step.tags) {
    const existing = await runGit(ctx.root, ['rev-parse', '-q', '--verify', `refs/tags/${tag.name}^{commit}`]);
    if (existing.code === 0) {
      if (existing.stdout.trim() !== tag.commit) throw tagExists(`tag ${tag.name} appeared locally at ${existing.stdout.trim().slice(0, 7)} while releasing ${tag.commit.slice(0, 7)}; nothing was published`);
      continue;
    }
    const made = await runGit(ctx.root, ['tag', '-a', tag.name, '-m', tagMessage(tag.name, runId), tag.commit], undefined, env);
    if (made.code !== 0) throw new ExecError(`git tag -a ${tag.name}`, made.code, made.stderr);
  }
  const push = await runGit(ctx.root, ['push', '--atomic', step.remote, ...step.tags.map((t) => `refs/tags/${t.name}`)]);
  if (push.code !== 0) {
    const said = remoteSaid(ctx.redactor.redact(push.stderr));
    if (/already exists|fetch first|\(stale info\)/.test(push.stderr)) {
      throw tagExists(`the remote refused ${step.tags.map((t) => t.name).join(', ')}: a tag of that name is already there (another release pushed it first). Nothing was published by this run. The remote said: ${said}`);
    }
    throw new StepError(`pushing ${step.tags.map((t) => t.name).join(', ')} to ${step.remote} failed (exit ${push.code}); nothing was published by this run. The remote said: ${said}`);
  }
  // Read the lock back from the remote: it must hold exactly the tag objects this run pushed.
  const local = await Promise.all(step.tags.map(async (t) => [t.name, (await runGit(ctx.root, ['rev-parse', `refs/tags/${t.name}`])).stdout.trim()] as const));
  const remote = await runGit(ctx.root, ['ls-remote', '--tags', step.remote, ...step.tags.map((t) => `refs/tags/${t.name}`)]);
  if (remote.code !== 0) throw new StepError(`the tags were pushed, but reading them back from ${step.remote} failed; nothing else was published. Run the release again. git said: ${remoteSaid(ctx.redactor.redact(remote.stderr))}`);
  const held = new Map(remote.stdout.split('\n').filter(Boolean).map((l) => [l.split('\t')[1]!.replace(/^refs\/tags\//, ''), l.split('\t')[0]!]));
  const lost = local.filter(([name, object]) => held.get(name) !== object).map(([name]) => name);
  if (lost.length) throw tagExists(`${lost.join(', ')} on ${step.remote} ${lost.length === 1 ? 'is' : 'are'} not the tag this run pushed: another release holds the lock. Nothing was published by this run.`);
  return { tags: step.tags.map((t) => t.name) };
}

/** The tag message: what it releases, and the run that made it (see pushTags). */
export function tagMessage(tag: string, runId: string): string {
  return `Release ${tag}\n\nlanes-run: ${runId}\n`;
}

function tagExists(message: string): GuardrailError {
  return new GuardrailError([{ code: 'E_TAG_EXISTS', severity: 'error', message }]);
}

/** The remote's own words: its `remote:` and `! [rejected]` lines, or the last lines of stderr. */
function remoteSaid(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  const own = lines.filter((l) => /^(remote:|! \[|error:)/.test(l));
  return (own.length ? own : lines.slice(-3)).join(' | ') || '(nothing)';
}
