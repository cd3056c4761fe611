import type { VersionFormat, VersionToken } from '../token.js';
import { findJsonString } from '../json-locate.js';

/**
 * package-lock.json repeats the package's version at the top and (lockfile v2+)
 * in packages[""]; both must move together or `npm ci` complains.
 */
export const packageLock: VersionFormat = {
  locate(content) {
    const tokens: VersionToken[] = [];
    const top = findJsonString(content, ['version']);
    if (top) tokens.push({ ...top, label: 'version' });
    const root = findJsonString(content, ['packages', '', 'version']);
    if (root) tokens.push({ ...root, label: 'packages[""].version' });
    return tokens;
  },
  expected: () => 'a top-level "version" (and packages[""].version)',
};
