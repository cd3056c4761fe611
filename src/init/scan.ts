import { posix } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { VersionFormatName } from '../config/schema.js';
import { FORMATS, inferFormat } from '../versions/format-registry.js';
import { strictSemver } from '../versions/next-version.js';
import { VersionFormatError } from '../versions/token.js';
import { readVersion } from '../git/tag-template.js';

/**
 * What `lanes init` finds in a repository, read from a list of files and a
 * reader (no file system, no git here, so every rule is testable on a table
 * of paths). Version files are read with the same format readers lanes uses
 * afterwards, so a file init proposes is a file lanes can read.
 */

/** A file's text, or undefined when it cannot or should not be read (missing, too large, a FIFO, outside the repository). */
export type FileReader = (path: string) => string | undefined;

export interface FoundVersionFile {
  file: string;
  format: VersionFormatName;
  version: string;
  /** python: the variable holding it, when lanes' default (the first name containing "version") would read another one. */
  variable?: string;
  /** cargo-lock: the crate whose entry it is. */
  package?: string;
  /** The name a manifest gives its package (package.json, pyproject.toml, Cargo.toml), scope removed. */
  packageName?: string;
  /** A regex format entry (an ARG/ENV VERSION in a Dockerfile). */
  pattern?: string;
}

export interface FoundChart {
  /** The chart directory. */
  path: string;
  name: string;
  version?: string;
  appVersion?: string;
  /** values.yaml's image repository (`dsxconnect/dsx-connect`), when found. */
  imageRepository?: string;
  /** The key path of the mapping that holds repository/tag/pullPolicy in values.yaml (`image`), when found. */
  valuesImageKey?: string;
}

export interface FoundService {
  name: string;
  /** The image as written (`${DSXCONNECT_IMAGE:-dsxconnect/dsx-connect:0.3.88}`). */
  image?: string;
  /** The variable the whole image comes from, when it is `${VAR}`, `${VAR:-default}` or `${VAR-default}`. */
  imageVar?: string;
  /** `:-` or `-`: how the default follows the variable. */
  defaultOperator?: string;
  /** The image used when the variable is unset, or the fixed image. */
  defaultImage?: string;
  builds: boolean;
}

export interface FoundCompose {
  file: string;
  services: FoundService[];
  /** Networks the file declares external, by their real name. */
  externalNetworks: string[];
  /** The text, to tell which services other compose files talk to. */
  text: string;
}

/** `KEY=repo/image:1.2.3` in an env file. */
export interface FoundEnvPin {
  file: string;
  key: string;
  /** The reference without its tag. */
  repository: string;
  version: string;
}

export interface FoundTag {
  name: string;
  /** Everything before the version (`connector-aws-s3-v`, `v`, ``). */
  prefix: string;
  version: string;
}

export interface Skipped {
  file: string;
  reason: string;
}

export interface ScanResult {
  dockerfiles: string[];
  versionFiles: FoundVersionFile[];
  charts: FoundChart[];
  composeFiles: FoundCompose[];
  envPins: FoundEnvPin[];
  tags: FoundTag[];
  /** Tags that look like releases but whose version is not strict semver (`v1.2`), or that name no version. */
  otherTags: string[];
  /** Root package.json that is a workspace root, etc.: found, deliberately not used, and why. */
  skipped: Skipped[];
  /** The name the root's package.json or pyproject.toml gives the repository, even when it is no component (a workspace root). */
  rootPackageName?: string;
}

/** Directories whose files are never a component: dependencies, fixtures, tests (as W_UNLISTED_COMPONENT ignores them). */
const IGNORED_DIR = /(^|\/)(node_modules|\.git|vendor|third_party|fixtures|__fixtures__|testdata|test|tests|\.lanes)\//;
/** Python files worth reading for a version: a file per package, not every module. */
const PYTHON_VERSION_FILE = /(^|_)(version|about)\.py$|^__init__\.py$|^__version__\.py$/;
const COMPOSE_FILE = /^(docker-)?compose([.-][^/]*)?\.ya?ml$/;

