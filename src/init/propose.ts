import { posix } from 'node:path';
import { tagTemplateClashes } from '../git/tag-template.js';
import type { VersionFormatName } from '../config/schema.js';
import { inferFormat } from '../versions/format-registry.js';
import { repositoryName, splitImageRef, type FoundChart, type FoundCompose, type FoundService, type FoundVersionFile, type ScanResult } from './scan.js';
import { proposeTags } from './tags.js';

/**
 * From what scan.ts found, the lanes.yaml `lanes init` proposes, with a reason
 * for each decision and a note for each thing it could not decide. Pure.
 *
 * Components: every directory with a Dockerfile or a version file of its own
 * (python `__version__`/`*_VERSION`, package.json, pyproject.toml, Cargo.toml,
 * tauri.conf.json, VERSION) is one; a directory inside another merges into it
 * when their versions agree and they do not both build an image
 * (dsxa_desktop/src-tauri into dsxa_desktop). Charts, compose files and env
 * pins belong to the component whose directory holds them, else to the
 * component whose image they name. A compose service whose image no component
 * builds is an external component.
 *
 * Naming rule: a component is named after the image repository the repository
 * already uses for it (values.yaml image.repository, a compose default image,
 * an env pin: its last path part), else its package name (package.json,
 * pyproject.toml, Cargo.toml), else its chart's name without "-chart", else
 * its directory ("_" written "-"). An image is named like its component.
 */

export type ProposedVersionFile = string | { file: string; format?: VersionFormatName; key?: string; pattern?: string; variable?: string; package?: string };

export interface ProposedComponent {
  name: string;
  path?: string;
  version?: { file: ProposedVersionFile } | { files: ProposedVersionFile[] };
  image?: { name: string; dockerfile?: string; context?: string };
  chart?: { path: string; values?: { repository: string; tag: string; pullPolicy: string } };
  compose?: { file: string; role: 'core' | 'connector' | 'optional'; flag?: string; imageVar?: string };
  external?: { image: string };
  tag?: string;
}

export interface ProposedConfig {
  project: string;
  release: { tag: string; versionOf?: string; componentTag: string; github?: string };
  compose?: { network?: string };
  components: ProposedComponent[];
}

/** Something init could not decide, at a YAML path of the proposal (`components[2]`, `release`, `registries`, or '' for the whole). */
export interface InitNote {
  at: string;
  message: string;
}

/** A component init found but cannot propose as is (it would make lanes.yaml invalid): written commented out. */
export interface ParkedComponent {
  component: ProposedComponent;
  reason: string;
}

export interface Proposal {
  config: ProposedConfig;
  /** Why a value was chosen, by YAML path (`components[0]`, `components[0].chart`, `release.tag`). */
  why: Record<string, string>;
  notes: InitNote[];
  parked: ParkedComponent[];
  /** Registries cannot be guessed; what the repository's image references suggest, written commented out. */
  registryHint?: { images: string; charts: string };
}

export interface RepoInfo {
  /** The monorepo directory's own name, the last resort for `project`. */
  dirName: string;
  /** `git remote get-url origin`, when there is one. */
  remoteUrl?: string;
}

const PRIMARY: readonly VersionFormatName[] = ['python', 'pyproject', 'package-json', 'cargo-toml', 'tauri-conf', 'plain', 'regex'];

interface Candidate {
  dir: string;
  dockerfile?: string;
  versionFiles: FoundVersionFile[];
  version?: string;
  chart?: FoundChart;
  compose?: { file: FoundCompose; service: FoundService };
  extraFiles: ProposedVersionFile[];
  name: string;
  aliases: string[];
  why: string[];
  notes: string[];
  parkedChart?: { chart: FoundChart; reason: string };
}

