import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve, posix } from 'node:path';
import { LineCounter, parseDocument, parse as parseYaml } from 'yaml';
import { ConfigError, type ConfigIssue } from '../errors.js';
import { inferFormat } from '../versions/format-registry.js';
import { configSchema, VERSION_FORMATS, type RawComponent, type RawConfig } from './schema.js';
import type { ChartSpec, Component, ImageSpec, LanesConfig, VersionFileSpec } from './model.js';
import { findCollisions } from './collisions.js';
import { tagTemplateClashes } from '../git/tag-template.js';
import { formatYamlPath, lineOf } from './yaml-path.js';

export const CONFIG_FILE = 'lanes.yaml';

/**
 * Reads and validates `<root>/lanes.yaml`: syntax, schema, the files it names,
 * and cross-component rules. Every problem found is reported in one ConfigError
 * (file:line, YAML path, message), so a user fixes them in one pass.
 */
export function loadConfig(rootDir: string): LanesConfig {
  const root = resolve(rootDir);
  const file = CONFIG_FILE;
  const full = join(root, file);
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw new ConfigError([{ file: root, path: '', message: 'not a directory; pass the monorepo root with --source <dir>' }], 'cannot load the monorepo');
  }
  if (!existsSync(full)) {
    throw new ConfigError([{ file: full, path: '', message: 'file not found; run lanes in the monorepo root or pass --source <dir> (the directory holding lanes.yaml)' }], 'no lanes.yaml');
  }
  const text = readFileSync(full, 'utf8');
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => ({ file, line: counter.linePos(e.pos[0]).line, path: '', message: `YAML syntax: ${e.message.split('\n')[0]}` })),
      'lanes.yaml is not valid YAML',
    );
  }
  const parsed = configSchema.safeParse(doc.toJS() ?? {});
  if (!parsed.success) {
    const issues = flattenIssues(parsed.error.issues).map((issue) => {
      const path = issue.path.filter((k): k is string | number => typeof k !== 'symbol');
      // An unknown key is best shown on its own line, not its parent's.
      const at = issue.code === 'unrecognized_keys' && issue.keys?.length ? [...path, issue.keys[0]!] : path;
      return { file, line: lineOf(doc, counter, at), path: formatYamlPath(path), message: describeZodIssue(issue) };
    });
    throw new ConfigError(issues);
  }

  const issues: ConfigIssue[] = [];
  const add = (path: string, message: string) => {
    const keys = path.split(/\.|\[|\]/).filter(Boolean).map((k) => (/^\d+$/.test(k) ? Number(k) : k));
    issues.push({ file, line: lineOf(doc, counter, keys), path, message });
  };
  const config = normalise(parsed.data, root, file, add);
  for (const issue of findCollisions(config)) add(issue.path, issue.message);
  // Two components tagged alike could not have their histories told apart (checked here, with every other cross-component rule, so all problems show at once).
  for (const issue of tagTemplateClashes(config)) add(issue.path, issue.message);
  if (issues.length > 0) throw new ConfigError(issues);
  return config;
}

type AddIssue = (path: string, message: string) => void;

function normalise(raw: RawConfig, root: string, file: string, add: AddIssue): LanesConfig {
  const components = raw.components.map((c, index) => normaliseComponent(c, index, root, add));
  return {
    root,
    file,
    project: raw.project,
    registries: raw.registries ?? {},
    release: raw.release,
    compose: { network: raw.compose?.network, project: raw.compose?.project ?? raw.project, envFile: raw.compose?.envFile },
    components,
  };
}

/** Where a component's checks report and look: its YAML path, the root, the issue sink. */
interface ComponentContext {
  at: string;
  root: string;
  add: AddIssue;
  /** Reports `what not found: path` at `yamlPath` when `path` does not exist under the root; says whether it exists. */
  need: (yamlPath: string, path: string, what?: string) => boolean;
}

