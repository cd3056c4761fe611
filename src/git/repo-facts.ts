import { ExecError } from '../errors.js';
import { git, runGit, type GitResult } from './run-git.js';
import { withoutUserinfo } from './remote-url.js';

/** A tag and the commit it points at (annotated tags peeled). */
export interface TagRef {
  name: string;
  commit: string;
  /** Whether HEAD contains the tag's commit; undefined when git could not say (no commit, a shallow clone's missing objects). */
  reachable?: boolean;
}

/** What git says about the working copy: read once per command, then passed around as a value. */
export interface RepoFacts {
  isRepo: boolean;
  /** Full SHA of HEAD; undefined in a repo with no commits. */
  head?: string;
  /** Committer date of HEAD (ISO 8601): the images' `created` label, so rebuilds of one commit are identical. */
  headTime?: string;
  /** Branch name, or undefined on a detached HEAD. */
  branch?: string;
  shallow: boolean;
  /** Paths with uncommitted changes (tracked or untracked), from `git status --porcelain`. */
  dirty: string[];
  tags: TagRef[];
  /** The `origin` remote's URL, when there is one, without user-info (a CI token in `https://user:token@host/…` never leaves here). */
  remoteUrl?: string;
  /** Where the monorepo root sits inside the git work tree ("" at the top, "examples/app/" below it). */
  prefix: string;
}

const NOT_A_REPO: RepoFacts = { isRepo: false, shallow: false, dirty: [], tags: [], prefix: '' };

/** Gathers RepoFacts with a handful of git processes, independent of the repo's size. */
export async function readRepoFacts(root: string): Promise<RepoFacts> {
  // All at once: outside a repository each simply fails, which costs less than asking first and waiting.
  const [top, head, branch, status, tags, merged, remote] = await Promise.all([
    runGit(root, ['rev-parse', '--is-inside-work-tree', '--is-shallow-repository', '--show-prefix']),
    runGit(root, ['log', '-1', '--format=%H %cI', 'HEAD']),
    runGit(root, ['symbolic-ref', '-q', '--short', 'HEAD']),
    // lanes' own output (.lanes/: packaged charts, rendered manifests) never makes the tree dirty.
    runGit(root, ['status', '--porcelain', '-z', '--', '.', ':(exclude).lanes']),
    listTags(root),
    // Which tags HEAD contains: one commit walk in git, so a hotfix branch's history is its own.
    runGit(root, ['for-each-ref', '--merged=HEAD', '--format=%(refname:lstrip=2)', 'refs/tags']),
    runGit(root, ['remote', 'get-url', 'origin']),
  ]);
  if (top.code !== 0) return NOT_A_REPO;
  const [, shallowLine, prefixLine] = top.stdout.split('\n');
  const shallow = shallowLine?.trim() === 'true';
  if (status.code !== 0) throw new ExecError('git status --porcelain', status.code, status.stderr);
  if (tags.code !== 0) throw new ExecError('git for-each-ref refs/tags', tags.code, tags.stderr);
  return {
    isRepo: true,
    head: head.code === 0 ? head.stdout.split(' ')[0] : undefined,
    headTime: head.code === 0 ? head.stdout.trim().split(' ')[1] : undefined,
    branch: branch.code === 0 ? branch.stdout.trim() : undefined,
    shallow,
    dirty: status.stdout.split('\0').filter((entry) => /^[ A-Z?!]{2} ./.test(entry)).map((entry) => entry.slice(3)),
    // A shallow clone's history stops at its boundary: there, which tags HEAD contains is unknown, not "none".
    tags: parseTags(tags.stdout, merged.code === 0 && !shallow ? new Set(merged.stdout.split('\n').filter(Boolean)) : undefined),
    remoteUrl: remote.code === 0 ? withoutUserinfo(remote.stdout.trim()) : undefined,
    prefix: (prefixLine ?? '').trim(),
  };
}

function parseTags(listing: string, reachable: ReadonlySet<string> | undefined): TagRef[] {
  const out: TagRef[] = [];
  for (const line of listing.split('\n')) {
    if (!line) continue;
    const [name, object, peeled] = line.split('\0');
    out.push({ name: name!, commit: peeled || object!, ...(reachable ? { reachable: reachable.has(name!) } : {}) });
  }
  return out;
}

