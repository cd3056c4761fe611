import { GuardrailError } from '../errors.js';

/**
 * The release lock, as both executors take it: release tags pushed in one
 * atomic push, each tag object carrying the run that made it, then read back
 * from the remote. Run ids make the tag objects of two runs of one commit
 * differ — identical objects would let the second push "succeed" as a no-op.
 */

/** The tag message: what it releases, and the run that made it. */
export function tagMessage(tag: string, runId: string): string {
  return `Release ${tag}\n\nlanes-run: ${runId}\n`;
}

/**
 * The tags whose object on the remote (`git ls-remote --tags` output) is not
 * the one this run pushed: another run holds the lock for them.
 */
export function tagsNotHeld(pushed: ReadonlyMap<string, string>, lsRemote: string): string[] {
  const held = new Map(
    lsRemote
      .split('\n')
      // Only ref lines: a remote given as a URL adds a `From …` line.
      .filter((line) => /^[0-9a-f]{40,64}\trefs\/tags\//.test(line))
      .map((line) => {
        const [object, ref] = line.split('\t');
        return [ref!.replace(/^refs\/tags\//, ''), object!] as const;
      }),
  );
  return [...pushed].filter(([name, object]) => held.get(name) !== object).map(([name]) => name);
}

export function lockLost(message: string): GuardrailError {
  return new GuardrailError([{ code: 'E_TAG_EXISTS', severity: 'error', message }]);
}

/** The remote refused the push because the tag is there already (vs. a hook, a permission, the network). */
export function refusedAsExisting(stderr: string): boolean {
  return /already exists|fetch first|\(stale info\)/.test(stderr);
}

/** The remote's own words: its `remote:`, `! [rejected]` and `error:` lines, or the last lines of stderr. */
export function remoteSaid(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  const own = lines.filter((l) => /^(remote:|! \[|error:|fatal:)/.test(l));
  return (own.length ? own : lines.slice(-3)).join(' | ') || '(nothing)';
}
