import { posix } from 'node:path';
import type { LanesConfig } from '../config/model.js';

/** Files whose presence makes a directory look like a component of its own. */
const MARKERS = new Set(['Dockerfile', 'Chart.yaml', 'version.py', 'VERSION', 'pyproject.toml', 'Cargo.toml', 'tauri.conf.json']);

/**
 * Directories that hold a part of a component rather than a component: its
 * chart (`deploy/helm`, `helm`, `chart`), its compose and Docker files
 * (`deploy/docker`, `docker`), a desktop app's `src-tauri`. A marker found in
 * one of them belongs to the directory above.
 */
const PART_DIRS = new Set(['deploy', 'helm', 'chart', 'charts', 'docker', 'k8s', 'src-tauri']);

/**
 * Directories holding a Dockerfile, a Chart.yaml or a version file that no
 * component of lanes.yaml covers: the components someone forgot to add, one
 * per component directory (`svc` for `svc/Dockerfile` and
 * `svc/deploy/helm/Chart.yaml` alike). Takes the list of tracked files, so it
 * costs no extra I/O.
 */
export function findUnlistedComponents(config: LanesConfig, files: readonly string[]): string[] {
  const coveredList = config.components
    .flatMap((c) => [
      ...c.sources,
      ...c.versionFiles.map((v) => posix.dirname(v.file)),
      ...(c.image ? [posix.dirname(c.image.dockerfile)] : []),
      ...(c.chart ? [c.chart.path] : []),
    ])
    .map((p) => posix.normalize(p).replace(/\/+$/, ''));
  const covered = new Set(coveredList);
  if (covered.has('.')) return [];
  // A directory is covered when it or one of its parents is: a walk up its path, not a scan of every component.
  const isCovered = (dir: string) => {
    for (let d = dir; d !== '.' && d !== ''; d = posix.dirname(d)) if (covered.has(d)) return true;
    return false;
  };
  // Directories some covered path lies below: a component's part there is not a component of its own.
  const aboveCovered = new Set<string>();
  for (const p of covered) for (let d = posix.dirname(p); d !== '.' && d !== ''; d = posix.dirname(d)) aboveCovered.add(d);
  const componentDir = (dir: string) => {
    let d = dir;
    while (d.includes('/') && PART_DIRS.has(posix.basename(d)) && !aboveCovered.has(posix.dirname(d))) d = posix.dirname(d);
    return d;
  };
  const dirs = new Set<string>();
  for (const file of files) {
    if (!MARKERS.has(posix.basename(file))) continue;
    if (/(^|\/)(node_modules|\.git|examples|test|tests|fixtures)\//.test(file)) continue;
    const dir = posix.dirname(file);
    if (!isCovered(dir)) dirs.add(componentDir(dir));
  }
  // One per top directory: a directory below another unlisted one is part of it.
  const hasUnlistedParent = (dir: string) => {
    for (let d = posix.dirname(dir); d !== '.' && d !== ''; d = posix.dirname(d)) if (dirs.has(d)) return true;
    return false;
  };
  return [...dirs].filter((d) => !hasUnlistedParent(d)).sort();
}
