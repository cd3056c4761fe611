import { createContext, runInContext } from 'node:vm';
import type { VersionFormat } from '../token.js';
import { tokenFromGroup, VersionFormatError } from '../token.js';

/** How long one pattern may run on one file. A version pattern on a small file takes microseconds. */
export const PATTERN_TIME_LIMIT_MS = 1000;

/** One sandbox for every match: the time limit needs a vm context, and creating one per file would cost more than the match. */
const sandbox = createContext({ pattern: '', content: '', result: null as RegExpExecArray | null });

/**
 * Anything else: a regex with a named group `version` (validated when lanes.yaml
 * loads, where nested quantifiers are refused). The match runs under a time
 * limit as well, so a pattern that backtracks badly on some file ends in an
 * error naming the file, not in a hang.
 */
export const regexFile: VersionFormat = {
  locate(content, spec) {
    sandbox.pattern = spec.pattern!;
    sandbox.content = content;
    let m: RegExpExecArray | null;
    try {
      m = runInContext('new RegExp(pattern, "dm").exec(content)', sandbox, { timeout: PATTERN_TIME_LIMIT_MS }) as RegExpExecArray | null;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') {
        throw new VersionFormatError(`pattern /${spec.pattern}/ ran for more than ${PATTERN_TIME_LIMIT_MS / 1000} s on this file without an answer (it backtracks too much); make it more specific, e.g. anchor it and match the version with [0-9A-Za-z.+-]+`);
      }
      throw new VersionFormatError(`pattern /${spec.pattern}/ cannot run: ${(e as Error).message}`);
    } finally {
      sandbox.content = '';
    }
    return m?.groups?.version !== undefined ? [tokenFromGroup(m, 'version', 'pattern')] : [];
  },
  expected: (spec) => `a match of /${spec.pattern}/ with a (?<version>…) group`,
};
