import { join } from 'node:path';
import semver from 'semver';
import { ConfigError, VersionFileError, type ConfigIssue } from '../errors.js';
import type { Component, LanesConfig, VersionFileSpec } from '../config/model.js';
import { FORMATS } from './format-registry.js';
import { withPatternsMatched, type PatternJob } from './formats/regex-file.js';
import { strictSemver } from './next-version.js';
import { VersionFormatError, type VersionToken } from './token.js';
import { NotATextFileError, readRegularFile, realPathInside } from '../workspace/repo-files.js';

/** One version token read from one file. */
export interface VersionReading {
  file: string;
  label: string;
  value: string;
}

/** What a component's version files say. `version` is the first file's; `agree` says whether all match. */
export interface ComponentVersion {
  component: string;
  version?: string;
  agree: boolean;
  readings: VersionReading[];
}

/** A version file with its content and tokens, ready for bump to rewrite. */
export interface LocatedFile {
  spec: VersionFileSpec;
  content: string;
  tokens: VersionToken[];
  /** The file's real path relative to the root (symlinks followed): two entries naming one file share it. */
  real: string;
}

/** Longest version an image can carry: a tag is at most 128 characters, and the dev lane appends "-<sha7>". */
export const MAX_IMAGE_VERSION_LENGTH = 120;

/**
 * Why `version` cannot be published for `component`, or undefined. An image
 * tag is [A-Za-z0-9_.-]{1,128}: semver's build metadata ("+b1") has no place
 * in it, and registries and helm would each mangle it differently.
 */
export function publishProblem(component: Pick<Component, 'name' | 'image' | 'chart'>, version: string): string | undefined {
  if (!component.image && !component.chart) return undefined;
  const what = component.image ? 'an image tag' : 'a chart version in an OCI registry';
  const build = semver.parse(version)?.build ?? [];
  if (build.length > 0) {
    const bare = version.slice(0, version.indexOf('+'));
    return `build metadata (+${build.join('.')}) cannot be part of ${what} ("+" is not allowed there); use ${bare}, or a prerelease such as ${bare.includes('-') ? bare : `${bare}-${build.join('.')}`} (lanes bump ${component.name} --version …)`;
  }
  if (component.image && version.length > MAX_IMAGE_VERSION_LENGTH) return `${version.length} characters is too long for ${what} (at most ${MAX_IMAGE_VERSION_LENGTH}, so that "-<sha7>" still fits in 128); shorten the prerelease`;
  return undefined;
}

/**
 * A version file's text. Only a regular file inside the monorepo is opened
 * (never a FIFO, which would block, nor a symlink out of the repository), and
 * at most MAX_TEXT_FILE_BYTES of it. A problem the user fixes in the repository
 * comes back as text; an I/O failure of the machine (EACCES, EIO) is thrown as
 * E_VERSION_FILE_READ, exit 1.
 */
