import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve, posix } from 'node:path';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { ConfigError, type ConfigIssue } from '../errors.js';
import { inferFormat } from '../versions/format-registry.js';
import { configSchema, VERSION_FORMATS, type RawComponent, type RawConfig } from './schema.js';
import type { ChartSpec, Component, ImageSpec, LanesConfig, VersionFileSpec } from './model.js';
import { findCollisions } from './collisions.js';
import { tagTemplateClashes } from '../git/tag-template.js';
import { formatYamlPath, lineOf, type PathKey } from './yaml-path.js';
import { readPlainYaml } from './plain-yaml.js';
import { validatedConfigCache } from './validated-config-cache.js';
import { describeAliasError, MAX_ALIAS_COUNT } from './yaml-aliases.js';
import { readChartYaml } from '../charts/read-chart-yaml.js';
import { MAX_PATTERN_LENGTH, nestedQuantifier } from './value-checks.js';
import { checkRepoPath, escapingSymlinks, NotATextFileError, readRegularFile, type PathKind } from '../workspace/repo-files.js';

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
  const text = readConfigText(full);
  const { raw, lineAt } = readValidated(text, file);

  const issues: ConfigIssue[] = [];
  const add = (path: string, message: string) => {
    const keys = path.split(/\.|\[|\]/).filter(Boolean).map((k) => (/^\d+$/.test(k) ? Number(k) : k));
    issues.push({ file, line: lineAt(keys), path, message });
  };
  const config = normalise(raw, root, file, add);
  for (const issue of findCollisions(config)) add(issue.path, issue.message);
  // Two components tagged alike could not have their histories told apart (checked here, with every other cross-component rule, so all problems show at once).
  for (const issue of tagTemplateClashes(config)) add(issue.path, issue.message);
  if (issues.length > 0) throw new ConfigError(issues);
  return config;
}

type AddIssue = (path: string, message: string) => void;

/**
 * lanes.yaml's text as the schema's value, and the line of a YAML path for
 * error messages: from the validated-config cache when this text was
 * validated before (the CLI's), else parsed and validated, and kept there.
 */
function readValidated(text: string, file: string): { raw: RawConfig; lineAt: (path: readonly PathKey[]) => number | undefined } {
  const cache = validatedConfigCache();
  const known = cache?.get(text);
  if (known) return { raw: known, lineAt: yamlLines(text, file).lineAt };
  const { data, lineAt } = readConfigYaml(text, file);
  const parsed = configSchema.safeParse(data ?? {});
  if (!parsed.success) {
    const issues = flattenIssues(parsed.error.issues).map((issue) => {
      const path = issue.path.filter((k): k is string | number => typeof k !== 'symbol');
      // An unknown key is best shown on its own line, not its parent's.
      const at = issue.code === 'unrecognized_keys' && issue.keys?.length ? [...path, issue.keys[0]!] : path;
      return { file, line: lineAt(at), path: formatYamlPath(path), message: describeZodIssue(issue) };
    });
    throw new ConfigError(issues);
  }
  cache?.set(text, parsed.data);
  return { raw: parsed.data, lineAt };
}

/**
 * lanes.yaml's data, and the line of a YAML path for error messages. Plain
 * YAML (nearly every lanes.yaml) is read by the fast reader; the `yaml`
 * package parses the file only for what the fast reader declines — where it
 * reports syntax errors — or when an error needs a line number.
 */
function readConfigYaml(text: string, file: string): { data: unknown; lineAt: (path: readonly PathKey[]) => number | undefined } {
  const lines = yamlLines(text, file);
  const plain = readPlainYaml(text);
  let data: unknown;
  if (plain) data = plain.value;
  else {
    const { doc } = lines.parseFull();
    try {
      data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (e) {
      throw new ConfigError([{ file, path: '', message: describeAliasError(e as Error) }], 'lanes.yaml is not valid YAML');
    }
  }
  return { data, lineAt: lines.lineAt };
}

/** lanes.yaml as a `yaml` Document, parsed the first time it is asked for, and the line of a YAML path in it. */
function yamlLines(text: string, file: string) {
  let full: { doc: Document; counter: LineCounter } | undefined;
  const parseFull = () => (full ??= parseYamlDocument(text, file));
  const lineAt = (path: readonly PathKey[]) => {
    try {
      const { doc, counter } = parseFull();
      return lineOf(doc, counter, path);
    } catch {
      return undefined;
    }
  };
  return { parseFull, lineAt };
}

/** lanes.yaml as a `yaml` Document with line positions; a syntax error is a ConfigError naming its line. */
function parseYamlDocument(text: string, file: string): { doc: Document; counter: LineCounter } {
  const counter = new LineCounter();
  let doc: Document;
  try {
    doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  } catch (e) {
    // The parser recurses per nesting level: a file of ten thousand "[" overflows the stack.
    throw new ConfigError([{ file, path: '', message: `cannot be parsed (${(e as Error).message}); lanes.yaml is a short file of plain mappings and lists` }], 'lanes.yaml is not valid YAML');
  }
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => ({ file, line: counter.linePos(e.pos[0]).line, path: '', message: `YAML syntax: ${e.message.split('\n')[0]}` })),
      'lanes.yaml is not valid YAML',
    );
  }
  return { doc, counter };
}

