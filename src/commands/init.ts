import { existsSync, lstatSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { packageVersion } from '../package-version.js';
import { CONFIG_FILE } from '../config/load.js';
import { configSchema } from '../config/schema.js';
import { EXIT, LanesError, UsageError } from '../errors.js';
import { runGit, withGitRunner } from '../git/run-git.js';
import { propose, type InitNote, type ParkedComponent, type ProposedConfig } from '../init/propose.js';
import { renderLanesYaml } from '../init/render-yaml.js';
import { scanRepository, type FileReader } from '../init/scan.js';
import { readRegularFile, realPathInside } from '../workspace/repo-files.js';
import type { CommandContext } from './context.js';

export interface InitOptions {
  /** Propose and return lanes.yaml, write nothing. */
  dryRun?: boolean;
  /** Overwrite an existing lanes.yaml. */
  force?: boolean;
  /** Return the file instead of writing it, refusing an existing lanes.yaml as a write would (the Dagger module, which returns a Directory). */
  returnOnly?: boolean;
}

export interface InitReport {
  /** The file written (or that would be), relative to the root. */
  file: string;
  written: boolean;
  dryRun: boolean;
  /** What the `# yaml-language-server: $schema=` line points at. */
  schema: string;
  config: ProposedConfig;
  /** What init could not decide: each is an `UNDECIDED:` comment in the file too. */
  undecided: InitNote[];
  /** Components found but written commented out, and why. */
  parked: ParkedComponent[];
  yaml: string;
}

/** `lanes init` refused: lanes.yaml exists, the directory is not a repository, or it holds nothing to configure. */
export class InitError extends LanesError {
  constructor(
    readonly code: 'E_CONFIG_EXISTS' | 'E_NOT_A_REPO' | 'E_NOTHING_FOUND',
    message: string,
    readonly exitCode: number = code === 'E_NOT_A_REPO' ? EXIT.failed : EXIT.usage,
  ) {
    super(message);
  }
}

/**
 * `init`: scan an existing repository (Dockerfiles, Helm charts, version files
 * of every format lanes reads, compose files and their image variables, env
 * pins, the shapes of existing tags) and write a commented lanes.yaml that
 * `lanes check local` accepts, with every point it could not decide marked
 * UNDECIDED. Refuses to overwrite lanes.yaml unless `force`; with `dryRun`
 * it writes nothing — the Dagger module always asks for that and returns the
 * file in a Directory, as a function cannot write the caller's files.
 */
export function initCommand(ctx: Pick<CommandContext, 'root' | 'git'>, opts: InitOptions = {}): Promise<InitReport> {
  return withGitRunner(ctx.git, async () => {
    const root = resolve(ctx.root);
    if (!existsSync(root) || !statSync(root).isDirectory()) throw new UsageError(`--source ${ctx.root}: not a directory; pass the repository to describe`);
    const target = join(root, CONFIG_FILE);
    if (!opts.dryRun && !opts.force && exists(target)) {
      throw new InitError('E_CONFIG_EXISTS', `${CONFIG_FILE} already exists in ${root}; lanes init will not overwrite it: see its proposal with --dry-run, or replace it with --force`);
    }
    const inside = await runGit(root, ['rev-parse', '--is-inside-work-tree']);
    if (inside.code !== 0 || inside.stdout.trim() !== 'true') {
      throw new InitError('E_NOT_A_REPO', `${root} is not a git repository; lanes reads versions, tags and changes from git: run git init (and commit) first, or pass --source <the repository>`);
    }
    const [listed, tags, remote] = await Promise.all([
      runGit(root, ['ls-files', '-z', '--cached', '--others', '--exclude-standard']),
      runGit(root, ['for-each-ref', '--format=%(refname:lstrip=2)', 'refs/tags']),
      runGit(root, ['remote', 'get-url', 'origin']),
    ]);
    const files = listed.stdout.split('\0').filter((f) => f && f !== CONFIG_FILE);
    const scan = scanRepository(files, repoReader(root), tags.code === 0 ? tags.stdout.split('\n').filter(Boolean) : []);
    const proposal = propose(scan, { dirName: basename(root), remoteUrl: remote.code === 0 ? remote.stdout.trim() : undefined });
    if (proposal.config.components.length === 0) {
      const parked = proposal.parked.map((p) => `\n  ${p.component.name}: ${p.reason}`).join('');
      throw new InitError('E_NOTHING_FOUND', `found nothing lanes can describe in ${root}${parked ? ':' + parked : ' (no Dockerfile, Helm chart, compose file or version file: package.json, pyproject.toml, Cargo.toml, version.py, VERSION…)'}${parked ? '' : '; pass --source <the monorepo>'}`);
    }
    // A proposal the schema refuses is a bug in init, not the user's to fix.
    const checked = configSchema.safeParse(proposal.config);
    if (!checked.success) throw new Error(`lanes init proposed an invalid lanes.yaml: ${checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const schema = schemaRef(root);
    const yaml = renderLanesYaml(proposal, schema);
    const write = !opts.dryRun && !opts.returnOnly;
    if (write) writeFileSync(target, yaml, { flag: opts.force ? 'w' : 'wx' });
    return { file: CONFIG_FILE, written: write, dryRun: !!opts.dryRun, schema, config: proposal.config, undecided: proposal.notes, parked: proposal.parked, yaml };
  });
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Reads a file of the repository for the scan: only regular files inside it, at most 1 MiB; anything else is skipped. */
function repoReader(root: string): FileReader {
  return (path) => {
    try {
      if (realPathInside(root, path) === undefined) return undefined;
      return readRegularFile(join(root, path));
    } catch {
      return undefined;
    }
  };
}

/**
 * The `$schema` of the written lanes.yaml: the schema of the lanes installed
 * in the repository, by a path relative to lanes.yaml (offline, and always the
 * installed version's), else the published file of this version of lanes.
 */
export function schemaRef(root: string): string {
  for (let dir = root; ; dir = dirname(dir)) {
    const installed = join(dir, 'node_modules', 'lanes', 'lanes.schema.json');
    if (existsSync(installed)) {
      const rel = relative(root, installed).split(sep).join('/');
      return rel.startsWith('.') ? rel : `./${rel}`;
    }
    if (dirname(dir) === dir) break;
  }
  const version = packageVersion();
  return `https://unpkg.com/lanes${version === 'unknown' ? '' : `@${version}`}/lanes.schema.json`;
}
