import { posix } from 'node:path';
import type { LanesConfig } from '../config/model.js';

/** Files whose presence makes a directory look like a component of its own. */
const MARKERS = new Set(['Dockerfile', 'Chart.yaml', 'version.py', 'VERSION', 'pyproject.toml', 'Cargo.toml', 'tauri.conf.json']);

/**
 * Directories holding a Dockerfile, a Chart.yaml or a version file that no
 * component of lanes.yaml covers: the components someone forgot to add.
 * Takes the list of tracked files, so it costs no extra I/O.
 */
export function findUnlistedComponents(config: LanesConfig, files: readonly string[]): string[] {
  const covered = new Set(
    config.components.flatMap((c) => [
      ...c.sources,
      ...c.versionFiles.map((v) => posix.dirname(v.file)),
      ...(c.image ? [posix.dirname(c.image.dockerfile)] : []),
      ...(c.chart ? [c.chart.path] : []),
    ]).map((p) => p.replace(/\/+$/, '')),
  );
  if (covered.has('.')) return [];
  // A directory is covered when it or one of its parents is: a walk up its path, not a scan of every component.
  const isCovered = (dir: string) => {
    for (let d = dir; d !== '.' && d !== ''; d = posix.dirname(d)) if (covered.has(d)) return true;
    return false;
  };
  const dirs = new Set<string>();
  for (const file of files) {
    if (!MARKERS.has(posix.basename(file))) continue;
    if (/(^|\/)(node_modules|\.git|examples|test|tests|fixtures)\//.test(file)) continue;
    const dir = posix.dirname(file);
    if (!isCovered(dir)) dirs.add(dir);
  }
  return [...dirs].sort();
}