/** lanes.yaml's text, refusing a directory, a FIFO or a huge file (which would hang or exhaust memory) with a ConfigError. */
function readConfigText(full: string): string {
  const fail = (message: string, heading = 'cannot read lanes.yaml') => {
    throw new ConfigError([{ file: full, path: '', message }], heading);
  };
  try {
    return readRegularFile(full);
  } catch (e) {
    if (e instanceof NotATextFileError) return fail(`${e.reason}; lanes.yaml must be a regular file at the monorepo root`);
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return fail('file not found; run lanes in the monorepo root or pass --source <dir> (the directory holding lanes.yaml)', 'no lanes.yaml');
    if (code === 'ELOOP') return fail('is a symlink loop; make lanes.yaml a regular file');
    return fail(`cannot be read (${code ?? (e as Error).message}); check its permissions`);
  }
}

/** What a path of `kind` is called in messages. */
const KIND_WORD: Record<PathKind, string> = { file: 'a regular file', directory: 'a directory', any: 'a file or directory' };

function normalise(raw: RawConfig, root: string, file: string, add: AddIssue): LanesConfig {
  const components = raw.components.map((c, index) => normaliseComponent(c, index, root, add));
  if (raw.compose?.envFile) needIn(root, add)('compose.envFile', raw.compose.envFile, 'env file');
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
  /**
   * Reports at `yamlPath` when `path` does not exist under the root, is not of
   * the kind `what` calls for (a FIFO where a file belongs), or is a symlink whose
   * real path leaves the monorepo; says whether it can be used.
   */
  need: (yamlPath: string, path: string, what?: string) => boolean;
}

/** The kind of path each `what` of need() calls for. */
function kindOf(what: string): PathKind {
  if (what === 'directory' || what === 'build context' || what === 'chart directory') return 'directory';
  if (what === 'path') return 'any';
  return 'file';
}

/** need() for one root: existence, kind, and the real path staying inside the monorepo. */
function needIn(root: string, add: AddIssue) {
  return (yamlPath: string, path: string, what = 'file'): boolean => {
    const kind = kindOf(what);
    const problem = checkRepoPath(root, path, kind);
    if (!problem) return true;
    if (problem.kind === 'missing') add(yamlPath, `${what} not found: ${path}`);
    else if (problem.kind === 'outside') {
      add(yamlPath, `${path} leads outside the monorepo (its real path is ${problem.real}, through a symlink); lanes only reads and writes inside the repository: commit the ${what} itself, or point at a path inside it`);
    } else if (problem.kind === 'wrong-type') add(yamlPath, `${path} is ${problem.is}, but lanes needs ${KIND_WORD[kind]} here (the ${what}); replace it, or point at the right path`);
    else add(yamlPath, `${path} cannot be read (${problem.code}); check its permissions`);
    return false;
  };
}

