import { VersionFormatError, type VersionFormat } from '../token.js';

/**
 * An image pin in an env file: `DSXCONNECT_IMAGE=dsxconnect/dsx-connect:0.3.88`.
 * The version is the tag after the last ":" (a ":" before the last "/" is a
 * registry port, not a tag).
 */
export const envPin: VersionFormat = {
  locate(content, spec) {
    const key = spec.key!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const re = new RegExp(`^[ \\t]*(?:export[ \\t]+)?${key}[ \\t]*=[ \\t]*(["']?)([^"'\\s#]*)\\1`, 'dgm');
    const all = [...content.matchAll(re)];
    if (all.length > 1) {
      const lines = all.map((x) => content.slice(0, x.index).split('\n').length);
      throw new VersionFormatError(`${spec.key} is set ${all.length} times (lines ${lines.join(', ')}): compose and shells take the last, so lanes will not guess; keep one`);
    }
    const m = all[0] as RegExpExecArray | undefined;
    if (!m || m[2] === '') return [];
    const ref = m[2]!;
    const colon = ref.lastIndexOf(':');
    if (colon < 0 || ref.indexOf('/', colon) >= 0) return [];
    const refStart = m.indices![2]![0];
    return [{ start: refStart + colon + 1, end: refStart + ref.length, value: ref.slice(colon + 1), label: spec.key! }];
  },
  expected: (spec) => `a line ${spec.key}=<image>:<version>`,
};
