import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { git } from '../repo.js';

/**
 * Bare repositories served over git:// by `git daemon` on 127.0.0.1, with
 * pushes allowed: a remote that a git container of the engine can reach
 * (a host path cannot be: the container has only the directories the query
 * mounted). The host CLI reaches it the same way, so both executors push
 * release tags to the same kind of remote.
 */
export interface GitDaemon {
  /** The git:// URL of the repository `name` under the served directory. */
  url(name: string): string;
  /** The served directory (each repository is `<base>/<name>`). */
  base: string;
  /**
   * A new bare repository `name`, set as `origin` of `dir` (replacing any),
   * with dir's current branch pushed. Returns the bare repository's path.
   */
  originFor(dir: string, name: string): string;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().once('error', reject).listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Starts git daemon on a free loopback port and returns once it answers (bounded: ~10 s). */
export async function startGitDaemon(): Promise<GitDaemon> {
  const base = mkdtempSync(join(tmpdir(), 'lanes-git-daemon-'));
  let child: ChildProcess | undefined;
  let port = 0;
  let log = '';
  // A port found free can be taken before the daemon binds it: try again on another.
  for (let attempt = 0; attempt < 3 && !child; attempt++) {
    port = await freePort();
    const c = spawn('git', ['daemon', '--reuseaddr', '--listen=127.0.0.1', `--port=${port}`, '--export-all', '--enable=receive-pack', '--informative-errors', `--base-path=${base}`, base], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    c.stderr!.on('data', (d) => (log += d));
    let exited = false;
    c.once('exit', () => (exited = true));
    for (let i = 0; i < 100 && !exited; i++) {
      // ls-remote of a repository that does not exist still proves the daemon answers ("not exported" vs "connection refused").
      const probe = spawnSync('git', ['ls-remote', `git://127.0.0.1:${port}/.probe`], { encoding: 'utf8', timeout: 5000 });
      if (!/Connection refused|unable to connect/i.test(probe.stderr)) {
        child = c;
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    if (!child) c.kill('SIGKILL');
  }
  if (!child) {
    rmSync(base, { recursive: true, force: true });
    throw new Error(`git daemon did not start on 127.0.0.1:\n${log}`);
  }
  const daemon = child;
  const url = (name: string) => `git://127.0.0.1:${port}/${name}`;
  return {
    base,
    url,
    originFor(dir, name) {
      const bare = join(base, name);
      git(base, 'init', '-q', '--bare', name);
      spawnSync('git', ['remote', 'remove', 'origin'], { cwd: dir, stdio: 'ignore' });
      git(dir, 'remote', 'add', 'origin', url(name));
      git(dir, 'push', '-q', 'origin', 'HEAD');
      return bare;
    },
    close: () =>
      new Promise<void>((resolve) => {
        const done = () => {
          rmSync(base, { recursive: true, force: true });
          resolve();
        };
        if (daemon.exitCode !== null || daemon.signalCode !== null) return done();
        daemon.once('exit', done);
        daemon.kill('SIGTERM');
      }),
  };
}
