import { createContext, Script } from 'node:vm';
import type { VersionFormat, VersionToken } from '../token.js';
import { tokenFromGroup, VersionFormatError } from '../token.js';

/** How long one pattern may run on one file. A version pattern on a small file takes microseconds. */
export const PATTERN_TIME_LIMIT_MS = 1000;

/** One sandbox for every match: the time limit needs a vm context, and creating one per file would cost more than the match. */
const sandbox = createContext({
  pattern: '',
  content: '',
  result: null as RegExpExecArray | null,
  jobs: [] as PatternJob[],
  results: [] as (RegExpExecArray | null)[],
  ok: [] as boolean[],
  next: 0,
});

/** The match, compiled once: compiling the same source again for every file cost more than running it. */
const match = new Script('new RegExp(pattern, "dm").exec(content)');

/** One pattern on one file's text. */
export interface PatternJob {
  pattern: string;
  content: string;
}

/**
 * Many matches under one time limit: each run under a limit starts and joins
 * a watchdog thread, which costs more than a version pattern's match, and
 * much more on a busy machine. A job that throws is left for its own run,
 * which reports it.
 */
const batch = new Script(`
  for (; next < jobs.length; next++) {
    try {
      results[next] = new RegExp(jobs[next].pattern, "dm").exec(jobs[next].content);
      ok[next] = true;
    } catch {}
  }
`);

/** A job that ran for the whole time limit on its own. */
const TIMED_OUT = Symbol('timed out');

/** Matches made ahead for one synchronous pass: pattern -> file text -> match. */
let prepared: Map<string, Map<string, RegExpExecArray | null | typeof TIMED_OUT>> | undefined;

/**
 * Runs `fn` (synchronous) with every job's match made ahead, in batches under
 * the time limit: regexFile.locate then takes a job's match from there. The
 * match is the one locate would make itself (the same pattern on the same
 * text). When the limit strikes, the job it struck is run again at the start
 * of the next batch, so it has the whole limit to itself, exactly as when
 * run alone; only a job that used all of it that way counts as too slow. A
 * job that throws is left to locate, so every message is locate's own.
 */
export function withPatternsMatched<T>(jobs: readonly PatternJob[], fn: () => T): T {
  if (prepared || jobs.length === 0) return fn();
  const made = new Map<string, Map<string, RegExpExecArray | null | typeof TIMED_OUT>>();
  const timedOut = new Set<number>();
  sandbox.jobs = [...jobs];
  sandbox.results = [];
  sandbox.ok = [];
  sandbox.next = 0;
  try {
    while (sandbox.next < jobs.length) {
      const first = sandbox.next;
      try {
        batch.runInContext(sandbox, { timeout: PATTERN_TIME_LIMIT_MS });
      } catch (e) {
        const timeout = (e as NodeJS.ErrnoException).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT';
        // Struck on the batch's first job: that one ran alone for the whole limit.
        if (timeout && sandbox.next === first) timedOut.add(sandbox.next++);
        // The batch itself failed (each job's own error is caught in it): leave the job to locate.
        else if (!timeout) sandbox.next++;
        // Otherwise the limit struck a later job, which starts the next batch.
      }
    }
    jobs.forEach((job, i) => {
      if (!sandbox.ok[i] && !timedOut.has(i)) return;
      let byContent = made.get(job.pattern);
      if (!byContent) made.set(job.pattern, (byContent = new Map()));
      byContent.set(job.content, sandbox.ok[i] ? sandbox.results[i]! : TIMED_OUT);
    });
  } finally {
    sandbox.jobs = [];
    sandbox.results = [];
    sandbox.ok = [];
  }
  prepared = made;
  try {
    return fn();
  } finally {
    prepared = undefined;
  }
}

/**
 * Anything else: a regex with a named group `version` (validated when lanes.yaml
 * loads, where nested quantifiers are refused). The match runs under a time
 * limit as well, so a pattern that backtracks badly on some file ends in an
 * error naming the file, not in a hang.
 */
export const regexFile: VersionFormat = {
  locate(content, spec) {
    const made = prepared?.get(spec.pattern!);
    if (made?.has(content)) {
      const m = made.get(content)!;
      if (m === TIMED_OUT) throw tooSlow(spec.pattern!);
      return found(m);
    }
    sandbox.pattern = spec.pattern!;
    sandbox.content = content;
    let m: RegExpExecArray | null;
    try {
      m = match.runInContext(sandbox, { timeout: PATTERN_TIME_LIMIT_MS }) as RegExpExecArray | null;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') throw tooSlow(spec.pattern!);
      throw new VersionFormatError(`pattern /${spec.pattern}/ cannot run: ${(e as Error).message}`);
    } finally {
      sandbox.content = '';
    }
    return found(m);
  },
  expected: (spec) => `a match of /${spec.pattern}/ with a (?<version>…) group`,
};

function tooSlow(pattern: string): VersionFormatError {
  return new VersionFormatError(`pattern /${pattern}/ ran for more than ${PATTERN_TIME_LIMIT_MS / 1000} s on this file without an answer (it backtracks too much); make it more specific, e.g. anchor it and match the version with [0-9A-Za-z.+-]+`);
}

function found(m: RegExpExecArray | null): VersionToken[] {
  return m?.groups?.version !== undefined ? [tokenFromGroup(m, 'version', 'pattern')] : [];
}
