import { basename } from 'node:path';
import type { VersionFormatName } from '../config/schema.js';
import type { VersionFormat } from './token.js';
import { pythonFile } from './formats/python-file.js';
import { packageJson } from './formats/package-json.js';
import { packageLock } from './formats/package-lock.js';
import { chartYaml } from './formats/chart-yaml.js';
import { pyproject } from './formats/pyproject.js';
import { cargoToml } from './formats/cargo-toml.js';
import { cargoLock } from './formats/cargo-lock.js';
import { plainFile } from './formats/plain-file.js';
import { regexFile } from './formats/regex-file.js';
import { envPin } from './formats/env-pin.js';

export const FORMATS: Record<VersionFormatName, VersionFormat> = {
  python: pythonFile,
  'package-json': packageJson,
  'package-lock': packageLock,
  'chart-yaml': chartYaml,
  pyproject,
  'cargo-toml': cargoToml,
  'cargo-lock': cargoLock,
  'tauri-conf': packageJson,
  plain: plainFile,
  regex: regexFile,
  'env-pin': envPin,
};

/** The format a file name implies, or undefined when lanes.yaml must say (`format:`). */
export function inferFormat(file: string): VersionFormatName | undefined {
  const base = basename(file);
  if (base.endsWith('.py')) return 'python';
  if (base === 'package.json') return 'package-json';
  if (base === 'package-lock.json') return 'package-lock';
  if (base === 'Chart.yaml') return 'chart-yaml';
  if (base === 'pyproject.toml') return 'pyproject';
  if (base === 'Cargo.toml') return 'cargo-toml';
  if (base === 'Cargo.lock') return 'cargo-lock';
  if (base === 'tauri.conf.json') return 'tauri-conf';
  if (base === 'VERSION' || base === 'version.txt') return 'plain';
  if (base.endsWith('.env') || base.startsWith('.env')) return 'env-pin';
  return undefined;
}
