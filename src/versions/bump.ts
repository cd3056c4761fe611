import semver from 'semver';
import { GuardrailError, UsageError } from '../errors.js';
import type { Component } from '../config/model.js';
import type { FileEdit } from './file-edit.js';
import { publishProblem, type LocatedFile } from './read-versions.js';
import { replaceTokens, type VersionToken } from './token.js';
import { nextVersion, strictSemver, type BumpRequest } from './next-version.js';

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
  const values = files.flatMap((f) => f.tokens.map((t) => t.value)).filter((v) => strictSemver(v) !== undefined);
  // When files disagree, the highest one is the floor: a bump never goes back.
  const from = values.reduce((max, v) => (semver.gt(v, max) ? v : max), values[0] ?? '0.0.0');
  const to = nextVersion(from, request);
  const unfit = publishProblem(component, to);
  if (unfit) throw new UsageError(`${component.name} ${to}: ${unfit}`);
  if (!opts.allowDowngrade) {
    if (!semver.gt(to, from)) {
      const message = `${component.name} ${to} is not greater than the checked-in ${from}; choose a higher version, or pass --allow-downgrade if you mean it`;
      throw new GuardrailError([{ code: 'E_VERSION_NOT_GREATER', severity: 'error', component: component.name, version: to, message }]);
    }
    if (opts.lastReleased && !semver.gt(to, opts.lastReleased)) {
      const message = `${component.name} ${to} is not greater than the last released ${opts.lastReleased}; choose a higher version`;
      throw new GuardrailError([{ code: 'E_VERSION_NOT_GREATER', severity: 'error', component: component.name, version: to, message }]);
    }
  }
  const edits = mergeByFile(files)
    .map((f) => ({ path: f.spec.file, before: f.content, after: replaceTokens(f.content, f.tokens, to) }))
    .filter((e) => e.before !== e.after);
  return { component: component.name, from, to, edits };
}

/**
 * One entry per real file: two entries of lanes.yaml may read one file (two
 * patterns on one build.gradle, or a symlink and its target), and writing it
 * twice from the same original would lose the first write. Their tokens are
 * merged; the same span found twice counts once.
 */
function mergeByFile(files: readonly LocatedFile[]): LocatedFile[] {
  const byReal = new Map<string, LocatedFile>();
  for (const f of files) {
    const prior = byReal.get(f.real);
    if (!prior) {
      byReal.set(f.real, { ...f, tokens: [...f.tokens] });
      continue;
    }
    for (const t of f.tokens) {
      if (prior.tokens.some((p) => p.start === t.start && p.end === t.end)) continue;
      const overlap = prior.tokens.find((p: VersionToken) => t.start < p.end && p.start < t.end);
      if (overlap) {
        throw new UsageError(`${f.spec.file}: ${f.spec.yamlPath} and ${prior.spec.yamlPath} find overlapping versions in the same file; make the patterns match different text, or remove one`);
      }
      prior.tokens.push(t);
    }
  }
  return [...byReal.values()];
}