export function propose(scan: ScanResult, repo: RepoInfo): Proposal {
  const notes: InitNote[] = [];
  const general = (message: string) => notes.push({ at: '', message });
  for (const s of scan.skipped) general(`${s.file}: ${s.reason}`);

  // 1. A candidate per directory with a Dockerfile or a version file of its own.
  const byDir = new Map<string, Candidate>();
  const candidate = (dir: string) => {
    let c = byDir.get(dir);
    if (!c) byDir.set(dir, (c = { dir, versionFiles: [], extraFiles: [], name: '', aliases: [], why: [], notes: [] }));
    return c;
  };
  for (const file of scan.dockerfiles) candidate(posix.dirname(file)).dockerfile = file;
  const secondary: FoundVersionFile[] = [];
  for (const v of scan.versionFiles) {
    if (PRIMARY.includes(v.format)) candidate(posix.dirname(v.file)).versionFiles.push(v);
    else secondary.push(v);
  }
  for (const c of byDir.values()) settleVersion(c);

  // 2. A directory inside another merges into it (a desktop app's src-tauri), unless both build images or their versions differ.
  const dirs = [...byDir.keys()].sort((a, b) => depth(a) - depth(b) || a.localeCompare(b));
  for (const dir of dirs) {
    const child = byDir.get(dir)!;
    // The root takes in a directory only when that builds no image (a package's __init__.py), else every service would merge into it.
    const parent = nearest(dir, byDir, (d) => d !== dir && (d !== '.' || !child.dockerfile));
    if (!parent) continue;
    const bothBuild = child.dockerfile && parent.dockerfile;
    const versionsDiffer = child.version && parent.version && child.version !== parent.version;
    if (bothBuild || versionsDiffer) {
      parent.notes.push(`${dir} is inside ${parent.dir} but is its own component (${bothBuild ? 'both build an image' : `versions ${child.version} and ${parent.version}`}); ${parent.dir}'s path covers its files too, so a change there also counts as a change of the outer one: narrow path with sources: if that is wrong`);
      continue;
    }
    parent.dockerfile ??= child.dockerfile;
    parent.versionFiles.push(...child.versionFiles);
    parent.version ??= child.version;
    byDir.delete(dir);
  }
  const owner = (path: string) => nearest(path, byDir, () => true);

  // 3. Charts in a component's directory are its chart.
  const looseCharts: FoundChart[] = [];
  for (const chart of scan.charts) {
    const c = owner(chart.path);
    if (c && !c.chart) c.chart = chart;
    else looseCharts.push(chart);
  }

  // 4. Names: from the image the repository already uses for it, its package, its chart, its directory.
  for (const c of byDir.values()) nameCandidate(c, scan);
  for (const chart of looseCharts) {
    const stem = chartStem(chart.name);
    const image = chart.imageRepository ? slug(repositoryName(splitImageRef(chart.imageRepository).repository)) : undefined;
    const match = [...byDir.values()].find((c) => !c.chart && (c.name === stem || (image && c.name === image)));
    if (match) {
      match.chart = chart;
      match.why.push(`chart ${chart.path}: named after it`);
    } else {
      const c = candidate(chart.path);
      c.chart = chart;
      c.name = image ?? stem;
      c.why.push(`a chart of its own (${chart.name})`);
    }
  }
  uniqueNames([...byDir.values()]);

  // 5. A chart's Chart.yaml is a version file: it must agree, or the chart waits for the user.
  for (const c of byDir.values()) {
    const chart = c.chart;
    if (!chart) continue;
    const chartVersions = [...new Set([chart.version, chart.appVersion].filter((v): v is string => v !== undefined))];
    if (!c.version && chartVersions.length === 1 && chart.version) {
      c.version = chart.version;
      c.versionFiles.push({ file: posix.join(chart.path, 'Chart.yaml'), format: 'chart-yaml', version: chart.version });
      c.why.push(`version from ${chart.path}/Chart.yaml (no other version file)`);
    } else if (c.version && chartVersions.some((v) => v !== c.version)) {
      c.parkedChart = { chart, reason: `${chart.path}/Chart.yaml says version ${chart.version ?? '-'}, appVersion ${chart.appVersion ?? '-'}, but ${c.name} is at ${c.version}; lanes keeps a chart's version and appVersion at its component's version: align them (lanes bump ${c.name} --version ${c.version} after adding the chart), then uncomment` };
      c.chart = undefined;
    } else if (!chart.version) {
      c.parkedChart = { chart, reason: `${chart.path}/Chart.yaml has no version:` };
      c.chart = undefined;
    }
  }

  // 6. Secondary version files (lock files) beside a primary one they agree with.
  for (const v of secondary) {
    const c = owner(v.file);
    if (!c || !c.versionFiles.some((p) => posix.dirname(p.file) === posix.dirname(v.file))) continue;
    if (v.version === c.version) c.versionFiles.push(v);
    else c.notes.push(`${v.file} holds ${v.version}, not ${c.version}: not added (align it, then add it to version.files)`);
  }

  // 7. Env pins (sample.core.env: DSXCONNECT_IMAGE=dsxconnect/dsx-connect:0.3.88) of a component's image.
  const built = [...byDir.values()].filter((c) => c.dockerfile && c.version);
  const byImage = new Map(built.map((c) => [c.name, c]));
  for (const pin of scan.envPins) {
    const c = byImage.get(slug(repositoryName(pin.repository)));
    if (!c) continue;
    if (pin.version === c.version) c.extraFiles.push({ file: pin.file, key: pin.key });
    else c.notes.push(`${pin.file} pins ${pin.key}=${pin.repository}:${pin.version}, but ${c.name} is at ${c.version}: not added as a version file (align it, then add { file: ${pin.file}, key: ${pin.key} })`);
  }

  // 8. Compose services: a component's image (its compose file, its image variable, its default pin) or an external image.
  const externals: Candidate[] = [];
  const serviceNames = new Map<Candidate, string[]>();
  for (const compose of scan.composeFiles) {
    let matchedAny = false;
    for (const service of compose.services) {
      const c = serviceComponent(service, compose, byImage, owner);
      if (!c) continue;
      matchedAny = true;
      serviceNames.set(c, [...(serviceNames.get(c) ?? []), service.name]);
      if (c.compose) {
        if (c.compose.file !== compose) c.notes.push(`${compose.file} (service ${service.name}) runs it too; a component has one compose file in lanes.yaml, ${c.compose.file.file} was chosen`);
        continue;
      }
      c.compose = { file: compose, service };
      if (!service.imageVar) c.notes.push(`${compose.file} service ${service.name} has a fixed image (${service.image ?? 'built there'}): compose-up-local cannot point it at the local build; write image: \${${envName(c.name)}_IMAGE:-${service.image ?? c.name}} and set compose.imageVar`);
      const def = service.defaultImage ? splitImageRef(service.defaultImage) : undefined;
      if (service.imageVar && def?.tag && service.defaultOperator) {
        if (def.tag === c.version) {
          c.extraFiles.push({ file: compose.file, format: 'regex', pattern: `${escapeRegex(`${service.imageVar}${service.defaultOperator}${def.repository}:`)}(?<version>[^}]+)\\}` });
        } else c.notes.push(`${compose.file}: the default image of ${service.imageVar} is ${service.defaultImage}, but ${c.name} is at ${c.version}: not added as a version file`);
      }
    }
    if (!matchedAny) {
      const ext = externalFrom(compose, byDir);
      if (ext) externals.push(ext);
    }
  }

  // 9. Components that build an image need a version; without one they are written commented out.
  const parked: ParkedComponent[] = [];
  const components: Candidate[] = [];
  for (const c of byDir.values()) {
    if (c.dockerfile && !c.version) {
      parked.push({ component: toComponent(c, byDir.size), reason: `${c.dockerfile} builds an image but ${c.dir} has no version file lanes can read: add one (a VERSION file holding 0.1.0 will do) to version:, then uncomment` });
      continue;
    }
    if (!c.dockerfile && !c.version && !c.chart) continue;
    components.push(c);
  }

  // 10. Compose roles: the core is the service the others talk to.
  const withCompose = components.filter((c) => c.compose);
  const score = (c: Candidate) =>
    scan.composeFiles.filter((f) => f !== c.compose!.file && (serviceNames.get(c) ?? []).some((s) => new RegExp(`(^|[^A-Za-z0-9_-])${escapeRegex(s)}([^A-Za-z0-9_-]|$)`, 'm').test(f.text))).length;
  const scores = withCompose.map((c) => ({ c, n: score(c) })).sort((a, b) => b.n - a.n);
  let core: Candidate | undefined;
  if (scores.length === 1) core = scores[0]!.c;
  else if (scores.length > 1 && scores[0]!.n > scores[1]!.n) core = scores[0]!.c;
  else if (scores.length > 1) {
    core = withCompose.find((c) => /(^|-)core($|-)/.test(c.name)) ?? withCompose[0];
    core!.notes.push(`compose.role: core was a guess (no service is the one the others talk to); the core file comes first when files are layered`);
  }
  if (core) core.why.push(scores.length > 1 && scores[0]!.n > 0 ? `core: the other compose files talk to its service ${serviceNames.get(core)?.[0]}` : 'compose role core');

  // 11. Project: the remote's name, the root package's name, the core, the directory.
  const remoteName = repo.remoteUrl ? /([^/:]+?)(?:\.git)?\/?$/.exec(repo.remoteUrl)?.[1] : undefined;
  const rootPackage = scan.rootPackageName;
  const project = [remoteName, rootPackage, core?.name, repo.dirName].map((n) => (n ? slug(n) : '')).find((n) => n) || 'project';
  const why: Record<string, string> = { project: remoteName ? 'the name of the origin remote' : rootPackage ? 'the root package\'s name' : core ? 'the core component\'s name' : 'the directory\'s name' };

  // 12. Order: the core first, then by directory, external images last.
  const ordered = [...(core ? [core] : []), ...components.filter((c) => c !== core).sort((a, b) => a.dir.localeCompare(b.dir)), ...externals];
  uniqueNames(ordered);

  // 13. Tags: how the existing history was tagged.
  const tags = proposeTags(
    scan.tags,
    ordered.map((c) => ({ name: c.name, aliases: c.aliases, version: c.version, external: !c.version })),
    core?.name,
  );
  const github = repo.remoteUrl ? /github\.com[:/]([A-Za-z0-9-]+)\/([A-Za-z0-9._-]+?)(?:\.git)?\/?$/.exec(repo.remoteUrl) : undefined;
  const config: ProposedConfig = {
    project,
    release: { tag: tags.tag, ...(tags.versionOf ? { versionOf: tags.versionOf } : {}), componentTag: tags.componentTag, ...(github ? { github: `${github[1]}/${github[2]}` } : {}) },
    components: [],
  };
  why['release.tag'] = tags.why.get('tag')!;
  why['release.componentTag'] = tags.why.get('componentTag')!;
  if (tags.versionOf) why['release.versionOf'] = tags.why.get('versionOf')!;
  if (github) why['release.github'] = 'the origin remote is on GitHub';
  for (const n of tags.notes) notes.push({ at: 'release', message: n });

  // 14. The shared network the compose files expect.
  const networks = [...new Set(ordered.flatMap((c) => c.compose?.file.externalNetworks ?? []))];
  if (networks.length === 1) {
    config.compose = { network: networks[0] };
    why['compose.network'] = 'the external network the compose files declare';
  } else if (networks.length > 1) notes.push({ at: 'compose', message: `the compose files declare several external networks (${networks.join(', ')}); lanes creates one (compose.network): name it, and create the others yourself` });

  ordered.forEach((c, i) => {
    const component = toComponent(c, byDir.size, c === core);
    const own = tags.perComponent.get(c.name);
    if (own) component.tag = own;
    if (tags.why.has(c.name)) c.why.push(tags.why.get(c.name)!);
    config.components.push(component);
    why[`components[${i}]`] = c.why.join('; ');
    for (const n of c.notes) notes.push({ at: `components[${i}]`, message: n });
    if (c.parkedChart) notes.push({ at: `components[${i}]`, message: c.parkedChart.reason });
  });
  resolveTagClashes(config, notes);

  if (config.components.length === 0 && parked.length === 0) return { config, why, notes, parked };
  const registryHint = guessRegistry(scan, ordered);
  notes.push({ at: 'registries', message: 'registries (where push-all-dev and release push) cannot be read from the repository: fill them in before pushing' });
  return { config, why, notes, parked, ...(registryHint ? { registryHint } : {}) };
}