function normaliseComponent(c: RawComponent, index: number, root: string, add: AddIssue): Component {
  const at = `components[${index}]`;
  const ctx: ComponentContext = {
    at,
    root,
    add,
    need: (yamlPath, path, what = 'file') => {
      const found = existsSync(join(root, path));
      if (!found) add(yamlPath, `${what} not found: ${path}`);
      return found;
    },
  };

  if (c.external && (c.image || c.chart || c.version)) {
    add(`${at}.external`, 'an external component is only pulled; remove image/chart/version from it (or drop external to build it)');
  }
  if (!c.external && !c.image && !c.chart && !c.version) {
    add(at, `component "${c.name}" has nothing to do: give it a version, an image, a chart or an external image`);
  }
  if (c.path) ctx.need(`${at}.path`, c.path, 'directory');

  const versionFiles = normaliseVersionFiles(c, ctx);
  const versioned = (c.version?.files?.length ?? 0) > 0 || c.version?.file !== undefined;
  const image = c.image ? normaliseImage(c, c.image, versioned, ctx) : undefined;
  const chart = c.chart ? normaliseChart(c, c.chart, versioned, versionFiles, ctx) : undefined;

  if (c.compose) {
    ctx.need(`${at}.compose.file`, c.compose.file);
    if (c.compose.role === 'optional' && !c.compose.flag) add(`${at}.compose.flag`, 'an optional compose file needs flag: the option that includes it (e.g. include-dsxa)');
  }

  const sources = [...new Set([c.path, ...(c.sources ?? [])].filter((p): p is string => !!p))];
  for (const [n, s] of (c.sources ?? []).entries()) ctx.need(`${at}.sources[${n}]`, s, 'path');
  if (sources.length === 0) {
    // Without a path, the files lanes knows about are what the release is made of.
    sources.push(...versionFiles.map((v) => v.file));
    if (image) sources.push(image.context === '.' ? image.dockerfile : image.context);
    if (chart) sources.push(chart.path);
  }

  return { name: c.name, index, path: c.path, sources: [...new Set(sources)], versionFiles, image, chart, compose: c.compose, external: c.external, ...(c.tag !== undefined ? { tag: c.tag } : {}) };
}

/** `version.file` / `version.files`, each with its format (named or inferred) and the options it needs. */
function normaliseVersionFiles(c: RawComponent, { at, root, add, need }: ComponentContext): VersionFileSpec[] {
  const entries = c.version?.files ?? (c.version?.file ? [c.version.file] : []);
  const out: VersionFileSpec[] = [];
  entries.forEach((entry, n) => {
    const yamlPath = c.version?.files ? `${at}.version.files[${n}]` : `${at}.version.file`;
    const spec = typeof entry === 'string' ? { file: entry } : entry;
    const format = spec.format ?? inferFormat(spec.file);
    if (!format) {
      add(yamlPath, `cannot tell the version format of ${spec.file} from its name; add format: (one of ${VERSION_FORMATS.join(', ')})`);
      return;
    }
    const full: VersionFileSpec = { ...spec, format, yamlPath };
    if (format === 'regex') checkVersionPattern(spec.pattern, yamlPath, add);
    if (format === 'env-pin' && !spec.key) add(yamlPath, 'format env-pin needs key: the variable holding the image reference (e.g. DSXCONNECT_IMAGE)');
    if (!need(yamlPath, spec.file)) return;
    if (format === 'cargo-lock' && !full.package) {
      full.package = cargoPackageName(join(root, dirname(spec.file), 'Cargo.toml'));
      if (!full.package) add(yamlPath, `cannot find the crate name for ${spec.file}: add package: <crate name> (no Cargo.toml with [package] name beside it)`);
    }
    out.push(full);
  });
  return out;
}

function checkVersionPattern(pattern: string | undefined, yamlPath: string, add: AddIssue): void {
  if (!pattern) {
    add(yamlPath, 'format regex needs pattern: a regular expression with a named group (?<version>…)');
    return;
  }
  try {
    new RegExp(pattern, 'd');
  } catch (e) {
    add(`${yamlPath}.pattern`, `not a valid regular expression: ${(e as Error).message}`);
    return;
  }
  if (!pattern.includes('(?<version>')) add(`${yamlPath}.pattern`, 'the pattern needs a named group (?<version>…) around the version');
}

