import { FINDING_CODES, type FindingCode } from './guardrails/finding.js';

/**
 * Every code lanes can answer with, in one table: guardrail findings, config
 * problems, usage mistakes and failures while running. Scripts and `--json`
 * consumers match on these; the README's table is checked against this one
 * by a test, so a code cannot be added without being documented.
 */
export interface CodeInfo {
  /** What the user sees it as: a finding of a guardrail, or an error that ends the command. */
  kind: 'finding' | 'error';
  /** error stops the lane; warning reports (and stops it under --strict). */
  severity: 'error' | 'warning';
  /** The process exit code when this ends the command (warnings: 0 unless --strict). */
  exit: 0 | 1 | 2;
  meaning: string;
}

/** Codes of errors that end a command (as opposed to guardrail findings). */
export const ERROR_CODES = {
  E_CONFIG: { exit: 2, meaning: 'lanes.yaml (or a file it names) is not valid; every problem is listed with file:line and YAML path' },
  E_USAGE: { exit: 2, meaning: 'a flag or argument is wrong' },
  E_CONFIG_EXISTS: { exit: 2, meaning: 'lanes init: lanes.yaml already exists; --dry-run shows the proposal, --force replaces it' },
  E_NOTHING_FOUND: { exit: 2, meaning: 'lanes init: no Dockerfile, Helm chart, compose file or version file to make a component of' },
  E_VERSION_NOT_SEMVER: { exit: 2, meaning: 'a version file holds a value that is not a semantic version (an issue of E_CONFIG; `bump --version` repairs it)' },
  E_VERSION_FILE_READ: { exit: 1, meaning: 'a version file cannot be read (missing, not a regular file, unreadable)' },
  E_VERSION_FILE_MISSING: { exit: 1, meaning: 'a version file disappeared after bump read it; nothing was written' },
  E_VERSION_FILE_CHANGED: { exit: 1, meaning: 'a version file changed (or stopped being a regular file) while bump ran; nothing was written' },
  E_VERSION_FILE_READONLY: { exit: 1, meaning: 'bump cannot write a version file (permissions); nothing was written' },
  E_VERSION_FILE_WRITE: { exit: 1, meaning: 'bump could not write a version file; every file was restored' },
  E_REGISTRY_AUTH: { exit: 1, meaning: 'the registry refused the credentials, or its auth challenge cannot be followed' },
  E_REGISTRY_UNAVAILABLE: { exit: 1, meaning: 'the registry kept answering 429/5xx after the retries' },
  E_REGISTRY_UNREACHABLE: { exit: 1, meaning: 'the registry could not be reached, or did not answer in time' },
  E_EXEC: { exit: 1, meaning: 'a command lanes runs (git, docker, helm, compose) failed, could not start, or was killed' },
  E_STEP: { exit: 1, meaning: 'a step of the lane failed; the summary lists every step and why' },
  E_INTERNAL: { exit: 1, meaning: 'a bug in lanes: the message says where to report it' },
} as const satisfies Record<string, { exit: 1 | 2; meaning: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;
export type Code = FindingCode | ErrorCode;

/** The whole table, findings first, for the README and `--json` consumers. */
export function codeTable(): Record<Code, CodeInfo> {
  const table = {} as Record<Code, CodeInfo>;
  for (const [code, meaning] of Object.entries(FINDING_CODES)) {
    const severity = code.startsWith('E_') ? 'error' : 'warning';
    table[code as FindingCode] = { kind: 'finding', severity, exit: severity === 'error' ? 1 : 0, meaning };
  }
  for (const [code, info] of Object.entries(ERROR_CODES)) table[code as ErrorCode] = { kind: 'error', severity: 'error', ...info };
  return table;
}
