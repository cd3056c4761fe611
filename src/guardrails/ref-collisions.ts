import type { LanesConfig } from '../config/model.js';
import type { Lane } from '../plan/types.js';
import { repositoryKey } from '../registry/image-ref.js';
import type { Finding } from './finding.js';

/** Where references can collide: the local image store (image names), or one registry pair of lanes.yaml. */
export type CollisionTarget = 'local' | 'dev' | 'release';

/** One thing that publishes to a repository: a component's image or chart. */
export interface RepositoryClaim {
  component: string;
  index: number;
  what: 'image' | 'chart';
  /** image.name, or the chart's name: from Chart.yaml. */
  name: string;
  /** Where its Chart.yaml is, for charts (the fix names it). */
  chartPath?: string;
}

/** Two or more claims on one repository of one target. */
export interface RefCollision {
  target: CollisionTarget;
  /** The repository in canonical form (registry-1.docker.io/ns/name), or the local image name. */
  repository: string;
  claims: RepositoryClaim[];
}

/** The lanes a collision in each target stops: the lanes that write those references. */
const STOPS: Record<CollisionTarget, readonly Lane[]> = {
  local: ['local', 'compose-up-local'],
  dev: ['dev'],
  release: ['release'],
};

const TARGET_WORDS: Record<CollisionTarget, string> = { local: 'the local image store', dev: 'registries.dev', release: 'registries.release' };
const LANE_COMMAND: Partial<Record<Lane, string>> = { local: 'build-all-local', 'compose-up-local': 'compose-up-local', dev: 'push-all-dev', release: 'release' };

/**
 * Every repository two things would publish to: two images of one name (in
 * the local store and every registry), two charts of one name, or a chart
 * and an image in one registry namespace — with registry host aliases taken
 * as one registry (docker.io/ns images and oci://registry-1.docker.io/ns
 * charts both land on Docker Hub, where an image and a chart of one name
 * overwrite each other's tags).
 */
export function findRefCollisions(config: LanesConfig): RefCollision[] {
  const out: RefCollision[] = [];
  const group = (target: CollisionTarget, keyed: [string, RepositoryClaim][]) => {
    const byKey = new Map<string, RepositoryClaim[]>();
    for (const [key, claim] of keyed) byKey.set(key, [...(byKey.get(key) ?? []), claim]);
    for (const [repository, claims] of byKey) if (claims.length > 1) out.push({ target, repository, claims });
  };
  const images = config.components.flatMap((c): RepositoryClaim[] => (c.image && !c.external ? [{ component: c.name, index: c.index, what: 'image', name: c.image.name }] : []));
  const charts = config.components.flatMap((c): RepositoryClaim[] => (c.chart && !c.external ? [{ component: c.name, index: c.index, what: 'chart', name: c.chart.name, chartPath: c.chart.path }] : []));
  group('local', images.map((i) => [i.name, i]));
  for (const target of ['dev', 'release'] as const) {
    const pair = config.registries[target];
    if (!pair) continue;
    group(target, [...images.map((i): [string, RepositoryClaim] => [repositoryKey(pair.images, i.name), i]), ...charts.map((c): [string, RepositoryClaim] => [repositoryKey(pair.charts, c.name), c])]);
  }
  return out;
}

/**
 * Collisions as E_REF_COLLISION findings, one per set of colliding things:
 * an error in the lanes whose references collide (and in status, which
 * reports what would stop a lane), a warning in the other lanes, which can
 * still run. `lane` undefined: status.
 */
export function refCollisionFindings(config: LanesConfig, lane?: Lane): Finding[] {
  const sets = new Map<string, RefCollision[]>();
  for (const c of findRefCollisions(config)) {
    const key = c.claims.map((x) => `${x.index}.${x.what}`).join(' ');
    sets.set(key, [...(sets.get(key) ?? []), c]);
  }
  return [...sets.values()].map((collisions) => {
    const claims = collisions[0]!.claims;
    const stops = [...new Set(collisions.flatMap((c) => STOPS[c.target]))];
    const breaksThisLane = lane === undefined || stops.includes(lane);
    const where = collisions.map((c) => `${TARGET_WORDS[c.target]} (${c.repository})`).join(' and ');
    const one = claims.every((x) => x.component === claims[0]!.component);
    const things = one ? `${claims[0]!.component}: its ${claims.map((x) => `${x.what} ${x.name}`).join(' and its ')}` : claims.map((x) => `the ${x.what} ${x.name} of ${x.component}`).join(' and ');
    const commands = stops.map((l) => LANE_COMMAND[l]!);
    const stopped = commands.length === 1 ? `${commands[0]} stops` : `${commands.slice(0, -1).join(', ')} and ${commands.at(-1)} stop`;
    const last = claims[claims.length - 1]!;
    return {
      code: 'E_REF_COLLISION' as const,
      severity: breaksThisLane ? ('error' as const) : ('warning' as const),
      component: last.component,
      message: `${things} are one repository in ${where}${aliasNote(config, collisions)}: each push would overwrite the other's tags, so ${stopped} on it; ${fixFor(claims)}`,
    };
  });
}

/** Says so when the repository is one only because two host names are one registry (Docker Hub). */
function aliasNote(config: LanesConfig, collisions: readonly RefCollision[]): string {
  for (const c of collisions) {
    if (c.target === 'local') continue;
    const pair = config.registries[c.target]!;
    const hosts = [pair.images, pair.charts.replace(/^oci:\/\//, '')].map((v) => v.split('/')[0]!);
    if (hosts[0] !== hosts[1] && c.claims.some((x) => x.what === 'image') && c.claims.some((x) => x.what === 'chart')) {
      return ` (${hosts[0]} and ${hosts[1]} are one registry${c.repository.startsWith('registry-1.docker.io/') ? ', Docker Hub' : ''})`;
    }
  }
  return '';
}

function fixFor(claims: readonly RepositoryClaim[]): string {
  const chart = claims.find((x) => x.what === 'chart');
  if (chart && claims.some((x) => x.what === 'image')) {
    return `rename the chart (name: in ${chart.chartPath}/Chart.yaml, e.g. "${chart.name}-chart"), or point registries.<lane>.charts at a namespace of its own`;
  }
  const last = claims[claims.length - 1]!;
  return chart
    ? `give one of the charts another name (name: in ${last.chartPath}/Chart.yaml)`
    : `give one of the images another name (components[${last.index}].image.name in lanes.yaml)`;
}