/**
 * Every tag with its commit. Peeling an annotated tag needs its object; in a
 * shallow clone that may be missing, so fall back to the unpeeled list (such
 * tags then count as "history unknown" rather than failing the command).
 */
async function listTags(root: string): Promise<GitResult> {
  const peeled = await runGit(root, ['for-each-ref', '--format=%(refname:lstrip=2)%00%(objectname)%00%(*objectname)', 'refs/tags']);
  if (peeled.code === 0) return peeled;
  return runGit(root, ['for-each-ref', '--format=%(refname:lstrip=2)%00%(objectname)%00', 'refs/tags']);
}

/**
 * Files changed between each given commit and HEAD, in one `git diff-tree
 * --stdin` process for all of them (a repo with 200 components must not cost
 * 200 processes). Commits absent from a shallow clone come back as undefined.
 */
export async function changedFilesSince(root: string, head: string, commits: readonly string[], prefix = ''): Promise<Map<string, string[] | undefined>> {
  const unique = [...new Set(commits)];
  const result = new Map<string, string[] | undefined>();
  if (unique.length === 0) return result;
  // --always prints each commit's line even when nothing changed; a commit git does not have prints none and stays undefined.
  const out = await runGit(root, ['diff-tree', '--stdin', '--always', '-r', '--name-only', '--no-renames', '-z'], unique.map((c) => `${c} ${head}\n`).join(''));
  if (out.code !== 0) return changedFilesOfPresent(root, head, unique, prefix);
  const wanted = new Set(unique);
  let current: string[] | undefined;
  for (const field of out.stdout.split('\0')) {
    if (!field) continue;
    if (field.length === 40 && wanted.has(field) && !result.has(field)) {
      current = [];
      result.set(field, current);
    } else if (field.startsWith(prefix)) current?.push(field.slice(prefix.length)); // paths relative to the monorepo root
  }
  for (const c of unique) if (!result.has(c)) result.set(c, undefined);
  return result;
}

/** The slower way, when git refuses the batch: ask which commits exist first, then diff those. */
async function changedFilesOfPresent(root: string, head: string, unique: readonly string[], prefix: string): Promise<Map<string, string[] | undefined>> {
  const result = new Map<string, string[] | undefined>();
  const present = await presentCommits(root, unique);
  const wanted = unique.filter((c) => present.has(c));
  for (const c of unique) result.set(c, present.has(c) ? [] : undefined);
  if (wanted.length === 0) return result;
  const out = await git(root, ['diff-tree', '--stdin', '-r', '--name-only', '--no-renames', '-z'], wanted.map((c) => `${c} ${head}\n`).join(''));
  let current: string[] | undefined;
  for (const field of out.split('\0')) {
    if (!field) continue;
    if (/^[0-9a-f]{40}$/.test(field) && result.has(field)) {
      current = result.get(field);
    } else if (field.startsWith(prefix)) current?.push(field.slice(prefix.length));
  }
  return result;
}

async function presentCommits(root: string, commits: readonly string[]): Promise<Set<string>> {
  const out = await runGit(root, ['cat-file', '--batch-check=%(objectname) %(objecttype)'], commits.join('\n') + '\n');
  return new Set(
    out.stdout
      .split('\n')
      .map((l) => l.split(' '))
      .filter(([, type]) => type === 'commit')
      .map(([sha]) => sha!),
  );
}

/** Tags on a remote with the given names, via one `git ls-remote`. Returns name -> commit. */
export async function remoteTags(root: string, remote: string, names: readonly string[]): Promise<Map<string, string>> {
  // Ask for the peeled refs (^{}) too: an annotated tag's own SHA is not its commit.
  const out = await runGit(root, ['ls-remote', '--tags', remote, ...names.flatMap((n) => [`refs/tags/${n}`, `refs/tags/${n}^{}`])]);
  if (out.code !== 0) throw new ExecError(`git ls-remote --tags ${remote}`, out.code, out.stderr);
  const tags = new Map<string, string>();
  for (const line of out.stdout.split('\n').filter(Boolean)) {
    const [sha, ref] = line.split('\t');
    const name = ref!.replace(/^refs\/tags\//, '').replace(/\^\{\}$/, '');
    // A peeled line (^{}) names the commit behind an annotated tag: it wins.
    if (ref!.endsWith('^{}') || !tags.has(name)) tags.set(name, sha!);
  }
  return tags;
}
