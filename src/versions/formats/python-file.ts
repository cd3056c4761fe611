import type { VersionFormat, VersionToken } from '../token.js';
import { tokenFromGroup, VersionFormatError } from '../token.js';

/**
 * `__version__ = "1.4.0"`, `DSX_CONNECT_VERSION = '1.4.0'`, `CONNECTOR_VERSION: str = "0.5.2"`.
 * Without `variable`, the first assignment whose name contains "version" wins,
 * so a file that also pins `MIN_PYTHON_VERSION` below it is read correctly.
 */
export const pythonFile: VersionFormat = {
  locate(content, spec) {
    const re = /^[ \t]*([A-Za-z_][A-Za-z0-9_]*)[ \t]*(?::[ \t]*str[ \t]*)?=[ \t]*(["'])([^"'\r\n]*)\2/dgm;
    const tokens: VersionToken[] = [];
    let firstAt = 0;
    for (const m of content.matchAll(re)) {
      const variable = m[1]!;
      if (tokens.length > 0) {
        // Python keeps the last assignment; lanes would read and rewrite the first.
        if (variable === tokens[0]!.label) {
          const line = (at: number) => content.slice(0, at).split('\n').length;
          throw new VersionFormatError(`${variable} is assigned twice (lines ${line(firstAt)} and ${line(m.index!)}): Python uses the last, so lanes will not guess; keep one`);
        }
        continue;
      }
      const wanted = spec.variable ? variable === spec.variable : /version/i.test(variable);
      if (wanted) {
        tokens.push(tokenFromGroup(m as RegExpExecArray, 3, variable));
        firstAt = m.index!;
      }
    }
    return tokens;
  },
  expected: (spec) =>
    spec.variable ? `an assignment ${spec.variable} = "X.Y.Z"` : 'an assignment such as __version__ = "X.Y.Z" (a variable whose name contains "version")',
};