function normaliseComponent(c: RawComponent, index: number, root: string, add: AddIssue): Component {
  const at = `components[${index}]`;
  const ctx: ComponentContext = {
    at,
    root,
    add,
    need: needIn(root, add),
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
    ctx.need(`${at}.compose.file`, c.compose.file, 'compose file');
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
  const firstEntry = new Map<string, string>();
  entries.forEach((entry, n) => {
    const yamlPath = c.version?.files ? `${at}.version.files[${n}]` : `${at}.version.file`;
    const given = typeof entry === 'string' ? { file: entry } : entry;
    // `./VERSION` and `VERSION` are one file: compare (and later write) the normal form.
    const spec = { ...given, file: posix.normalize(given.file) };
    // The same file read the same way twice is a slip; the same file with two different patterns is two tokens and fine.
    const identity = JSON.stringify([spec.file, spec.format ?? inferFormat(spec.file), spec.pattern, spec.key, spec.variable, spec.package]);
    const earlier = firstEntry.get(identity);
    if (earlier !== undefined) {
      add(yamlPath, `${spec.file} is listed twice (also ${earlier}); remove one of the two entries`);
      return;
    }
    firstEntry.set(identity, yamlPath);
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
  if (pattern.length > MAX_PATTERN_LENGTH) {
    add(`${yamlPath}.pattern`, `is ${pattern.length} characters long; a version pattern needs at most ${MAX_PATTERN_LENGTH}: match only the text around the version`);
    return;
  }
  try {
    new RegExp(pattern, 'd');
  } catch (e) {
    add(`${yamlPath}.pattern`, `not a valid regular expression: ${(e as Error).message}`);
    return;
  }
  if (!pattern.includes('(?<version>')) add(`${yamlPath}.pattern`, 'the pattern needs a named group (?<version>…) around the version');
  const nested = nestedQuantifier(pattern);
  if (nested) add(`${yamlPath}.pattern`, `${nested}; repeat a character class instead (e.g. [0-9.]+ rather than (\\d+\\.)+)`);
}

function normaliseImage(c: RawComponent, raw: NonNullable<RawComponent['image']>, versioned: boolean, { at, add, need }: ComponentContext): ImageSpec {
  const context = raw.context ?? c.path ?? '.';
  const dockerfile = raw.dockerfile ?? posix.join(context, 'Dockerfile');
  need(`${at}.image.${raw.dockerfile ? 'dockerfile' : 'name'}`, dockerfile, 'Dockerfile');
  if (raw.context) need(`${at}.image.context`, context, 'build context');
  if (!versioned) add(`${at}.version`, `component "${c.name}" builds an image but has no version; add version: { file: … }`);
  return { name: raw.name, dockerfile, context, target: raw.target, buildArgs: raw.buildArgs ?? {}, platforms: raw.platforms ?? [] };
}

/** The chart spec; undefined when its Chart.yaml cannot be read (already reported), so no other check guesses at its name. */
function normaliseChart(c: RawComponent, raw: NonNullable<RawComponent['chart']>, versioned: boolean, versionFiles: VersionFileSpec[], { at, root, add, need }: ComponentContext): ChartSpec | undefined {
  const chartFile = posix.join(raw.path, 'Chart.yaml');
  let name: string | undefined;
  if (need(`${at}.chart.path`, raw.path, 'chart directory')) {
    // helm package follows symlinks: one leading out of the repository would ship its target in the chart.
    for (const link of escapingSymlinks(root, posix.normalize(raw.path))) {
      add(`${at}.chart.path`, `${link.path} ${link.problem}; helm would package what it points at: replace it with the file itself`);
    }
    const chart = readChart(root, chartFile);
    if ('problem' in chart) add(`${at}.chart.path`, `${chartFile} ${chart.problem}`);
    else name = chart.name;
  }
  if (name === undefined) return undefined;
  if (!versioned) add(`${at}.version`, `component "${c.name}" has a chart but no version; add version: { file: … }`);
  // The chart's own Chart.yaml carries the version too; bump keeps it in step.
  if (!versionFiles.some((v) => posix.normalize(v.file) === chartFile)) versionFiles.push({ file: chartFile, format: 'chart-yaml', yamlPath: `${at}.chart.path` });
  return {
    path: raw.path,
    name,
    values: raw.values ?? { repository: 'image.repository', tag: 'image.tag', pullPolicy: 'image.pullPolicy' },
    release: raw.release ?? c.name,
    namespace: raw.namespace,
  };
}

/** A chart's name from its Chart.yaml, or what is wrong with that file (missing, not YAML, a duplicate key, no name or version). */
function readChart(root: string, chartFile: string): { name: string } | { problem: string } {
  const where = checkRepoPath(root, chartFile, 'file');
  if (where?.kind === 'missing') return { problem: 'not found; point chart.path at the chart directory (the one holding Chart.yaml)' };
  if (where?.kind === 'outside') return { problem: `leads outside the monorepo (its real path is ${where.real}); commit the Chart.yaml itself` };
  if (where) return { problem: where.kind === 'wrong-type' ? `is ${where.is}, not a regular file` : `cannot be read (${where.code})` };
  let text: string;
  try {
    text = readRegularFile(join(root, chartFile));
  } catch (e) {
    return { problem: e instanceof NotATextFileError ? e.reason : `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` };
  }
  const parsed = readChartYaml(text);
  if ('problem' in parsed) return parsed;
  const data = parsed.data;
  const chart = data as { name?: unknown; version?: unknown } | null;
  if (chart === null || typeof chart !== 'object' || Array.isArray(chart)) return { problem: 'is not a YAML mapping; a Chart.yaml holds apiVersion, name, version, …' };
  if (typeof chart.name !== 'string' || chart.name === '') return { problem: 'has no name:; add name: <chart name>' };
  if (chart.version === undefined || chart.version === null) return { problem: 'has no version:; add version: X.Y.Z (helm needs it; lanes bump keeps it in step)' };
  return { name: chart.name };
}

function cargoPackageName(cargoToml: string): string | undefined {
  let text: string;
  try {
    text = readRegularFile(cargoToml);
  } catch {
    return undefined;
  }
  const pkg = /^\[package\][^\n]*\n((?:(?!\[)[^\n]*\n?)*)/m.exec(text)?.[1] ?? '';
  return /^name\s*=\s*"([^"]+)"/m.exec(pkg)?.[1];
}

interface ZodIssueLike {
  code: string;
  message: string;
  keys?: string[];
  path: PropertyKey[];
  issues?: { message: string }[];
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
  // A record's key failed its own check: say that check's message, not zod's "Invalid key in record".
  if (issue.code === 'invalid_key' && issue.issues?.[0]) return `key "${String(issue.path.at(-1))}": ${issue.issues[0].message}`;
  return issue.message;
}
