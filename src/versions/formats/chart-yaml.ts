import type { VersionFormat, VersionToken } from '../token.js';
import { tokenFromGroup } from '../token.js';

/**
 * Chart.yaml: `version` (the chart's) and `appVersion` (the image's); lanes keeps
 * them in step. Matched line by line at the top level so comments, quoting and
 * key order survive a bump.
 */
export const chartYaml: VersionFormat = {
  locate(content) {
    const tokens: VersionToken[] = [];
    const re = /^(version|appVersion):[ \t]*(["']?)([^"'\s#]+)\2[ \t]*(#[^\r\n]*)?\r?$/dgm;
    for (const m of content.matchAll(re)) tokens.push(tokenFromGroup(m as RegExpExecArray, 3, m[1]!));
    return tokens;
  },
  expected: () => 'top-level `version:` (and `appVersion:`) keys',
};
