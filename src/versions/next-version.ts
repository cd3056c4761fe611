import semver from 'semver';
import { UsageError } from '../errors.js';

export type BumpRequest =
  | { kind: 'exact'; version: string }
  | { kind: 'patch' | 'minor' | 'major' }
  | { kind: 'pre'; id: string };

/**
 * `version` when it is a semantic version written exactly as semver writes it
 * (build metadata included); undefined otherwise. semver.valid() alone is
 * lenient: it accepts " 1.0.0" and "v1.0.0" and drops "+b1", and any of those
 * would end up verbatim (or silently changed) in tags and image references.
 */
export function strictSemver(version: string): string | undefined {
  const parsed = semver.parse(version);
  if (!parsed) return undefined;
  const canonical = parsed.build.length ? `${parsed.version}+${parsed.build.join('.')}` : parsed.version;
  return canonical === version ? version : undefined;
}

/**
 * The version a bump request leads to. `--pre rc` on 1.4.0 gives 1.4.1-rc.0, and
 * on 1.4.1-rc.0 gives 1.4.1-rc.1; `--patch` on a prerelease finishes it (1.4.1).
 */
export function nextVersion(current: string, request: BumpRequest): string {
  switch (request.kind) {
    case 'exact': {
      const v = strictSemver(request.version.replace(/^v(?=\d)/, ''));
      if (!v) throw new UsageError(`--version ${request.version}: not a semantic version; use X.Y.Z or X.Y.Z-pre.N (e.g. 1.5.0), without spaces or leading zeros`);
      return v;
    }
    case 'pre': {
      if (!/^[0-9A-Za-z-]+$/.test(request.id)) throw new UsageError(`--pre ${request.id}: a prerelease id is letters, digits and "-" (e.g. rc, beta)`);
      const same = semver.prerelease(current)?.[0] === request.id;
      return semver.inc(current, same ? 'prerelease' : 'prepatch', request.id, '0')!;
    }
    default:
      return semver.inc(current, request.kind)!;
  }
}
