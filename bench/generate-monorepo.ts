import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SyntheticOptions {
  components: number;
  filesPerComponent: number;
  commits: number;
  /** Release rounds: each tags every component once, so tags = rounds × components (plus a product tag per round). */
  releaseRounds: number;
  /** Components released by one commit of a round (CI releasing a batch): fewer distinct release commits. */
  componentsPerReleaseCommit: number;
  /** Components changed after their last release (they need a bump). */
  changedAfterRelease: number;
  registry: string;
  namespace: string;
  /**
   * 'lanes': seven version-file formats, lightweight `{component}-v{version}`
   * tags and product tags `v{version}`. 'npm': an npm-workspaces repo as
   * lerna keeps it (a package.json per component, lerna.json, annotated
   * `<name>@<version>` tags), read by lanes through `componentTag`.
   */
  flavour?: 'lanes' | 'npm';
}

const FORMATS = ['python', 'package-json', 'pyproject', 'cargo-toml', 'chart-yaml', 'plain', 'regex'] as const;

export const componentName = (i: number) => `c${String(i).padStart(4, '0')}`;
const name = componentName;

/** The version file(s) of component i at `version`, in its format. */
function versionFiles(i: number, version: string, flavour: 'lanes' | 'npm'): Record<string, string> {
  const dir = `components/${name(i)}`;
  if (flavour === 'npm') return { [`${dir}/package.json`]: `{\n  "name": "${name(i)}",\n  "version": "${version}"\n}\n` };
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
  const flavour = o.flavour ?? 'lanes';
  const lines = [
    'project: synthetic',
    'registries:',
    `  dev:     { images: ${o.registry}/${o.namespace}-dev, charts: "oci://${o.registry}/${o.namespace}-dev-charts" }`,
    `  release: { images: ${o.registry}/${o.namespace}, charts: "oci://${o.registry}/${o.namespace}-charts" }`,
    'release:',
    flavour === 'npm' ? '  componentTag: "{component}@{version}"' : `  versionOf: ${name(0)}`,
    'components:',
  ];
  for (let i = 0; i < o.components; i++) {
    const files = Object.keys(versionFiles(i, '0.0.0', flavour)).filter((f) => !f.endsWith('Chart.yaml'));
    const format = flavour === 'npm' ? 'package-json' : FORMATS[i % FORMATS.length];
    const fileList = files.map((f) => (format === 'regex' ? `{ file: ${f}, format: regex, pattern: "version = '(?<version>[^']+)'" }` : f)).join(', ');
    lines.push(`  - name: ${name(i)}`, `    path: components/${name(i)}`, `    version: { files: [${fileList}] }`);
    if (i % 2 === 0) lines.push(`    image: { name: ${name(i)} }`);
    if (format === 'chart-yaml') lines.push(`    chart: { path: components/${name(i)}/helm }`);
  }
  return lines.join('\n') + '\n';
}

/**
 * Writes a synthetic monorepo as one `git fast-import` stream: `components`
 * components, `filesPerComponent` files each, `commits` commits, and
 * `releaseRounds` release rounds spread over the history, each tagging every
 * component (a batch of components per release commit). After the last
 * round only the first `changedAfterRelease` components change. Returns its path.
 */
export function generateMonorepo(dir: string, o: SyntheticOptions): string {
  const flavour = o.flavour ?? 'lanes';
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
  const tag = (tagName: string, at: number) => {
    // lerna writes annotated tags (and `git describe` only sees those); lanes' own CI tags are lightweight here.
    if (flavour === 'npm') out.push(`tag ${tagName}\nfrom :${at}\ntagger Bench <bench@example.com> ${time} +0000\ndata ${tagName.length}\n${tagName}\n`);
    else out.push(`reset refs/tags/${tagName}\nfrom :${at}\n\n`);
  };
  const tagName = (i: number, version: string) => (flavour === 'npm' ? `${name(i)}@${version}` : `${name(i)}-v${version}`);

  // Commit 1: every file, every component at 1.0.0, and lanes.yaml.
  const initial: Record<string, string> = { 'lanes.yaml': lanesYaml(o), '.gitignore': '.lanes/\nnode_modules/\n' };
  if (flavour === 'npm') {
    initial['package.json'] = `{\n  "name": "synthetic",\n  "private": true,\n  "workspaces": ["components/*"]\n}\n`;
    initial['lerna.json'] = `{\n  "version": "independent",\n  "packages": ["components/*"],\n  "npmClient": "npm"\n}\n`;
  }
  for (let i = 0; i < o.components; i++) {
    Object.assign(initial, versionFiles(i, '1.0.0', flavour));
    if (i % 2 === 0) initial[`components/${name(i)}/Dockerfile`] = 'FROM scratch\nCOPY . /app\n';
    for (let f = 0; f < o.filesPerComponent; f++) initial[`components/${name(i)}/src/file_${f}.txt`] = `${name(i)} file ${f}\n`;
  }
  commit('initial', initial);

  // Release rounds spread over 5%..90% of the history; ordinary commits in between.
  const perRound = Math.ceil(o.components / o.componentsPerReleaseCommit);
  const spacing = Math.floor((0.85 * o.commits) / o.releaseRounds);
  if (spacing < perRound) throw new Error(`${o.releaseRounds} rounds of ${perRound} release commits do not fit in ${o.commits} commits`);
  const releaseAt = new Map<number, { components: number[]; version: string }>();
  for (let r = 0; r < o.releaseRounds; r++) {
    const start = Math.floor(0.05 * o.commits) + r * spacing;
    for (let k = 0; k < perRound; k++) {
      const components = Array.from({ length: o.componentsPerReleaseCommit }, (_, j) => k * o.componentsPerReleaseCommit + j).filter((i) => i < o.components);
      releaseAt.set(start + k, { components, version: `1.${r}.0` });
    }
  }
  const lastRoundEnd = Math.floor(0.05 * o.commits) + (o.releaseRounds - 1) * spacing + perRound;
  for (let n = 1; n < o.commits; n++) {
    const release = releaseAt.get(n);
    if (release) {
      const files = release.version === '1.0.0' ? {} : Object.assign({}, ...release.components.map((i) => versionFiles(i, release.version, flavour)));
      const c = commit(`release ${release.components.map(name).join(' ')} ${release.version}`, files);
      for (const i of release.components) {
        tag(tagName(i, release.version), c);
        if (i === 0 && flavour === 'lanes') tag(`v${release.version}`, c);
      }
      continue;
    }
    const i = n > lastRoundEnd ? n % o.changedAfterRelease : (n * 7) % o.components;
    commit(`change ${name(i)}`, { [`components/${name(i)}/src/file_${n % o.filesPerComponent}.txt`]: `${name(i)} change ${n}\n` });
  }
  execFileSync('git', ['fast-import', '--quiet'], { cwd: dir, input: out.join(''), maxBuffer: 1 << 30 });
  // Refs packed, as a clone (CI's checkout, a developer's fresh clone) or git's own auto-gc leaves them; 20,000 loose ref files would measure the file system.
  execFileSync('git', ['pack-refs', '--all'], { cwd: dir });
  execFileSync('git', ['checkout', '-q', '-f', 'main'], { cwd: dir });
  writeFileSync(join(dir, '.git', 'description'), 'synthetic lanes benchmark monorepo\n');
  return dir;
}
