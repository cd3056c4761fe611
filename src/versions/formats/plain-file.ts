import type { VersionFormat } from '../token.js';

/** A VERSION file: the whole content, surrounding whitespace kept. */
export const plainFile: VersionFormat = {
  locate(content) {
    const m = /^\s*(\S+)\s*$/d.exec(content);
    if (!m) return [];
    const [start, end] = m.indices![1]!;
    return [{ start, end, value: m[1]!, label: 'content' }];
  },
  expected: () => 'a single version string',
};
