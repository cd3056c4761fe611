import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SyntheticOptions {
  components: number;
  filesPerComponent: number;
  commits: number;
  /** Components changed after their last release (they need a bump). */
  changedAfterRelease: number;
  registry: string;
  namespace: string;
}

const FORMATS = ['python', 'package-json', 'pyproject', 'cargo-toml', 'chart-yaml', 'plain', 'regex'] as const;

const name = (i: number) => `c${String(i).padStart(3, '0')}`;

/** The version file(s) of component i at `version`, in its format. */
function versionFiles(i: number, version: string): Record<string, string> {
  const dir = `components/${name(i)}`;
  switch (FORMATS[i % FORMATS.length]) {
    case 'python':
      return { [`${dir}/version.py`]: `"""${name(i)}."""\n__version__ = "${version}"\n` };
    case 'package-json':
      return { [`${dir}/package.json`]: `{\n  "name": "${name(i)}",\n  "version": "${version}"\n}\n` };
    case 'pyproject':
      return { [`${dir}/pyproject.toml`]: `[project]\nname = "${name(i)}"\nversion = "${version}"\n` };
    case 'cargo-toml':
      return {
        [`${dir}/Cargo.toml`]: `[package]\nname = "${name(i)}"\nversion = "${version}"\n`,
        [`${dir}/Cargo.lock`]: `version = 4\n\n[[package]]\nname = "${name(i)}"\nversion = "${version}"\n`,
      };
    case 'chart-yaml':
      return { [`${dir}/VERSION`]: `${version}\n`, [`${dir}/helm/Chart.yaml`]: `apiVersion: v2\nname: ${name(i)}-chart\nversion: ${version}\nappVersion: "${version}"\n` };
    case 'plain':
      return { [`${dir}/VERSION`]: `${version}\n` };
    default:
      return { [`${dir}/build.gradle`]: `version = '${version}'\n` };
  }
}

function lanesYaml(o: SyntheticOptions): string {
  const lines = [
    'project: synthetic',
    'registries:',
    `  dev:     { images: ${o.registry}/${o.namespace}-dev, charts: "oci://${o.registry}/${o.namespace}-dev-charts" }`,
    `  release: { images: ${o.registry}/${o.namespace}, charts: "oci://${o.registry}/${o.namespace}-charts" }`,
    'release:',
    `  versionOf: ${name(0)}`,
    'components:',
  ];
  for (let i = 0; i < o.components; i++) {
    const files = Object.keys(versionFiles(i, '0.0.0')).filter((f) => !f.endsWith('Chart.yaml'));
    const format = FORMATS[i % FORMATS.length];
    const fileList = files.map((f) => (format === 'regex' ? `{ file: ${f}, format: regex, pattern: "version = '(?<version>[^']+)'" }` : f)).join(', ');
    lines.push(`  - name: ${name(i)}`, `    path: components/${name(i)}`, `    version: { files: [${fileList}] }`);
    if (i % 2 === 0) lines.push(`    image: { name: ${name(i)} }`);
    if (format === 'chart-yaml') lines.push(`    chart: { path: components/${name(i)}/helm }`);
  }
  return lines.join('\n') + '\n';
}

/**
 * Writes a synthetic monorepo as one `git fast-import` stream: `components`
 * components of mixed version formats, `filesPerComponent` files each,
 * `commits` commits, three releases (tags) per component, and some
 * components changed after their last release. Returns its path.
 */
export function generateMonorepo(dir: string, o: SyntheticOptions): string {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  execFileSync('git', ['init', '-q', '-b', 'main', dir]);
  const out: string[] = [];
  let mark = 0;
  let time = 1_700_000_000;
  const blob = (content: string) => {
    mark++;
    out.push(`blob\nmark :${mark}\ndata ${Buffer.byteLength(content)}\n${content}\n`);
    return mark;
  };
  let lastCommit = 0;
  const commit = (message: string, files: Record<string, string>) => {
    const blobs = Object.entries(files).map(([path, content]) => [path, blob(content)] as const);
    mark++;
    time += 60;
    out.push(`commit refs/heads/main\nmark :${mark}\ncommitter Bench <bench@example.com> ${time} +0000\ndata ${Buffer.byteLength(message)}\n${message}\n`);
    if (lastCommit) out.push(`from :${lastCommit}\n`);
    for (const [path, b] of blobs) out.push(`M 100644 :${b} ${path}\n`);
    out.push('\n');
    lastCommit = mark;
    return mark;
  };
  const tag = (tagName: string, at: number) => out.push(`reset refs/tags/${tagName}\nfrom :${at}\n\n`);

  // Commit 1: every file, every component at 1.0.0, and lanes.yaml.
  const initial: Record<string, string> = { 'lanes.yaml': lanesYaml(o), '.gitignore': '.lanes/\n' };
  for (let i = 0; i < o.components; i++) {
    Object.assign(initial, versionFiles(i, '1.0.0'));
    if (i % 2 === 0) initial[`components/${name(i)}/Dockerfile`] = 'FROM scratch\nCOPY . /app\n';
    for (let f = 0; f < o.filesPerComponent; f++) initial[`components/${name(i)}/src/file_${f}.txt`] = `${name(i)} file ${f}\n`;
  }
  commit('initial', initial);

  // Three release rounds spread over the history; ordinary commits in between.
  const rounds = [0.1, 0.45, 0.8].map((r) => Math.floor(r * o.commits));
  const releaseAt = new Map<number, [number, string]>();
  rounds.forEach((start, r) => {
    for (let i = 0; i < o.components; i++) releaseAt.set(start + i, [i, `1.${r}.0`]);
  });
  for (let n = 1; n < o.commits; n++) {
    const release = releaseAt.get(n);
    if (release) {
      const [i, version] = release;
      const c = commit(`release ${name(i)} ${version}`, version === '1.0.0' ? {} : versionFiles(i, version));
      tag(`${name(i)}-v${version}`, c);
      if (i === 0) tag(`v${version}`, c);
      continue;
    }
    // After the last round, only the first `changedAfterRelease` components change.
    const afterLast = n > rounds[2]! + o.components;
    const i = afterLast ? n % o.changedAfterRelease : (n * 7) % o.components;
    commit(`change ${name(i)}`, { [`components/${name(i)}/src/file_${n % o.filesPerComponent}.txt`]: `${name(i)} change ${n}\n` });
  }
  execFileSync('git', ['fast-import', '--quiet'], { cwd: dir, input: out.join(''), maxBuffer: 1 << 30 });
  execFileSync('git', ['checkout', '-q', '-f', 'main'], { cwd: dir });
  writeFileSync(join(dir, '.git', 'description'), 'synthetic lanes benchmark monorepo\n');
  return dir;
}
