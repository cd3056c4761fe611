import semver from 'semver';
import { GuardrailError } from '../errors.js';
import type { Component } from '../config/model.js';
import type { FileEdit } from './file-edit.js';
import type { LocatedFile } from './read-versions.js';
import { replaceTokens } from './token.js';
import { nextVersion, type BumpRequest } from './next-version.js';

export interface BumpPlan {
  component: string;
  from: string;
  to: string;
  edits: FileEdit[];
}

/**
 * Decides a bump: the new version, and the new content of every version file
 * of the component (all of them, so files that disagreed agree afterwards).
 * Pure; apply-edits.ts writes the result.
 */
export function planBump(
  component: Component,
  files: readonly LocatedFile[],
  request: BumpRequest,
  opts: { allowDowngrade?: boolean; lastReleased?: string },
): BumpPlan {
  const values = files.flatMap((f) => f.tokens.map((t) => t.value)).filter((v) => semver.valid(v));
  // When files disagree, the highest one is the floor: a bump never goes back.
  const from = values.reduce((max, v) => (semver.gt(v, max) ? v : max), values[0] ?? '0.0.0');
  const to = nextVersion(from, request);
  if (!opts.allowDowngrade) {
    if (!semver.gt(to, from)) {
      throw new GuardrailError(`E_VERSION_NOT_GREATER: ${component.name} ${to} is not greater than the checked-in ${from}; choose a higher version, or pass --allow-downgrade if you mean it`, [{ code: 'E_VERSION_NOT_GREATER', message: `${to} <= ${from}` }]);
    }
    if (opts.lastReleased && !semver.gt(to, opts.lastReleased)) {
      throw new GuardrailError(`E_VERSION_NOT_GREATER: ${component.name} ${to} is not greater than the last released ${opts.lastReleased}; choose a higher version`, [{ code: 'E_VERSION_NOT_GREATER', message: `${to} <= ${opts.lastReleased}` }]);
    }
  }
  const edits = files
    .map((f) => ({ path: f.spec.file, before: f.content, after: replaceTokens(f.content, f.tokens, to) }))
    .filter((e) => e.before !== e.after);
  return { component: component.name, from, to, edits };
}