/** A candidate's version: the one most of its version files agree on; the others are left out, with a note. */
function settleVersion(c: Candidate): void {
  if (c.versionFiles.length === 0) return;
  const counts = new Map<string, number>();
  for (const v of c.versionFiles) counts.set(v.version, (counts.get(v.version) ?? 0) + 1);
  const best = [...counts].sort((a, b) => b[1] - a[1])[0]![0];
  // A Dockerfile's ARG VERSION is the last resort: a real version file beside it wins.
  const real = c.versionFiles.filter((v) => v.format !== 'regex');
  const version = real.length && !real.some((v) => v.version === best) ? real[0]!.version : best;
  for (const v of c.versionFiles.filter((f) => f.version !== version)) c.notes.push(`${v.file} holds ${v.version}, not ${version}: left out (lanes requires a component's version files to agree)`);
  c.versionFiles = c.versionFiles.filter((f) => f.version === version && (f.format !== 'regex' || real.length === 0));
  c.version = version;
}

function nameCandidate(c: Candidate, scan: ScanResult): void {
  const mine = (path: string) => path === c.dir || c.dir === '.' || path.startsWith(`${c.dir}/`);
  const images = new Map<string, number>();
  const vote = (repo: string, weight = 1) => {
    const n = slug(repositoryName(splitImageRef(repo).repository));
    if (n) images.set(n, (images.get(n) ?? 0) + weight);
  };
  if (c.dockerfile) {
    if (c.chart?.imageRepository) vote(c.chart.imageRepository, 2);
    for (const f of scan.composeFiles.filter((f) => mine(f.file))) for (const s of f.services) if (s.defaultImage && (s.imageVar || s.builds)) vote(s.defaultImage);
    for (const p of scan.envPins.filter((p) => mine(p.file))) vote(p.repository);
  }
  const image = [...images].sort((a, b) => b[1] - a[1])[0]?.[0];
  const pkg = c.versionFiles.find((v) => v.packageName)?.packageName;
  const dirName = c.dir === '.' ? '' : posix.basename(c.dir);
  const name = image ?? (pkg ? slug(pkg) : undefined) ?? (c.chart ? chartStem(c.chart.name) : undefined) ?? slug(dirName);
  c.name = name || 'app';
  c.why.push(image ? `named after its image ${image} (${c.chart?.imageRepository ? 'values.yaml, ' : ''}compose/env files)` : pkg ? `named after its package ${pkg}` : c.chart ? `named after its chart ${c.chart.name}` : `named after its directory ${dirName || '(root)'}`);
  c.aliases = [...new Set([dirName, slug(dirName), pkg ? slug(pkg) : '', image ?? ''].filter((a) => a && a !== c.name))];
}