export function scanRepository(files: readonly string[], read: FileReader, tagNames: readonly string[] = []): ScanResult {
  const out: ScanResult = { dockerfiles: [], versionFiles: [], charts: [], composeFiles: [], envPins: [], tags: [], otherTags: [], skipped: [] };
  const sorted = [...files].filter((f) => !IGNORED_DIR.test(f)).sort(byDepthThenName);
  const rootName: { value?: string } = {};
  const chartDirs = new Set(sorted.filter((f) => posix.basename(f) === 'Chart.yaml').map((f) => posix.dirname(f)));
  for (const file of sorted) {
    const base = posix.basename(file);
    if (base === 'Dockerfile') {
      out.dockerfiles.push(file);
      const v = dockerfileVersion(file, read(file));
      if (v) out.versionFiles.push(v);
    } else if (/^Dockerfile\.|\.Dockerfile$/.test(base)) {
      out.skipped.push({ file, reason: 'a Dockerfile variant: lanes builds <context>/Dockerfile unless image.dockerfile names another; add it to a component by hand if it is the one to release' });
    } else if (base === 'Chart.yaml') {
      // A subchart (charts/<name>/ inside a chart) is packaged with its parent, never on its own.
      if (isSubchart(file, chartDirs)) continue;
      const chart = readChart(file, read);
      if ('problem' in chart) out.skipped.push({ file, reason: chart.problem });
      else out.charts.push(chart);
    } else if (COMPOSE_FILE.test(base)) {
      const compose = readCompose(file, read(file));
      if ('problem' in compose) out.skipped.push({ file, reason: compose.problem });
      else out.composeFiles.push(compose);
    } else if (inferFormat(file) === 'env-pin') {
      out.envPins.push(...readEnvPins(file, read(file)));
    } else {
      const found = readVersionFile(file, read, out.skipped, rootName);
      if (found) out.versionFiles.push(found);
    }
  }
  if (rootName.value) out.rootPackageName = rootName.value;
  for (const name of tagNames) {
    const tag = parseTag(name);
    if (tag) out.tags.push(tag);
    else if (/\d+\.\d+/.test(name)) out.otherTags.push(name);
  }
  return out;
}

const depth = (p: string) => p.split('/').length;
function byDepthThenName(a: string, b: string): number {
  return depth(a) - depth(b) || (a < b ? -1 : a > b ? 1 : 0);
}

function isSubchart(file: string, chartDirs: ReadonlySet<string>): boolean {
  const parts = posix.dirname(file).split('/');
  for (let i = parts.length - 2; i > 0; i--) {
    if (parts[i] === 'charts' && chartDirs.has(parts.slice(0, i).join('/'))) return true;
  }
  return false;
}

/** A release tag's prefix and strict semver version (`connector-aws-s3-v1.2.3`), or undefined. */
export function parseTag(name: string): FoundTag | undefined {
  const m = /^(.*?)(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)$/.exec(name);
  if (!m) return undefined;
  const reading = readVersion(m[2]!);
  if (!reading || !('version' in reading)) return undefined;
  return { name, prefix: m[1]!, version: m[2]! };
}

/** Versions lanes reads from an `ARG VERSION=1.2.3` / `ENV APP_VERSION=1.2.3` of a Dockerfile (a regex entry). */
function dockerfileVersion(file: string, text: string | undefined): FoundVersionFile | undefined {
  if (!text) return undefined;
  const m = /^(ARG|ENV)[ \t]+(VERSION|APP_VERSION)[ \t]*=[ \t]*"?([0-9A-Za-z.+-]+)"?[ \t]*$/m.exec(text);
  if (!m || !strictSemver(m[3]!)) return undefined;
  return { file, format: 'regex', version: m[3]!, pattern: `^${m[1]}[ \\t]+${m[2]}[ \\t]*=[ \\t]*"?(?<version>[0-9A-Za-z.+-]+)` };
}

