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
  E_SECRET_BUILD_ARG: 'a build arg is named like a credential: PASSWORD, TOKEN, SECRET, API_KEY… anywhere, PASS, PWD, AUTH, PAT, CREDS as its last word, a KEY of a pair or service (TLS_KEY, CERT_KEY, SSH_KEY, ACCESS_KEY); build args are visible in image history',
  E_SECRET_BUILD_ARG_VALUE: "a build arg's value holds a secret lanes was given (registry password, GitHub/GitLab token), whatever the arg is called; build args are visible in image history",
  E_REF_COLLISION: 'two images, two charts, or an image and a chart would publish to one repository (registry host aliases such as docker.io and registry-1.docker.io count as one registry): stops the lanes whose references collide; a warning in the other lanes',
  E_MULTI_PLATFORM_HOST: 'an image lists several platforms, which the host CLI (docker build, no buildx) cannot build into one image; use the Dagger module',
  E_RELEASE_HOST_TOKEN: 'no token for a release host of lanes.yaml (GitHub, GitLab)',
  E_RELEASE_HOST_AUTH: 'a release host refused the token',
  E_RELEASE_HOST_ACCESS: 'the repository or project is not visible with the token, or the token may not create releases',
  E_RELEASE_HOST_UNREACHABLE: 'a release host could not be reached, or did not answer as its API',
  E_RELEASE_EXISTS: 'a release for the tag exists on a release host while the tag is not on the remote',
  E_COMPOSE_FILE: 'a compose file of the local stack cannot be read as YAML',
  E_COMPOSE_NETWORK: "a compose file joins another external network than lanes.yaml's compose.network",
  E_COMPOSE_IMAGE_VAR: "a component's compose.imageVar is used by no service image of its compose file",
  E_LOCAL_IMAGE_MISSING: 'compose-up-local would start an image that is not in the local store (it would be pulled): build it first',
  W_CHANGED_NOT_BUMPED: 'sources changed since the last release but the version did not',
  W_UNLISTED_COMPONENT: 'a directory looks like a component but is not in lanes.yaml',
  W_SHALLOW_CLONE: 'the clone is shallow: release history cannot be fully known',
  W_DEV_OVERWRITE: 'the dev lane will overwrite a mutable tag already in the dev registry (its normal job)',
  W_TAG_NOT_SEMVER: 'a tag laid out like a release tag names no strict semantic version (v09.9.9): ignored for history (status)',
  W_TAG_AMBIGUOUS: "a tag matches more than one component's tag template: counted for each (status)",
} as const;
export type FindingCode = keyof typeof FINDING_CODES;

export function hasErrors(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.severity === 'error');
}

/**
 * Warnings `--strict` leaves as warnings: what they report is the lane doing
 * its normal job, not something forgotten. Overwriting the mutable dev tag
 * (`<version>`) is what push-all-dev is for; the immutable `<version>-<sha7>`
 * names each commit.
 */
/** Findings only `status` reports: what they describe (the tag history) never stops a lane, even under --strict. */
export const STATUS_ONLY: ReadonlySet<FindingCode> = new Set<FindingCode>(['W_TAG_NOT_SEMVER', 'W_TAG_AMBIGUOUS']);

export const STRICT_KEEPS_WARNING: ReadonlySet<FindingCode> = new Set<FindingCode>(['W_DEV_OVERWRITE']);

/**
 * `--strict` turns warnings into errors (same code, so scripts keep matching):
 * W_CHANGED_NOT_BUMPED, W_UNLISTED_COMPONENT, W_SHALLOW_CLONE and every other
 * warning, except those in STRICT_KEEPS_WARNING. The one place this rule lives.
 */
export function applyStrict(findings: readonly Finding[], strict: boolean): Finding[] {
  if (!strict) return [...findings];
  return findings.map((f) => (f.severity === 'warning' && !STRICT_KEEPS_WARNING.has(f.code) ? { ...f, severity: 'error' as const } : f));
}