/** The component a compose service runs: by its default image, its variable (AWS_S3_CONNECTOR_IMAGE), or building in the component's directory. */
function serviceComponent(service: FoundService, compose: FoundCompose, byImage: Map<string, Candidate>, owner: (p: string) => Candidate | undefined): Candidate | undefined {
  if (service.defaultImage) {
    const c = byImage.get(slug(repositoryName(splitImageRef(service.defaultImage).repository)));
    if (c) return c;
  }
  if (service.imageVar) {
    const stem = slug(service.imageVar.replace(/_IMAGE$/, ''));
    const c = byImage.get(stem) ?? [...byImage.values()].find((x) => slug(x.name).replace(/-/g, '') === stem.replace(/-/g, ''));
    if (c) return c;
  }
  if (service.builds) {
    const c = owner(compose.file);
    if (c && byImage.get(c.name) === c) return c;
  }
  return undefined;
}

/** A compose file no component runs, with an image pinned to a version: a third-party image lanes only pulls. */
function externalFrom(compose: FoundCompose, byDir: Map<string, Candidate>): Candidate | undefined {
  const service = compose.services.find((s) => s.defaultImage && !s.builds && splitImageRef(s.defaultImage).tag);
  if (!service || !/^[A-Za-z0-9_][A-Za-z0-9_./:@-]*$/.test(service.defaultImage!)) return undefined;
  const dir = posix.dirname(compose.file);
  const ownDir = dir !== '.' && !byDir.has(dir) && compose.services.filter((s) => s.image).length === 1;
  const name = slug(ownDir ? posix.basename(dir) : service.name) || 'external';
  const c: Candidate = { dir, versionFiles: [], extraFiles: [], name, aliases: [], why: [`external: ${compose.file} pulls ${service.defaultImage}, which nothing here builds`], notes: [], compose: { file: compose, service } };
  for (const other of compose.services.filter((s) => s !== service && s.image)) c.notes.push(`${compose.file} also runs ${other.name} (${other.image}); it comes up with this file`);
  return c;
}