export function readVersionFile(root: string, file: string): { content: string; real: string } | { problem: string } {
  let real: string | undefined;
  try {
    real = realPathInside(root, file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { problem: 'file not found (removed since lanes.yaml was read?)' };
    if (code === 'ELOOP') return { problem: 'is a symlink loop; make it a regular file' };
    throw new VersionFileError('E_VERSION_FILE_READ', file, `cannot be read (${code ?? (e as Error).message}); check its permissions and the disk`);
  }
  if (real === undefined) return { problem: 'leads outside the monorepo through a symlink; lanes only reads and writes version files inside it: commit the file itself' };
  try {
    return { content: readRegularFile(join(root, file)), real };
  } catch (e) {
    if (e instanceof NotATextFileError) return { problem: `${e.reason}; a version file must be a regular file` };
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { problem: 'file not found (removed since lanes.yaml was read?)' };
    throw new VersionFileError('E_VERSION_FILE_READ', file, `cannot be read (${code ?? (e as Error).message}); check its permissions and the disk`);
  }
}

type VersionFileRead = ReturnType<typeof readVersionFile>;

/**
 * Reads and locates every version file of a component; problems are returned, not thrown.
 * `readFile` gives a file's text (readVersionFile unless the caller read them ahead).
 */
export function locateComponentFiles(
  root: string,
  component: Component,
  configFile: string,
  readFile: (spec: VersionFileSpec) => VersionFileRead = (spec) => readVersionFile(root, spec.file),
): { files: LocatedFile[]; issues: ConfigIssue[] } {
  const files: LocatedFile[] = [];
  const issues: ConfigIssue[] = [];
  for (const spec of component.versionFiles) {
    const issue = (message: string, code?: ConfigIssue['code']) => issues.push({ file: spec.file, path: '', message: `${message} (named at ${configFile} ${spec.yamlPath})`, ...(code ? { code } : {}) });
    const read = readFile(spec);
    if ('problem' in read) {
      issue(read.problem);
      continue;
    }
    const { content, real } = read;
    let tokens: VersionToken[];
    try {
      tokens = FORMATS[spec.format].locate(content, spec);
    } catch (e) {
      if (e instanceof VersionFormatError) {
        issue(e.message);
        continue;
      }
      throw e;
    }
    if (tokens.length === 0) {
      issue(`no version found: expected ${FORMATS[spec.format].expected(spec)} (format ${spec.format})`);
      continue;
    }
    if (spec.format === 'chart-yaml' && !tokens.some((t) => t.label === 'version')) {
      issue('has appVersion: but no top-level version:; add version: X.Y.Z (helm needs it, and lanes keeps it in step with appVersion)');
      continue;
    }
    for (const t of tokens) {
      // Strict: semver.valid() also takes " 1.0.0" and "v1.0.0", which would end up verbatim in image tags and git tags.
      if (strictSemver(t.value) === undefined) {
        const hint = /^[vV=]\d/.test(t.value) ? ` (write it without the leading "${t.value[0]}")` : '';
        issue(`${t.label} is "${t.value}", not a semantic version (X.Y.Z)${hint}; fix it with lanes bump ${component.name} --version X.Y.Z`, 'E_VERSION_NOT_SEMVER');
        continue;
      }
      const unfit = publishProblem(component, t.value);
      if (unfit) issue(`${t.label} is "${t.value}": ${unfit}`, 'E_VERSION_NOT_SEMVER');
    }
    files.push({ spec, content, tokens, real });
  }
  return { files, issues };
}

export function summariseVersions(component: Component, files: readonly LocatedFile[]): ComponentVersion {
  const readings = files.flatMap((f) => f.tokens.map((t) => ({ file: f.spec.file, label: t.label, value: t.value })));
  const version = readings[0]?.value;
  return { component: component.name, version, agree: readings.every((r) => r.value === version), readings };
}

/** Every component's checked-in version. Unreadable or malformed version files fail with one ConfigError listing all. */
export function readAllVersions(config: LanesConfig): Map<string, ComponentVersion> {
  // Every file is read first, so that the regex formats' matches can run as one batch under
  // their time limit (see withPatternsMatched). A read that throws is thrown when its turn
  // comes, after the issues of the files before it, as when each was read in its turn.
  const reads = new Map<VersionFileSpec, VersionFileRead | { thrown: unknown }>();
  const jobs: PatternJob[] = [];
  for (const c of config.components) {
    for (const spec of c.versionFiles) {
      let read: VersionFileRead | { thrown: unknown };
      try {
        read = readVersionFile(config.root, spec.file);
      } catch (thrown) {
        read = { thrown };
      }
      reads.set(spec, read);
      if (spec.format === 'regex' && spec.pattern !== undefined && 'content' in read) jobs.push({ pattern: spec.pattern, content: read.content });
    }
  }
  const readAhead = (spec: VersionFileSpec): VersionFileRead => {
    const read = reads.get(spec)!;
    if ('thrown' in read) throw read.thrown;
    return read;
  };
  return withPatternsMatched(jobs, () => {
    const out = new Map<string, ComponentVersion>();
    const issues: ConfigIssue[] = [];
    for (const c of config.components) {
      const located = locateComponentFiles(config.root, c, config.file, readAhead);
      issues.push(...located.issues);
      out.set(c.name, summariseVersions(c, located.files));
    }
    if (issues.length > 0) throw new ConfigError(issues, 'version files cannot be read');
    return out;
  });
}

/** "dsx_connect/version.py=1.4.0, dsx_connect/deploy/helm/Chart.yaml appVersion=1.3.9" */
export function describeDisagreement(v: ComponentVersion): string {
  return v.readings.map((r) => `${r.file}${r.label === 'content' ? '' : ` ${r.label}`}=${r.value}`).join(', ');
}
