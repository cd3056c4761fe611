import type { VersionFormat } from '../token.js';
import { tokenFromGroup } from '../token.js';

/** Anything else: a regex with a named group `version` (validated when lanes.yaml loads). */
export const regexFile: VersionFormat = {
  locate(content, spec) {
    const m = new RegExp(spec.pattern!, 'dm').exec(content);
    return m?.groups?.version !== undefined ? [tokenFromGroup(m, 'version', 'pattern')] : [];
  },
  expected: (spec) => `a match of /${spec.pattern}/ with a (?<version>…) group`,
};