function toComponent(c: Candidate, count: number, isCore = false): ProposedComponent {
  const compose = c.compose;
  if (!c.version && !c.dockerfile && compose) {
    return {
      name: c.name,
      external: { image: compose.service.defaultImage! },
      compose: { file: compose.file.file, role: 'optional', flag: `include-${c.name}`, ...(compose.service.imageVar ? { imageVar: compose.service.imageVar } : {}) },
    };
  }
  const out: ProposedComponent = { name: c.name };
  // The root as one of several components: its path would cover every other component's files.
  if (c.dir !== '.' || count === 1) out.path = c.dir;
  const files: ProposedVersionFile[] = [
    ...c.versionFiles.map((v): ProposedVersionFile => {
      const extra = { ...(v.variable ? { variable: v.variable } : {}), ...(v.format === 'regex' ? { format: 'regex' as const, pattern: v.pattern } : {}) };
      const inferred = inferFormat(v.file) === v.format || v.format === 'regex';
      return Object.keys(extra).length || !inferred ? { file: v.file, ...(inferred ? {} : { format: v.format }), ...extra } : v.file;
    }),
    ...c.extraFiles,
  ];
  if (files.length === 1) out.version = { file: files[0]! };
  else if (files.length > 1) out.version = { files };
  if (c.dockerfile) {
    const context = posix.dirname(c.dockerfile);
    // image.context defaults to path, else the root.
    out.image = { name: c.name, ...(context !== (out.path ?? '.') ? { context } : {}) };
  }
  if (c.chart) {
    out.chart = { path: c.chart.path };
    const key = c.chart.valuesImageKey;
    if (key && key !== 'image') out.chart.values = { repository: `${key}.repository`, tag: `${key}.tag`, pullPolicy: `${key}.pullPolicy` };
  }
  if (compose) out.compose = { file: compose.file.file, role: isCore ? 'core' : 'connector', ...(compose.service.imageVar ? { imageVar: compose.service.imageVar } : {}) };
  return out;
}

