import { ExecError } from '../errors.js';
import { git, runGit } from './run-git.js';

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
  /** The `origin` remote's URL, when there is one. */
  remoteUrl?: string;
  /** Where the monorepo root sits inside the git work tree ("" at the top, "examples/app/" below it). */
  prefix: string;
}

const NOT_A_REPO: RepoFacts = { isRepo: false, shallow: false, dirty: [], tags: [], prefix: '' };

/** Gathers RepoFacts with a handful of git processes, independent of the repo's size. */
export async function readRepoFacts(root: string): Promise<RepoFacts> {
  const top = await runGit(root, ['rev-parse', '--is-inside-work-tree']);
  if (top.code !== 0) return NOT_A_REPO;
  const [head, branch, shallow, status, tags, merged, remote, prefix] = await Promise.all([
    runGit(root, ['log', '-1', '--format=%H %cI', 'HEAD']),
    runGit(root, ['symbolic-ref', '-q', '--short', 'HEAD']),
    git(root, ['rev-parse', '--is-shallow-repository']),
    // lanes' own output (.lanes/: packaged charts, rendered manifests) never makes the tree dirty.
    git(root, ['status', '--porcelain', '-z', '--', '.', ':(exclude).lanes']),
    listTags(root),
    // Which tags HEAD contains: one commit walk in git, so a hotfix branch's history is its own.
    runGit(root, ['for-each-ref', '--merged=HEAD', '--format=%(refname:lstrip=2)', 'refs/tags']),
    runGit(root, ['remote', 'get-url', 'origin']),
    git(root, ['rev-parse', '--show-prefix']),
  ]);
  return {
    isRepo: true,
    head: head.code === 0 ? head.stdout.split(' ')[0] : undefined,
    headTime: head.code === 0 ? head.stdout.trim().split(' ')[1] : undefined,
    branch: branch.code === 0 ? branch.stdout.trim() : undefined,
    shallow: shallow.trim() === 'true',
    dirty: status.split('\0').filter((entry) => /^[ A-Z?!]{2} ./.test(entry)).map((entry) => entry.slice(3)),
    // A shallow clone's history stops at its boundary: there, which tags HEAD contains is unknown, not "none".
    tags: parseTags(tags, merged.code === 0 && shallow.trim() !== 'true' ? new Set(merged.stdout.split('\n').filter(Boolean)) : undefined),
    remoteUrl: remote.code === 0 ? remote.stdout.trim() : undefined,
    prefix: prefix.trim(),
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
async function listTags(root: string): Promise<string> {
  const peeled = await runGit(root, ['for-each-ref', '--format=%(refname:lstrip=2)%00%(objectname)%00%(*objectname)', 'refs/tags']);
  if (peeled.code === 0) return peeled.stdout;
  return git(root, ['for-each-ref', '--format=%(refname:lstrip=2)%00%(objectname)%00', 'refs/tags']);
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
    } else if (field.startsWith(prefix)) current?.push(field.slice(prefix.length)); // paths relative to the monorepo root
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
