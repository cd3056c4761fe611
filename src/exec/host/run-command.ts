import { spawn } from 'node:child_process';
import { ExecError } from '../../errors.js';
import type { Redactor } from '../redactor.js';
import { trackChild } from './temp-secrets.js';

export interface CommandOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Written to stdin (how passwords reach `docker login --password-stdin`). */
  input?: string;
  redactor: Redactor;
  /** Called with each chunk of output, already redacted (for --verbose streaming). */
  onOutput?: (chunk: string) => void;
}

/** Runs a command, collecting its output; fails with an ExecError whose text is redacted. Stopped with lanes (temp-secrets.ts). */
export function runCommand(command: string, args: readonly string[], opts: CommandOptions): Promise<{ stdout: string; stderr: string }> {
  const shown = opts.redactor.redact([command, ...args].join(' '));
  return new Promise((resolveRun, reject) => {
    const child = spawn(command, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    // A SIGINT/SIGTERM to lanes is passed on: a push does not go on after lanes was stopped.
    child.once('spawn', () => trackChild(child));
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d;
      opts.onOutput?.(opts.redactor.redact(d.toString()));
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d;
      opts.onOutput?.(opts.redactor.redact(d.toString()));
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      reject(new ExecError(shown, null, e.code === 'ENOENT' ? `${command} is not installed or not on PATH` : e.message));
    });
    child.on('close', (code, signal) => {
      if (code === 0) resolveRun({ stdout: opts.redactor.redact(stdout), stderr: opts.redactor.redact(stderr) });
      else reject(new ExecError(shown, code ?? signal ?? 'unknown signal', opts.redactor.redact(stderr || stdout)));
    });
    // A command that exits without reading its input must not crash lanes with an EPIPE.
    child.stdin.on('error', () => {});
    child.stdin.end(opts.input ?? '');
  });
}

/**
 * runCommand in the monorepo root with the command's own environment (the
 * CLI's, so PATH finds the same docker and helm the user has).
 */
export function run(
  ctx: { root: string; env: NodeJS.ProcessEnv; redactor: Redactor; onOutput?: (chunk: string) => void },
  command: string,
  args: readonly string[],
  extra: { input?: string; env?: NodeJS.ProcessEnv; stream?: boolean } = {},
): Promise<{ stdout: string; stderr: string }> {
  return runCommand(command, args, {
    cwd: ctx.root,
    env: { ...ctx.env, ...extra.env },
    input: extra.input,
    redactor: ctx.redactor,
    onOutput: extra.stream ? ctx.onOutput : undefined,
  });
}
