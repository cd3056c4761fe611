import { withGitRunner } from '../git/run-git.js';
import { lookUpWithNewClient } from '../registry/published.js';
import { buildStatus, publishedRefs, type Status } from '../status/build-status.js';
import { readWorkspace } from '../workspace/read-workspace.js';
import type { CommandContext } from './context.js';

export interface StatusOptions {
  /** Also ask the dev and release registries whether each checked-in version is there. */
  published?: boolean;
}

/** `status`: every component's version, last release, changes since, state. Read-only. */
export function statusCommand(ctx: CommandContext, opts: StatusOptions = {}): Promise<Status> {
  return withGitRunner(ctx.git, async () => {
    const ws = await readWorkspace(ctx.root);
    const published = opts.published ? await lookUpWithNewClient(ctx.registry, publishedRefs(ws)) : undefined;
    return buildStatus(ws, published);
  });
}
