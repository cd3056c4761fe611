import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, linkSync, lstatSync, mkdirSync, readlinkSync, realpathSync, symlinkSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Runs a container's command for real with bubblewrap: the container's root
 * filesystem is a directory the query built, so a path the query did not
 * create (say /out) does not exist, exactly as in a container.
 *
 * There are no images here (nothing can be pulled), so each tool image stands
 * for the binaries of this machine: every image gets busybox's applets (the
 * Alpine images use busybox too), plus `alpine/git` → the host's git,
 * `alpine/helm` → helm from LANES_TEST_HELM_DIR (.lanes/testbed.env),
 * `docker:*-cli` → the host's docker client. Those binaries are reached
 * through PATH=/.standin/bin; /usr and /etc are the host's, read-only, so the
 * binaries find their libraries, CA certificates and /etc/hosts.
 *
 * The sandbox shares this machine's network, where an engine's container has
 * its own: 127.0.0.1 in a command here is this machine's loopback. The tests'
 * registry (registry.lanes.test), git remotes (git daemon) and GitHub stand-in
 * listen there and stand for hosts on the network; whether a real engine
 * reaches a given address is not something this stand-in can tell.
 */
export interface ToolImage {
  /** Binaries on PATH besides busybox's applets: name -> host path. */
  tools: Record<string, string>;
}

export function toolImageFor(address: string, helmDir = process.env.LANES_TEST_HELM_DIR): ToolImage | undefined {
  const [name] = address.split(/[:@]/);
  const which = (bin: string) => {
    const r = spawnSync('sh', ['-c', `command -v ${bin}`], { encoding: 'utf8' });
    return r.status === 0 ? r.stdout.trim() : undefined;
  };
  switch (name) {
    case 'alpine':
      return { tools: {} };
    case 'alpine/git':
      return { tools: { git: which('git')! } };
    case 'alpine/helm': {
      if (!helmDir) throw new Error('stand-in: alpine/helm stands for helm from LANES_TEST_HELM_DIR, which is not set (run scripts/testbed.sh)');
      return { tools: { helm: join(helmDir, 'helm') } };
    }
    case 'docker':
      return /cli/.test(address) ? { tools: { docker: which('docker')! } } : undefined;
    default:
      return undefined;
  }
}

const BUSYBOX = '/bin/busybox';
let applets: string[] | undefined;

/** A directory of symlinks: busybox's applets and the image's tools. Made once per image. */
export function toolBin(root: string, address: string, image: ToolImage): string {
  const dir = join(root, 'tools', address.replace(/[^a-zA-Z0-9.-]/g, '_'));
  if (existsSync(dir)) return dir;
  if (!existsSync(BUSYBOX)) throw new Error('stand-in: /bin/busybox is missing (busybox-static, installed by scripts/testbed.sh)');
  applets ??= spawnSync(BUSYBOX, ['--list'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
  mkdirSync(dir, { recursive: true });
  for (const a of applets) if (!image.tools[a]) symlinkSync(BUSYBOX, join(dir, a));
  for (const [name, tool] of Object.entries(image.tools)) {
    const path = realpathSync(tool);
    // Only /usr and /etc of this machine are in the sandbox: a tool elsewhere (helm under /var/lib) is put in the image itself.
    if (path.startsWith('/usr/')) symlinkSync(path, join(dir, name));
    else {
      try {
        linkSync(path, join(dir, name));
      } catch {
        copyFileSync(path, join(dir, name));
        chmodSync(join(dir, name), 0o755);
      }
    }
  }
  return dir;
}

export function hasBwrap(): boolean {
  return spawnSync('sh', ['-c', 'command -v bwrap'], { encoding: 'utf8' }).status === 0;
}

export interface SandboxRun {
  rootfs: string;
  bin: string;
  args: string[];
  env: Record<string, string>;
  workdir: string;
  stdin?: string;
  /** container path -> host path of a unix socket */
  sockets: Record<string, string>;
  timeoutMs?: number;
}

/** The symlinks the sandbox makes at the root (this machine's merged /usr layout). */
const ROOT_LINKS: Record<string, string> = { '/lib': 'usr/lib', '/lib64': 'usr/lib64', '/bin': 'usr/bin', '/sbin': 'usr/sbin' };

export function runInSandbox(run: SandboxRun): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  // A root filesystem that an earlier command ran in holds the links bwrap made there; bwrap will not make them twice.
  for (const [at, target] of Object.entries(ROOT_LINKS)) {
    const p = join(run.rootfs, at);
    if (lstatSync(p, { throwIfNoEntry: false })?.isSymbolicLink() && readlinkSync(p) === target) unlinkSync(p);
  }
  for (const p of Object.keys(run.sockets)) mkdirSync(join(run.rootfs, p, '..'), { recursive: true });
  mkdirSync(join(run.rootfs, run.workdir), { recursive: true });
  const argv = [
    '--bind', run.rootfs, '/',
    '--ro-bind', '/usr', '/usr',
    ...Object.entries(ROOT_LINKS).flatMap(([at, target]) => ['--symlink', target, at]),
    '--ro-bind', '/etc', '/etc',
    '--ro-bind', run.bin, '/.standin/bin',
    '--dev', '/dev',
    '--proc', '/proc',
    ...Object.entries(run.sockets).flatMap(([to, from]) => ['--bind', from, to]),
    '--chdir', run.workdir,
    '--die-with-parent',
    '--clearenv',
    ...Object.entries(run.env).flatMap(([k, v]) => ['--setenv', k, v]),
    '--',
    ...run.args,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn('bwrap', argv, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), run.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ stdout, stderr: signal ? `${stderr}\nstand-in: killed by ${signal}` : stderr, exitCode: code ?? 137 });
    });
    // A command that exits without reading its stdin closes the pipe: that is its business, not a failure of the sandbox.
    child.stdin.on('error', () => {});
    child.stdin.end(run.stdin ?? '');
  });
}
