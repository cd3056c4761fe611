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
export function readRepoFacts(root: string): Promise<RepoFacts> {
  return startRepoFacts(root).facts;
}

/** What the release history needs of the repository: known as soon as the quick git processes are done. */
export interface HistoryFacts {
  head?: string;
  prefix: string;
  /** The very array RepoFacts.tags will be, so what is computed from it is shared. */
  tags: TagRef[];
}

export interface RepoFactsInFlight {
  /** All of RepoFacts; rejects (or throws the ExecError) exactly as readRepoFacts does. */
  facts: Promise<RepoFacts>;
  /**
   * HEAD, the prefix and the tags, once those processes are done, without
   * waiting for `git status` (the slowest by far in a large tree): a caller
   * can start diffing release commits meanwhile. Undefined outside a
   * repository or when listing the tags failed; `facts` then says what
   * happened. Never rejects.
   */
  history: Promise<HistoryFacts | undefined>;
}

/** Starts readRepoFacts' git processes, all at once, and hands out their answers as they come. */
export function startRepoFacts(root: string): RepoFactsInFlight {
  // All at once: outside a repository each simply fails, which costs less than asking first and waiting.
  type Run = Promise<GitResult>;
  const started = attempt((): [Run, Run, Run, Run, Run, Run] => [
    // The branch too: --symbolic-full-name HEAD is refs/heads/<branch>, or HEAD when detached.
    // `--`: HEAD the revision, never a file of that name.
    runGit(root, ['rev-parse', '--is-inside-work-tree', '--is-shallow-repository', '--show-prefix', '--symbolic-full-name', 'HEAD', '--']),
    runGit(root, ['log', '-1', '--format=%H %cI', 'HEAD']),
    // lanes' own output (.lanes/: packaged charts, rendered manifests) never makes the tree dirty.
    runGit(root, ['status', '--porcelain', '-z', '--', '.', ':(exclude).lanes']),
    listTags(root),
    // Which tags HEAD contains: one commit walk in git, so a hotfix branch's history is its own.
    runGit(root, ['for-each-ref', '--merged=HEAD', '--format=%(refname:lstrip=2)', 'refs/tags']),
    runGit(root, ['remote', 'get-url', 'origin']),
  ]);
  if (!Array.isArray(started)) {
    const facts = Promise.reject(started.error);
    return { facts, history: facts.then(() => undefined, () => undefined) };
  }
  const [top, head, status, tags, merged, remote] = started;
  const early = Promise.all([top, head, tags, merged]).then(([topR, headR, tagsR, mergedR]) => {
    const where = workTree(topR);
    if (!where || tagsR.code !== 0) return undefined;
    const { shallow } = where;
    return {
      shallow,
      prefix: where.prefix,
      head: headR.code === 0 ? headR.stdout.split(' ')[0] : undefined,
      headTime: headR.code === 0 ? headR.stdout.trim().split(' ')[1] : undefined,
      // A shallow clone's history stops at its boundary: there, which tags HEAD contains is unknown, not "none".
      tags: parseTags(tagsR.stdout, mergedR.code === 0 && !shallow ? new Set(mergedR.stdout.split('\n')) : undefined),
    };
  });
  const history = early.then(
    (e) => (e ? { head: e.head, prefix: e.prefix, tags: e.tags } : undefined),
    () => undefined,
  );
  const facts = (async (): Promise<RepoFacts> => {
    const [topR, , statusR, tagsR, , remoteR] = await Promise.all([top, head, status, tags, merged, remote]);
    const where = workTree(topR);
    if (!where) return NOT_A_REPO;
    if (statusR.code !== 0) throw new ExecError('git status --porcelain', statusR.code, statusR.stderr);
    if (tagsR.code !== 0) throw new ExecError('git show-ref --tags', tagsR.code, tagsR.stderr);
    const e = (await early)!;
    return {
      isRepo: true,
      head: e.head,
      headTime: e.headTime,
      branch: await branchOf(root, where.headRef),
      shallow: e.shallow,
      dirty: statusR.stdout.split('\0').filter((entry) => /^[ A-Z?!]{2} ./.test(entry)).map((entry) => entry.slice(3)),
      tags: e.tags,
      remoteUrl: remoteR.code === 0 ? withoutUserinfo(remoteR.stdout.trim()) : undefined,
      prefix: e.prefix,
    };
  })();
  return { facts, history };
}

/**
 * What `git rev-parse --is-inside-work-tree --is-shallow-repository
 * --show-prefix --symbolic-full-name HEAD --` says; undefined outside a
 * repository. Before the first commit git prints the first three answers,
 * then fails on HEAD: a repository, whose HEAD ref is unknown here.
 */
function workTree(r: GitResult): { shallow: boolean; prefix: string; headRef?: string } | undefined {
  const lines = r.stdout.split('\n');
  if (r.code !== 0 && lines.length < 4) return undefined;
  return { shallow: lines[1]?.trim() === 'true', prefix: (lines[2] ?? '').trim(), headRef: r.code === 0 ? lines[3]?.trim() : undefined };
}

/**
 * The branch HEAD is on, from rev-parse's HEAD ref: refs/heads/<branch>, or
 * HEAD itself when detached. Anything else — no answer before the first
 * commit, none when a ref named HEAD makes it ambiguous, a HEAD pointing
 * outside refs/heads — is asked of `git symbolic-ref`, as it always was.
 */
