/**
 * The error types lanes raises on purpose. Every one carries a stable `code`
 * (scripts and `--json` consumers match on it) and a message written for the
 * user: what is wrong, where, and what to do. Only the CLI entry point turns
 * them into exit codes; nothing else calls `process.exit`.
 */

import type { Code } from './codes.js';
import type { Finding } from './guardrails/finding.js';

/** Exit codes, as documented in the README. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export abstract class LanesError extends Error {
  /** A code of src/codes.ts. */
  abstract readonly code: Code;
  /** 1: a guardrail or a step failed; 2: bad usage or bad configuration. */
  abstract readonly exitCode: number;
}

/** One problem in lanes.yaml (or a file it points at), located as precisely as we can. */
export interface ConfigIssue {
  /** The file the problem is in, relative to the monorepo root. */
  file: string;
  /** 1-based line, when known. */
  line?: number;
  /** YAML path such as `components[2].version.file`; empty for the whole file. */
  path: string;
  message: string;
  /** A finer code than E_CONFIG, where a caller decides on it (bump --version repairs E_VERSION_NOT_SEMVER). */
  code?: 'E_VERSION_NOT_SEMVER';
}

export function formatIssue(issue: ConfigIssue): string {
  const where = issue.line ? `${issue.file}:${issue.line}` : issue.file;
  return issue.path ? `${where} ${issue.path}: ${issue.message}` : `${where}: ${issue.message}`;
}

/** lanes.yaml (or a version file it names) is invalid. All problems are reported at once. */
export class ConfigError extends LanesError {
  readonly code = 'E_CONFIG';
  readonly exitCode = EXIT.usage;
  constructor(readonly issues: ConfigIssue[], heading = 'lanes.yaml is not valid') {
    super(`${heading}:\n${issues.map((i) => `  ${formatIssue(i)}`).join('\n')}`);
  }
}

/** A flag or argument is wrong. */
export class UsageError extends LanesError {
  readonly code = 'E_USAGE';
  readonly exitCode = EXIT.usage;
  constructor(message: string) {
    super(message);
  }
}

/** A version file cannot be written in the way lanes needs (an I/O failure, not a usage mistake: exit 1). */
export class VersionFileError extends LanesError {
  readonly exitCode = EXIT.failed;
  constructor(readonly code: Code, readonly file: string, message: string) {
    super(`${file}: ${message}`);
  }
}

/**
 * A guardrail stopped the command. Its code is that of the first error
 * finding, and the findings travel with it as data (for `--json`).
 */
export class GuardrailError extends LanesError {
  readonly code: Code;
  readonly exitCode = EXIT.failed;
  constructor(readonly findings: readonly Finding[], message = findings.map((f) => `${f.code}: ${f.message}`).join('\n')) {
    super(message);
    this.code = (findings.find((f) => f.severity === 'error') ?? findings[0])?.code ?? 'E_STEP';
  }
}

/** An external command (docker, helm, git) failed. stderr is kept for the summary, already redacted. */
export class ExecError extends LanesError {
  readonly code = 'E_EXEC';
  readonly exitCode = EXIT.failed;
  /** exitStatus: the exit code, a signal name ("SIGKILL"), or null when the command could not be started. */
  constructor(readonly command: string, readonly exitStatus: number | string | null, readonly stderr: string) {
    const tail = stderr.trim().split('\n').slice(-6).join('\n');
    const how = exitStatus === null ? 'could not be started' : typeof exitStatus === 'number' ? `failed (exit ${exitStatus})` : `was killed (${exitStatus})`;
    super(`\`${command}\` ${how}${tail ? `:\n${tail}` : ''}`);
  }
}

/** A registry answered in a way we cannot proceed from (auth refused, unreachable after retries). */
export class RegistryError extends LanesError {
  readonly exitCode = EXIT.failed;
  constructor(readonly code: 'E_REGISTRY' | 'E_REGISTRY_AUTH' | 'E_REGISTRY_UNAVAILABLE' | 'E_REGISTRY_UNREACHABLE', message: string) {
    super(message);
  }
}

/** A step of a lane failed; the executor collects these into its summary. */
export class StepError extends LanesError {
  readonly code = 'E_STEP';
  readonly exitCode = EXIT.failed;
  constructor(message: string) {
    super(message);
  }
}
