import { mkdtempSync, rmSync } from 'node:fs';
import { constants } from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';

/**
 * Temp directories that hold (or point at) credentials, and the commands
 * running with them, removed and stopped however lanes ends: normally (the
 * caller's finally), on process exit, and on SIGINT/SIGTERM — a `finally`
 * does not run when a signal ends the process, which would leave a
 * throw-away Docker or Helm config in the temp directory.
 *
 * The signal handlers exist only while something is tracked: then SIGINT or
 * SIGTERM removes every tracked directory, passes the signal on to the
 * tracked commands, and exits with the signal's conventional code (128 + its
 * number: 130, 143), as a shell reports a command a signal ended.
 */
const paths = new Set<string>();
const children = new Set<ChildProcess>();
const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
let installed = false;

/** A new private (0700) temp directory, tracked until removeSecretDir. */
export function makeSecretDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  paths.add(dir);
  update();
  return dir;
}

/** Removes a directory made by makeSecretDir and stops tracking it. */
export function removeSecretDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  paths.delete(dir);
  update();
}

/** Tracks a running command until it exits: a signal to lanes is passed on to it. */
export function trackChild(child: ChildProcess): void {
  if (child.exitCode !== null || child.signalCode !== null) return;
  children.add(child);
  child.once('exit', () => {
    children.delete(child);
    update();
  });
  update();
}

/** What is tracked now (for tests). */
export function trackedSecretDirs(): string[] {
  return [...paths];
}

function removeAll(): void {
  for (const dir of paths) {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // best effort: the process is ending
    }
  }
  paths.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  removeAll();
  for (const child of children) {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
  process.exit(128 + constants.signals[signal]);
}

function update(): void {
  const wanted = paths.size > 0 || children.size > 0;
  if (wanted === installed) return;
  installed = wanted;
  for (const s of SIGNALS) {
    if (wanted) process.on(s, onSignal);
    else process.off(s, onSignal);
  }
  if (wanted) process.on('exit', removeAll);
  else process.off('exit', removeAll);
}
