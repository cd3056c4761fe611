import type { Finding } from '../guardrails/finding.js';
import type { ReleaseHostCheck } from './lane-facts.js';

/**
 * Findings from asking the release hosts before a release: each problem is an
 * error (a release that would fail after the tag, images and charts are
 * pushed must stop before the first push), and an existing release for a tag
 * that is not on the remote yet is one too — a rerun of this commit, whose tag
 * is already there, may complete its release.
 */
export function releaseHostFindings(checks: readonly ReleaseHostCheck[], tag: string, tagPushedAtHead: boolean): Finding[] {
  const findings: Finding[] = [];
  for (const c of checks) {
    if (c.problem) findings.push({ code: c.problem.code, severity: 'error', message: c.problem.message });
    else if (c.releaseExists && !tagPushedAtHead) {
      findings.push({ code: 'E_RELEASE_EXISTS', severity: 'error', message: `${c.host} already has a release for ${tag} on ${c.target}, but the tag is not on the remote at this commit; delete that release (or release a new version) first` });
    }
  }
  return findings;
}