function normaliseImage(c: RawComponent, raw: NonNullable<RawComponent['image']>, versioned: boolean, { at, add, need }: ComponentContext): ImageSpec {
  const context = raw.context ?? c.path ?? '.';
  const dockerfile = raw.dockerfile ?? posix.join(context, 'Dockerfile');
  need(`${at}.image.${raw.dockerfile ? 'dockerfile' : 'name'}`, dockerfile, 'Dockerfile');
  if (raw.context) need(`${at}.image.context`, context, 'build context');
  if (!versioned) add(`${at}.version`, `component "${c.name}" builds an image but has no version; add version: { file: … }`);
  return { name: raw.name, dockerfile, context, target: raw.target, buildArgs: raw.buildArgs ?? {}, platforms: raw.platforms ?? [] };
}

function normaliseChart(c: RawComponent, raw: NonNullable<RawComponent['chart']>, versioned: boolean, versionFiles: VersionFileSpec[], { at, root, add }: ComponentContext): ChartSpec {
  const chartFile = posix.join(raw.path, 'Chart.yaml');
  const name = chartName(join(root, chartFile));
  if (name === undefined) add(`${at}.chart.path`, `no Chart.yaml with a name: in ${raw.path}; point chart.path at the chart directory`);
  else {
    if (!versioned) add(`${at}.version`, `component "${c.name}" has a chart but no version; add version: { file: … }`);
    // The chart's own Chart.yaml carries the version too; bump keeps it in step.
    if (!versionFiles.some((v) => posix.normalize(v.file) === chartFile)) versionFiles.push({ file: chartFile, format: 'chart-yaml', yamlPath: `${at}.chart.path` });
  }
  return {
    path: raw.path,
    name: name ?? c.name,
    values: raw.values ?? { repository: 'image.repository', tag: 'image.tag', pullPolicy: 'image.pullPolicy' },
    release: raw.release ?? c.name,
    namespace: raw.namespace,
  };
}

function chartName(chartFile: string): string | undefined {
  if (!existsSync(chartFile)) return undefined;
  try {
    const doc = parseYaml(readFileSync(chartFile, 'utf8')) as { name?: unknown } | null;
    return typeof doc?.name === 'string' ? doc.name : undefined;
  } catch {
    return undefined;
  }
}

function cargoPackageName(cargoToml: string): string | undefined {
  if (!existsSync(cargoToml)) return undefined;
  const text = readFileSync(cargoToml, 'utf8');
  const pkg = /^\[package\][^\n]*\n((?:(?!\[)[^\n]*\n?)*)/m.exec(text)?.[1] ?? '';
  return /^name\s*=\s*"([^"]+)"/m.exec(pkg)?.[1];
}

interface ZodIssueLike {
  code: string;
  message: string;
  keys?: string[];
  path: PropertyKey[];
  errors?: ZodIssueLike[][];
}

/**
 * A union (`file: path` or `file: { … }`) fails as one opaque "Invalid input";
 * report the branch that got furthest instead, which names the real problem.
 */
function flattenIssues(issues: readonly ZodIssueLike[]): ZodIssueLike[] {
  return issues.flatMap((issue) => {
    if (issue.code !== 'invalid_union' || !issue.errors?.length) return [issue];
    const depth = (branch: ZodIssueLike[]) => Math.max(...branch.map((i) => i.path.length + (i.code === 'invalid_type' ? 0 : 0.5)));
    const best = [...issue.errors].sort((a, b) => depth(b) - depth(a))[0]!;
    return flattenIssues(best.map((i) => ({ ...i, path: [...issue.path, ...i.path] })));
  });
}

function describeZodIssue(issue: ZodIssueLike): string {
  if (issue.code === 'unrecognized_keys' && issue.keys) {
    return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}; check the spelling against the README's lanes.yaml reference`;
  }
  if (issue.code === 'invalid_type' && /received undefined/.test(issue.message)) return 'required, but missing';
  return issue.message;
}
