import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { createHash } from 'node:crypto';

/**
 * The hostile-input corpus: one case per file under test/hostile/cases/, in a
 * txtar-like format. A header of `key: value` lines says how to run the case and
 * what must come out; `-- path --` sections are the files of the temp repo
 * (`$OUT/path` puts one outside it, for symlinks to point at), and
 * `-- after: path --` the content a successful bump must leave.
 *
 * Header keys (those marked [n] may repeat):
 *   base: <name>        start from test/hostile/bases/<name>.txt
 *   args: <words>       the command line; `$DIR` is the repo, `$OUT` the outside dir;
 *                       `--source $DIR` is appended unless the args name --source or `nosource: yes`
 *   exit: 0|1|2         the expected exit code
 *   code: E_…|commander the code the error names (`commander`: commander's own usage error, exit 2)
 *   stderr, stdout, out [n]: text that must appear there (out: either)
 *   changed: <paths>    files a successful bump must change (every other file must stay as it was)
 *   process: yes        run the real bin in a child process, killed after a time limit (hang guard)
 *   git: yes            make the repo a git repository with one commit; tag [n]: <name> tags it
 *   symlink [n]: <link> -> <target>   fifo [n]: <path>   mkdir [n]: <path>   chmod [n]: <path> <octal>
 *   bytes [n]: <path> <count> <text>  a file of <text> repeated to <count> characters
 *   crlf [n]: <path>     rewrite that file with CRLF line endings
 */
export interface Case {
  name: string;
  args: string[];
  nosource: boolean;
  exit: number;
  code?: string;
  stderr: string[];
  stdout: string[];
  out: string[];
  changed: string[];
  process: boolean;
  git: boolean;
  tags: string[];
  files: Record<string, string>;
  after: Record<string, string>;
  symlinks: [string, string][];
  fifos: string[];
  dirs: string[];
  chmods: [string, number][];
  bytes: [string, number, string][];
  crlf: string[];
}

export const HOSTILE_DIR = import.meta.dirname;

function parseTxtar(text: string): { header: [string, string][]; sections: [string, string][] } {
  const lines = text.split('\n');
  const header: [string, string][] = [];
  const sections: [string, string][] = [];
  let current: { name: string; lines: string[] } | undefined;
  const close = () => current && sections.push([current.name, current.lines.join('')]);
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!;
    const section = /^-- (.+) --$/.exec(line);
    if (section) {
      close();
      current = { name: section[1]!, lines: [] };
    } else if (current) {
      // Every line of a section ends with a newline, except a last line the file did not end.
      if (n < lines.length - 1) current.lines.push(`${line}\n`);
      else if (line !== '') current.lines.push(line);
    } else if (line.trim() && !line.startsWith('#')) {
      const m = /^([a-z]+):\s?(.*)$/.exec(line);
      if (!m) throw new Error(`bad header line: ${line}`);
      header.push([m[1]!, m[2]!]);
    }
  }
  close();
  return { header, sections };
}

/** Splits a command line on spaces; '…' keeps spaces (and '' is an empty argument). */
function splitArgs(line: string): string[] {
  const out: string[] = [];
  for (const m of line.matchAll(/'([^']*)'|(\S+)/g)) out.push(m[1] ?? m[2]!);
  return out;
}

export function loadCase(file: string): Case {
  const { header, sections } = parseTxtar(readFileSync(file, 'utf8'));
  const c: Case = {
    name: relative(join(HOSTILE_DIR, 'cases'), file),
    args: [], nosource: false, exit: 0, stderr: [], stdout: [], out: [], changed: [], process: false, git: false, tags: [],
    files: {}, after: {}, symlinks: [], fifos: [], dirs: [], chmods: [], bytes: [], crlf: [],
  };
  let hasExit = false;
  for (const [key, value] of header) {
    switch (key) {
      case 'base': {
        const base = parseTxtar(readFileSync(join(HOSTILE_DIR, 'bases', `${value}.txt`), 'utf8'));
        for (const [path, content] of base.sections) c.files[path] = content;
        break;
      }
      case 'args': c.args = splitArgs(value); break;
      case 'nosource': c.nosource = value === 'yes'; break;
      case 'exit': c.exit = Number(value); hasExit = true; break;
      case 'code': c.code = value; break;
      case 'stderr': c.stderr.push(value); break;
      case 'stdout': c.stdout.push(value); break;
      case 'out': c.out.push(value); break;
      case 'changed': c.changed.push(...value.split(/\s+/).filter(Boolean)); break;
      case 'process': c.process = value === 'yes'; break;
      case 'git': c.git = value === 'yes'; break;
      case 'tag': c.tags.push(value); c.git = true; break;
      case 'symlink': { const [l, t] = value.split(' -> '); c.symlinks.push([l!, t!]); break; }
      case 'fifo': c.fifos.push(value); break;
      case 'mkdir': c.dirs.push(value); break;
      case 'chmod': { const [p, mode] = value.split(' '); c.chmods.push([p!, parseInt(mode!, 8)]); break; }
      case 'bytes': { const [p, count, ...text] = value.split(' '); c.bytes.push([p!, Number(count), text.join(' ')]); break; }
      case 'crlf': c.crlf.push(value); break;
      default: throw new Error(`${file}: unknown header key "${key}"`);
    }
  }
  if (!hasExit) throw new Error(`${file}: say the expected exit: code`);
  if (c.args.length === 0) throw new Error(`${file}: no args:`);
  for (const [name, content] of sections) {
    if (name.startsWith('after: ')) c.after[name.slice(7)] = content;
    else if (content === '' && name.endsWith(' (delete)')) delete c.files[name.slice(0, -9)];
    else c.files[name] = content;
  }
  return c;
}

