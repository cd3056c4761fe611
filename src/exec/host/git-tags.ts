import { ExecError, GuardrailError } from '../../errors.js';
import { runGit } from '../../git/run-git.js';
import type { StepOf } from '../../plan/types.js';
import type { HostContext } from './context.js';
import type { StepOutputs } from '../executor.js';

/**
 * Creates the release tags at the planned commit and pushes them in one
 * atomic push. This push is the release's lock: if another run pushed the
 * same tag first, the remote refuses, and nothing has been published yet.
 */
export async function pushTags(ctx: HostContext, step: StepOf<'push-tags'>): Promise<StepOutputs['push-tags']> {
  const identity = await runGit(ctx.root, ['config', 'user.name']);
  const env = identity.code === 0 ? {} : { GIT_COMMITTER_NAME: 'lanes', GIT_COMMITTER_EMAIL: 'lanes@localhost' };
  for (const tag of step.tags) {
    const existing = await runGit(ctx.root, ['rev-parse', '-q', '--verify', `refs/tags/${tag.name}^{commit}`]);
    if (existing.code === 0) {
      if (existing.stdout.trim() !== tag.commit) throw tagExists(`tag ${tag.name} appeared locally at ${existing.stdout.trim().slice(0, 7)} while releasing ${tag.commit.slice(0, 7)}; nothing was published`);
      continue;
    }
    const made = await runGit(ctx.root, ['tag', '-a', tag.name, '-m', `Release ${tag.name}`, tag.commit], undefined, env);
    if (made.code !== 0) throw new ExecError(`git tag -a ${tag.name}`, made.code, made.stderr);
  }
  const push = await runGit(ctx.root, ['push', '--atomic', step.remote, ...step.tags.map((t) => `refs/tags/${t.name}`)]);
  if (push.code !== 0) {
    const said = remoteSaid(ctx.redactor.redact(push.stderr));
    if (/already exists|fetch first|\(stale info\)/.test(push.stderr)) {
      throw tagExists(`the remote refused ${step.tags.map((t) => t.name).join(', ')}: a tag of that name is already there (another release pushed it first). Nothing was published by this run. The remote said: ${said}`);
    }
    throw new ExecError(`git push --atomic ${step.remote}`, push.code, ctx.redactor.redact(push.stderr));
  }
  return { tags: step.tags.map((t) => t.name) };
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
