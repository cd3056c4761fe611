/**
 * A guardrail finding. Codes are stable: scripts and CI match on them, and
 * the README lists each one with its fix.
 */
export interface Finding {
  code: FindingCode;
  severity: 'error' | 'warning';
  component?: string;
  version?: string;
  /** One line: what, which component and version, and what to do. */
  message: string;
}

export const FINDING_CODES = {
  E_TAG_EXISTS: 'the release tag already exists at another commit (locally or on the remote)',
  E_TAG_FORMAT: 'the tag does not follow release.tag in lanes.yaml',
  E_TAG_VERSION_MISMATCH: "the tag's version differs from the checked-in version",
  E_ALREADY_PUBLISHED: 'the checked-in version is already in the target registry',
  E_VERSION_NOT_GREATER: 'the version is not greater than the last released one',
  E_VERSION_MISMATCH: "a component's version files disagree",
  E_DIRTY_TREE: 'the working tree has uncommitted changes',
  E_NOT_CI: 'the release lane runs outside CI',
  E_NOT_A_REPO: 'the monorepo is not a git repository (or has no commits)',
  E_NO_REGISTRY: 'lanes.yaml has no registry for this lane',
  E_REGISTRY: 'the registry could not be asked',
  E_NO_REMOTE: 'there is no git remote to push the release tag to',
  E_SECRET_BUILD_ARG: 'a build arg is named like a credential (build args are visible in image history)',
  W_CHANGED_NOT_BUMPED: 'sources changed since the last release but the version did not',
  W_UNLISTED_COMPONENT: 'a directory looks like a component but is not in lanes.yaml',
  W_SHALLOW_CLONE: 'the clone is shallow: release history cannot be fully known',
  W_DEV_OVERWRITE: 'the dev lane will overwrite a mutable tag already in the dev registry',
  W_TAG_NOT_SEMVER: 'a tag laid out like a release tag names no strict semantic version (v09.9.9): ignored for history (status)',
  W_TAG_AMBIGUOUS: "a tag matches more than one component's tag template: counted for each (status)",
} as const;
export type FindingCode = keyof typeof FINDING_CODES;

export function hasErrors(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.severity === 'error');
}

/** `--strict` turns every warning into an error (same code, so scripts keep matching). */
export function applyStrict(findings: readonly Finding[], strict: boolean): Finding[] {
  return strict ? findings.map((f) => ({ ...f, severity: 'error' as const })) : [...findings];
}