/** Per-component tags that would clash with another template are dropped (lanes.yaml would be refused), with a note. */
function resolveTagClashes(config: ProposedConfig, notes: InitNote[]): void {
  for (const clash of tagTemplateClashes(config)) {
    const m = /^components\[(\d+)\]\.tag$/.exec(clash.path);
    if (!m) {
      notes.push({ at: 'release', message: clash.message });
      continue;
    }
    const c = config.components[Number(m[1])]!;
    notes.push({ at: `components[${m[1]}]`, message: `its tags look like ${c.tag}, which would clash: ${clash.message}; not written` });
    delete c.tag;
  }
}

/** Where the repository's own image references point (dsxconnect/… on Docker Hub), as a starting point for registries:. */
function guessRegistry(scan: ScanResult, components: readonly Candidate[]): { images: string; charts: string } | undefined {
  const names = new Set(components.filter((c) => c.dockerfile).map((c) => c.name));
  const refs = [...scan.composeFiles.flatMap((f) => f.services.map((s) => s.defaultImage)), ...scan.envPins.map((p) => p.repository), ...scan.charts.map((c) => c.imageRepository)]
    .filter((r): r is string => !!r)
    .map((r) => splitImageRef(r).repository)
    .filter((r) => names.has(repositoryName(r)) && r.includes('/'));
  const namespace = refs.map((r) => r.slice(0, r.lastIndexOf('/')))[0];
  if (!namespace) return undefined;
  const parts = namespace.split('/');
  const host = parts.length > 1 && /[.:]|^localhost$/.test(parts[0]!) ? parts[0]! : 'docker.io';
  const path = host === parts[0] ? parts.slice(1).join('/') : namespace;
  const chartsHost = host === 'docker.io' ? 'registry-1.docker.io' : host;
  return { images: `${host}/${path}`, charts: `oci://${chartsHost}/${path}` };
}

function uniqueNames(list: Candidate[]): void {
  const seen = new Set<string>();
  for (const c of list) {
    let name = c.name;
    if (seen.has(name)) {
      const parent = slug(posix.basename(posix.dirname(c.dir)));
      name = parent && parent !== '.' && !seen.has(`${parent}-${c.name}`) ? `${parent}-${c.name}` : c.name;
      for (let n = 2; seen.has(name); n++) name = `${c.name}-${n}`;
      c.notes.push(`named ${name}: "${c.name}" was taken by another component`);
      c.name = name;
    }
    seen.add(name);
  }
}

/** The candidate whose directory is the nearest one holding `path` (itself included). */
function nearest(path: string, byDir: ReadonlyMap<string, Candidate>, accept: (dir: string) => boolean): Candidate | undefined {
  for (let d = path; ; d = posix.dirname(d)) {
    const c = byDir.get(d);
    if (c && accept(d)) return c;
    if (d === '.' || d === '/' || d === '') return undefined;
  }
}

const depth = (p: string) => (p === '.' ? 0 : p.split('/').length);
const chartStem = (name: string) => slug(name.replace(/[-_](chart|helm)$/, ''));
const envName = (name: string) => name.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A lanes name: lower case, "_" and other characters as "-". */
export function slug(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[^a-z0-9]+|[-.]+$/g, '');
}