/** A version file by its name, read with lanes' own format reader; undefined when it is not one or holds no usable version. */
function readVersionFile(file: string, read: FileReader, skipped: Skipped[], rootName: { value?: string }): FoundVersionFile | undefined {
  const base = posix.basename(file);
  const format = inferFormat(file);
  if (!format || format === 'chart-yaml' || format === 'env-pin') return undefined;
  if (format === 'python' && !PYTHON_VERSION_FILE.test(base)) return undefined;
  const text = read(file);
  if (text === undefined) return undefined;
  const found: FoundVersionFile = { file, format, version: '' };
  let spec: { file: string; format: VersionFormatName; yamlPath: string; variable?: string; package?: string } = { file, format, yamlPath: '' };
  if (format === 'python') {
    // __version__ or NAME_VERSION; lanes' default reader takes the first name containing "version", which may be MIN_PYTHON_VERSION.
    const assigned = [...text.matchAll(/^([A-Za-z_][A-Za-z0-9_]*)[ \t]*(?::[ \t]*str[ \t]*)?=[ \t]*["']([^"'\r\n]*)["']/gm)].map((m) => ({ name: m[1]!, value: m[2]! }));
    // A version of something else (MIN_PYTHON_VERSION, API_VERSION) is not the package's.
    const own = assigned.filter((a) => (a.name === '__version__' || /^(?:[A-Z0-9_]*_)?VERSION$/.test(a.name)) && !/PYTHON|NODE|MIN_|MAX_|API_|SCHEMA|PROTOCOL/.test(a.name));
    const wanted = (own.find((a) => a.name === '__version__') ?? own[0])?.name;
    if (!wanted) return undefined;
    const first = locate(format, text, spec)?.[0]?.label;
    if (first !== wanted) {
      found.variable = wanted;
      spec = { ...spec, variable: wanted };
    }
  }
  if (format === 'package-json') {
    const pkg = parseJson(text);
    if (!pkg) return undefined;
    if (typeof pkg.name === 'string' && posix.dirname(file) === '.') rootName.value = pkg.name.replace(/^@[^/]+\//, '');
    if (pkg.workspaces !== undefined && posix.dirname(file) === '.') {
      skipped.push({ file, reason: 'the workspace root\'s package.json: its packages are the components' });
      return undefined;
    }
    if (typeof pkg.name === 'string') found.packageName = pkg.name.replace(/^@[^/]+\//, '');
  }
  if (format === 'tauri-conf' || format === 'package-lock') {
    // tauri.conf.json may say "version": "../package.json": a path, not a version.
    if (!parseJson(text)) return undefined;
  }
  if (format === 'pyproject') found.packageName = tomlName(text, ['project', 'tool.poetry']);
  if (format === 'pyproject' && posix.dirname(file) === '.') rootName.value ??= found.packageName;
  if (format === 'cargo-toml') found.packageName = tomlName(text, ['package']);
  if (format === 'cargo-lock') {
    const sibling = read(posix.join(posix.dirname(file), 'Cargo.toml'));
    const crate = sibling ? tomlName(sibling, ['package']) : undefined;
    if (!crate) return undefined;
    found.package = crate;
    spec = { ...spec, package: crate };
  }
  const tokens = locate(format, text, spec);
  if (!tokens || tokens.length === 0) return undefined;
  const values = [...new Set(tokens.map((t) => t.value))];
  if (values.length > 1) {
    skipped.push({ file, reason: `holds two versions (${tokens.map((t) => `${t.label} ${t.value}`).join(', ')}); make them agree, then add it` });
    return undefined;
  }
  if (!strictSemver(values[0]!)) {
    skipped.push({ file, reason: `its version "${values[0]}" is not a semantic version (X.Y.Z); fix it, then add it` });
    return undefined;
  }
  found.version = values[0]!;
  return found;
}

function locate(format: VersionFormatName, text: string, spec: Parameters<(typeof FORMATS)['python']['locate']>[1]) {
  try {
    return FORMATS[format].locate(text, spec);
  } catch (e) {
    if (e instanceof VersionFormatError) return undefined;
    throw e;
  }
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** `name = "…"` directly inside one of the TOML tables. */
function tomlName(text: string, tables: readonly string[]): string | undefined {
  let table = '';
  for (const line of text.split(/\r?\n/)) {
    const header = /^\s*\[([^\[\]]+)\]\s*(#.*)?$/.exec(line);
    if (header) {
      table = header[1]!.trim();
      continue;
    }
    if (/^\s*\[\[/.test(line)) table = '';
    if (!tables.includes(table)) continue;
    const m = /^\s*name\s*=\s*["']([^"']+)["']/.exec(line);
    if (m) return m[1];
  }
  return undefined;
}

function readYaml(text: string): unknown {
  try {
    return parseYaml(text, { maxAliasCount: 100, uniqueKeys: true, prettyErrors: false });
  } catch {
    return undefined;
  }
}

const isMap = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

function readChart(file: string, read: FileReader): FoundChart | { problem: string } {
  const text = read(file);
  const data = text === undefined ? undefined : readYaml(text);
  if (!isMap(data) || typeof data.name !== 'string' || data.name === '') return { problem: 'a Chart.yaml that cannot be read, or has no name: fix it (helm would refuse it too), then add the chart by hand' };
  const path = posix.dirname(file);
  const chart: FoundChart = { path, name: data.name };
  if (data.version !== undefined && data.version !== null) chart.version = String(data.version);
  if (data.appVersion !== undefined && data.appVersion !== null) chart.appVersion = String(data.appVersion);
  const valuesText = read(posix.join(path, 'values.yaml'));
  const values = valuesText === undefined ? undefined : readYaml(valuesText);
  const image = isMap(values) ? findImageMapping(values, '', 0) : undefined;
  if (image) {
    chart.valuesImageKey = image.key;
    if (image.repository) chart.imageRepository = image.repository;
  }
  return chart;
}

/** The first mapping (breadth first, `image` preferred) holding `repository:`: where the chart reads its image. */
function findImageMapping(node: Record<string, unknown>, at: string, level: number): { key: string; repository?: string } | undefined {
  if (level > 3) return undefined;
  const children = Object.entries(node).filter(([, v]) => isMap(v)) as [string, Record<string, unknown>][];
  children.sort(([a], [b]) => Number(b === 'image') - Number(a === 'image'));
  for (const [k, v] of children) {
    if ('repository' in v) return { key: at ? `${at}.${k}` : k, repository: typeof v.repository === 'string' && v.repository ? v.repository : undefined };
  }
  for (const [k, v] of children) {
    const deeper = findImageMapping(v, at ? `${at}.${k}` : k, level + 1);
    if (deeper) return deeper;
  }
  return undefined;
}

function readCompose(file: string, text: string | undefined): FoundCompose | { problem: string } {
  const data = text === undefined ? undefined : readYaml(text);
  if (!isMap(data) || !isMap(data.services)) return { problem: 'a compose file without services: (or not valid YAML)' };
  const services: FoundService[] = Object.entries(data.services).map(([name, raw]) => {
    const svc = isMap(raw) ? raw : {};
    const service: FoundService = { name, builds: svc.build !== undefined };
    if (typeof svc.image === 'string') {
      service.image = svc.image;
      const whole = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([^}]*))?\}$/.exec(svc.image.trim());
      if (whole) {
        service.imageVar = whole[1];
        if (whole[2] && whole[3]) [service.defaultOperator, service.defaultImage] = [whole[2], whole[3]];
      } else if (!svc.image.includes('$')) service.defaultImage = svc.image;
    }
    return service;
  });
  const externalNetworks = isMap(data.networks)
    ? Object.entries(data.networks).flatMap(([key, n]) => (isMap(n) && n.external !== undefined && n.external !== false ? [typeof n.name === 'string' ? n.name : isMap(n.external) && typeof n.external.name === 'string' ? n.external.name : key] : []))
    : [];
  return { file, services, externalNetworks, text: text! };
}

/** Splits `registry:5000/ns/app:1.2.3` into repository and tag (a ":" before the last "/" is a port). */
export function splitImageRef(ref: string): { repository: string; tag?: string } {
  const at = ref.indexOf('@');
  const bare = at >= 0 ? ref.slice(0, at) : ref;
  const colon = bare.lastIndexOf(':');
  if (colon < 0 || bare.indexOf('/', colon) >= 0) return { repository: bare };
  return { repository: bare.slice(0, colon), tag: bare.slice(colon + 1) };
}

/** The repository's last path part: `docker.io/dsxconnect/dsx-connect` -> `dsx-connect`. */
export const repositoryName = (repository: string) => repository.slice(repository.lastIndexOf('/') + 1);

function readEnvPins(file: string, text: string | undefined): FoundEnvPin[] {
  if (!text) return [];
  const out: FoundEnvPin[] = [];
  for (const m of text.matchAll(/^[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_]*)[ \t]*=[ \t]*(["']?)([^"'\s#]+)\2/gm)) {
    const { repository, tag } = splitImageRef(m[3]!);
    if (!tag || !strictSemver(tag) || !/^[a-z0-9][a-z0-9._\/:-]*$/.test(repository)) continue;
    // lanes reads a key set twice as an error; such a pin is not proposed.
    try {
      if (FORMATS['env-pin'].locate(text, { file, format: 'env-pin', key: m[1]!, yamlPath: '' }).length !== 1) continue;
    } catch {
      continue;
    }
    out.push({ file, key: m[1]!, repository, version: tag });
  }
  return out;
}