async function branchOf(root: string, headRef: string | undefined): Promise<string | undefined> {
  if (headRef === 'HEAD') return undefined;
  if (headRef?.startsWith('refs/heads/')) return headRef.slice('refs/heads/'.length);
  const r = await runGit(root, ['symbolic-ref', '-q', '--short', 'HEAD']);
  return r.code === 0 ? r.stdout.trim() : undefined;
}

/** `f()`, or what it threw: a git runner that throws at once must fail the promise, not the caller. */
function attempt<T>(f: () => T): T | { error: unknown } {
  try {
    return f();
  } catch (error) {
    return { error };
  }
}

/**
 * Tags from `git show-ref --tags [-d]`: "<object> refs/tags/<name>" lines,
 * each annotated tag followed by "<commit> refs/tags/<name>^{}", its peeled
 * commit (no tag name can contain "^" or a space).
 */
function parseTags(listing: string, reachable: ReadonlySet<string> | undefined): TagRef[] {
  const out: TagRef[] = [];
  let end: number;
  for (let start = 0; start < listing.length; start = end + 1) {
    end = listing.indexOf('\n', start);
    if (end === -1) end = listing.length;
    const space = listing.indexOf(' ', start);
    if (space === -1 || space > end) continue;
    const object = listing.slice(start, space);
    const ref = listing.slice(space + 1 + 'refs/tags/'.length, end);
    if (ref.endsWith('^{}')) {
      const last = out.at(-1);
      if (last && last.name === ref.slice(0, -3)) last.commit = object;
      continue;
    }
    out.push(reachable ? { name: ref, commit: object, reachable: reachable.has(ref) } : { name: ref, commit: object });
  }
  return out;
}

/**
 * Every tag with its commit. `git show-ref -d` takes an annotated tag's
 * commit from packed-refs when git stored it there (a clone, `git gc`), where
 * `git for-each-ref %(*objectname)` reads every tag's object: ~6 ms instead of
 * ~80 ms for 20,000 tags. No tags at all is exit code 1 for show-ref, with
 * nothing said: an empty list. When show-ref fails, for-each-ref lists them
 * the slower way; and when a tag's object is missing (a shallow clone), the
 * unpeeled list (such tags count as "history unknown" rather than failing
 * the command).
 */
async function listTags(root: string): Promise<GitResult> {
  const fast = await runGit(root, ['show-ref', '--tags', '-d']);
  if (fast.code === 0 || (fast.code === 1 && fast.stdout === '' && fast.stderr === '')) return { ...fast, code: 0 };
  // show-ref stops at the first broken ref (an empty ref file after a crash); for-each-ref skips it
  // with a warning and peels the rest, reading each tag object, in show-ref's format.
  const peeled = await runGit(root, ['for-each-ref', '--format=%(objectname) %(refname)%(if)%(*objectname)%(then)%0a%(*objectname) %(refname)^{}%(end)', 'refs/tags']);
  if (peeled.code === 0) return peeled;
  // A tag whose object a shallow clone lacks cannot be peeled at all.
  return runGit(root, ['for-each-ref', '--format=%(objectname) %(refname)', 'refs/tags']);
}

/**
 * Files changed between each given commit and HEAD, in one `git diff-tree
 * --stdin` process for all of them (a repo with 200 components must not cost
 * 200 processes), or two for many commits. Commits absent from a shallow
 * clone come back as undefined.
 */
export async function changedFilesSince(root: string, head: string, commits: readonly string[], prefix = ''): Promise<Map<string, string[] | undefined>> {
  const unique = [...new Set(commits)];
  if (unique.length < SPLIT_AT) return changedFilesOf(root, head, unique, prefix);
  // Each commit's diff is its own: two processes, each taking every other commit (old and new ones
  // alike), run on two cores while lanes waits for them. Diffing dozens of commits against a large
  // tree is the longest wait of `status`.
  const halves = [unique.filter((_, i) => i % 2 === 0), unique.filter((_, i) => i % 2 === 1)];
  const [even, odd] = await Promise.all(halves.map((half) => changedFilesOf(root, head, half, prefix)));
  const result = new Map<string, string[] | undefined>();
  for (const c of unique) result.set(c, even!.has(c) ? even!.get(c) : odd!.get(c));
  return result;
}

/** How many distinct release commits make changedFilesSince diff in two processes instead of one. */
const SPLIT_AT = 8;

async function changedFilesOf(root: string, head: string, unique: readonly string[], prefix: string): Promise<Map<string, string[] | undefined>> {
  const result = new Map<string, string[] | undefined>();
  if (unique.length === 0) return result;
  // --always prints each commit's line even when nothing changed; a commit git does not have prints none and stays undefined.
  const out = await runGit(root, ['diff-tree', '--stdin', '--always', '-r', '--name-only', '--no-renames', '-z'], unique.map((c) => `${c} ${head}\n`).join(''));
  if (out.code !== 0) return changedFilesOfPresent(root, head, unique, prefix);
  const wanted = new Set(unique);
  let current: string[] | undefined;
  for (const field of out.stdout.split('\0')) {
    if (!field) continue;
    // A commit line is one of the names asked about (40 hex digits, or 64 in a SHA-256 repository).
    if (wanted.has(field) && !result.has(field)) {
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
    if (result.has(field)) {
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
