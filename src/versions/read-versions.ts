import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { ConfigError, type ConfigIssue } from '../errors.js';
import type { Component, LanesConfig, VersionFileSpec } from '../config/model.js';
import { FORMATS } from './format-registry.js';
import { JsonSyntaxError } from './json-locate.js';
import type { VersionToken } from './token.js';

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
}

/** Reads and locates every version file of a component; problems are returned, not thrown. */
export function locateComponentFiles(root: string, component: Component, configFile: string): { files: LocatedFile[]; issues: ConfigIssue[] } {
  const files: LocatedFile[] = [];
  const issues: ConfigIssue[] = [];
  for (const spec of component.versionFiles) {
    const issue = (message: string) => issues.push({ file: spec.file, path: '', message: `${message} (named at ${configFile} ${spec.yamlPath})` });
    let content: string;
    try {
      content = readFileSync(join(root, spec.file), 'utf8');
    } catch (e) {
      issue(`cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      continue;
    }
    let tokens: VersionToken[];
    try {
      tokens = FORMATS[spec.format].locate(content, spec);
    } catch (e) {
      if (e instanceof JsonSyntaxError) {
        issue(e.message);
        continue;
      }
      throw e;
    }
    if (tokens.length === 0) {
      issue(`no version found: expected ${FORMATS[spec.format].expected(spec)} (format ${spec.format})`);
      continue;
    }
    for (const t of tokens) {
      if (!semver.valid(t.value)) issue(`${t.label} is "${t.value}", not a semantic version (X.Y.Z); fix it with lanes bump ${component.name} --version X.Y.Z`);
    }
    files.push({ spec, content, tokens });
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
  const out = new Map<string, ComponentVersion>();
  const issues: ConfigIssue[] = [];
  for (const c of config.components) {
    const located = locateComponentFiles(config.root, c, config.file);
    issues.push(...located.issues);
    out.set(c.name, summariseVersions(c, located.files));
  }
  if (issues.length > 0) throw new ConfigError(issues, 'version files cannot be read');
  return out;
}

/** "dsx_connect/version.py=1.4.0, dsx_connect/deploy/helm/Chart.yaml appVersion=1.3.9" */
export function describeDisagreement(v: ComponentVersion): string {
  return v.readings.map((r) => `${r.file}${r.label === 'content' ? '' : ` ${r.label}`}=${r.value}`).join(', ');
}
