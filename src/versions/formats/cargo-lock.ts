import type { VersionFormat, VersionToken } from '../token.js';

/**
 * Cargo.lock: the `[[package]]` entry of the crate itself (its name comes from
 * the spec, filled in from the sibling Cargo.toml by the loader). Dependencies'
 * entries are never touched.
 */
export const cargoLock: VersionFormat = {
  locate(content, spec) {
    const tokens: VersionToken[] = [];
    const blockRe = /^\[\[package\]\][^\n]*\n((?:(?!\[)[^\n]*(?:\n|$))*)/gm;
    for (const block of content.matchAll(blockRe)) {
      const body = block[1]!;
      const bodyStart = block.index! + block[0].length - body.length;
      const nameMatch = /^name\s*=\s*"([^"]*)"/m.exec(body);
      if (nameMatch?.[1] !== spec.package) continue;
      const v = /^version\s*=\s*"([^"]*)"/dm.exec(body);
      if (v) {
        const [s, e] = v.indices![1]!;
        tokens.push({ start: bodyStart + s, end: bodyStart + e, value: v[1]!, label: `[[package]] ${spec.package} version` });
      }
    }
    return tokens;
  },
  expected: (spec) => `a [[package]] entry named "${spec.package ?? '?'}" with a version`,
};
