import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  containerSelected, imageSelected, listContainers, listImages, listNetworks, registryCatalog, removeSelected, repoSelected,
  RUN_LABEL, runId, runMarker, TEST_NAME_PREFIX, type ContainerEntry, type ImageEntry, type Selector,
} from './test-resources.js';

/**
 * Loads .lanes/testbed.env (written by scripts/testbed.sh) into the
 * environment, so end-to-end tests find the registry, its CA, helm and the
 * local base image. Unit tests do not need it.
 *
 * It also gives the run an id (LANES_TEST_RUN, the `<run>` in every
 * `lanes-test-<run>-…` name) and a temp directory of its own (TMPDIR, removed
 * at the end), and notes what the Docker engine and the test registry hold
 * before the tests. The teardown checks that `docker images`, `docker ps -a`,
 * `docker network ls` and the registry catalog show nothing the tests
 * created — and fails the run, naming it, if they do — then removes whatever
 * of this run is still there, so even a failing run leaves the machine as it
 * found it.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const file = join(import.meta.dirname, '../../.lanes/testbed.env');
  if (existsSync(file)) {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const m = /^([A-Z_]+)=(.*)$/.exec(line);
      if (m) process.env[m[1]!] = m[2]!;
    }
  }
  const run = runId();
  const engine = process.env.LANES_TEST_REGISTRY !== undefined && dockerAnswers();
  const before = engine ? await snapshot() : undefined;
  // Last, so a failed set-up leaves no directory behind (vitest runs no teardown then).
  const tmp = mkdtempSync(join(tmpdir(), `${runMarker()}-`));
  process.env.TMPDIR = tmp;

  return async function teardown() {
    try {
      if (!before) return;
      const left = leftovers(before, await snapshot(), run);
      const selector: Selector = { label: `${RUN_LABEL}=${run}`, prefix: `${runMarker()}-` };
      let removal = '';
      try {
        await removeSelected(selector, { registry: before.repositories !== undefined });
      } catch (e: any) {
        removal = `\n${e.message}`;
      }
      if (left.length || removal) {
        // Vitest reports an error thrown here but keeps exit code 0: set it, so `npm test` fails.
        process.exitCode = 1;
        throw new Error(
          `the tests left things behind on this machine (every test must remove what it creates, in afterAll/afterEach, also when it fails; see testScope() in test/helpers/testbed.ts):\n  ${left.join('\n  ')}` +
            (left.some((l) => l.includes(`${runMarker()}-`)) ? `\nThose named ${runMarker()}-… or labelled ${RUN_LABEL}=${run} have now been removed.` : '') +
            removal,
        );
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  };
}

function dockerAnswers(): boolean {
  try {
    execFileSync('docker', ['info'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

interface Snapshot {
  images: ImageEntry[];
  containers: ContainerEntry[];
  networks: string[];
  /** Undefined when the test registry does not answer (then no test can push to it either). */
  repositories?: string[];
}

async function snapshot(): Promise<Snapshot> {
  const repositories = await registryCatalog().catch(() => undefined);
  return { images: listImages(), containers: listContainers(), networks: listNetworks(), repositories };
}

/**
 * What is there now and was not before, except what another run (another
 * `lanes-test-<other run>-` name or `lanes.test.run` label) made meanwhile:
 * several test runs may share this engine and registry.
 */
export function leftovers(before: Snapshot, after: Snapshot, run: string): string[] {
  const ours: Selector = { label: `${RUN_LABEL}=${run}`, prefix: `${TEST_NAME_PREFIX}${run}-` };
  const otherRunName = (name: string) => {
    const m = new RegExp(`(?:^|/)${TEST_NAME_PREFIX}([0-9a-f]{6})-`).exec(name);
    return m !== null && m[1] !== run;
  };
  const otherRunLabel = (labels: Record<string, string>) => labels[RUN_LABEL] !== undefined && labels[RUN_LABEL] !== run;
  const left: string[] = [];

  const imagesBefore = new Set(before.images.map((i) => `${i.id} ${i.ref}`));
  for (const i of after.images) {
    if (imagesBefore.has(`${i.id} ${i.ref}`)) continue;
    if (!imageSelected(i, ours) && (otherRunLabel(i.labels) || otherRunName(i.ref))) continue;
    left.push(`image ${i.ref === '<none>:<none>' ? '<untagged>' : i.ref} (${i.id.replace('sha256:', '').slice(0, 12)})`);
  }
  const containersBefore = new Set(before.containers.map((c) => c.id));
  for (const c of after.containers) {
    if (containersBefore.has(c.id)) continue;
    if (!containerSelected(c, ours) && (otherRunLabel(c.labels) || otherRunName(c.name) || otherRunName(c.labels['com.docker.compose.project'] ?? ''))) continue;
    left.push(`container ${c.name} (${c.id.slice(0, 12)}, image ${c.image})`);
  }
  const networksBefore = new Set(before.networks);
  for (const n of after.networks) {
    if (networksBefore.has(n) || (!n.startsWith(ours.prefix) && otherRunName(n))) continue;
    left.push(`network ${n}`);
  }
  const reposBefore = new Set(before.repositories);
  for (const r of before.repositories ? (after.repositories ?? []) : []) {
    if (reposBefore.has(r) || (!repoSelected(r, ours) && otherRunName(r))) continue;
    left.push(`registry repository ${r}`);
  }
  return left;
}