export function allCases(): Case[] {
  const out: Case[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.isDirectory()) walk(join(dir, e.name));
      else if (e.name.endsWith('.txt')) out.push(loadCase(join(dir, e.name)));
    }
  };
  walk(join(HOSTILE_DIR, 'cases'));
  return out;
}

const GIT_ENV = { GIT_AUTHOR_NAME: 'T', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 'T', GIT_COMMITTER_EMAIL: 't@example.com', GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z', GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z' };

/** Builds the case's temp repo (and the outside directory its symlinks may point into). */
export function materialise(c: Case): { dir: string; out: string } {
  const dir = mkdtempSync(join(tmpdir(), 'lanes-hostile-'));
  const out = mkdtempSync(join(tmpdir(), 'lanes-hostile-out-'));
  const place = (path: string) => (path.startsWith('$OUT/') ? join(out, path.slice(5)) : join(dir, path));
  for (const [path, content] of Object.entries(c.files)) {
    mkdirSync(dirname(place(path)), { recursive: true });
    writeFileSync(place(path), content);
  }
  for (const [path, count, text] of c.bytes) {
    mkdirSync(dirname(place(path)), { recursive: true });
    writeFileSync(place(path), text.repeat(Math.ceil(count / Math.max(text.length, 1))).slice(0, count));
  }
  for (const path of c.crlf) writeFileSync(place(path), readFileSync(place(path), 'utf8').replace(/\r?\n/g, '\r\n'));
  for (const path of c.dirs) mkdirSync(place(path), { recursive: true });
  for (const path of c.fifos) {
    mkdirSync(dirname(place(path)), { recursive: true });
    execFileSync('mkfifo', [place(path)]);
  }
  for (const [link, target] of c.symlinks) {
    mkdirSync(dirname(place(link)), { recursive: true });
    symlinkSync(target.replaceAll('$OUT', out).replaceAll('$DIR', dir), place(link));
  }
  if (c.git) {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, env: { ...process.env, ...GIT_ENV }, stdio: 'pipe' });
    git('init', '-q', '-b', 'main');
    // A FIFO cannot be added to git; everything else is committed as found.
    git('add', '-A', '--ignore-errors', '.');
    git('commit', '-q', '--allow-empty', '-m', 'initial');
    for (const tag of c.tags) git('tag', tag);
  }
  for (const [path, mode] of c.chmods) chmodSync(place(path), mode);
  return { dir, out };
}

/** Every entry of the tree (but .git) with its type and content hash: compared before and after a case. */
export function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string) => {
    for (const name of readdirSync(join(dir, rel))) {
      if (rel === '' && name === '.git') continue;
      const path = rel ? `${rel}/${name}` : name;
      const st = lstatSync(join(dir, path));
      if (st.isSymbolicLink()) out.set(path, `link:${readlinkSync(join(dir, path))}`);
      else if (st.isDirectory()) {
        out.set(path, 'dir');
        walk(path);
      } else if (st.isFile()) out.set(path, `file:${(st.mode & 0o777).toString(8)}:${createHash('sha256').update(readFileSync(join(dir, path))).digest('hex')}`);
      else out.set(path, `special:${st.mode.toString(8)}`);
    }
  };
  if (existsSync(dir)) walk('');
  return out;
}

export function resolveArgs(c: Case, dir: string, out: string): string[] {
  const args = c.args.map((a) => a.replaceAll('$DIR', dir).replaceAll('$OUT', out));
  return c.nosource || c.args.includes('--source') ? args : [...args, '--source', dir];
}
