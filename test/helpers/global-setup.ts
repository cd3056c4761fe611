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
 * `lanes-test-<run>-…` name) and a temp directory of its own (TMPDIR, and
 * XDG_CACHE_HOME below it, removed at the end), and notes what the Docker engine and the test registry hold
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
  // The CLIs the tests start keep their compile cache (bin/compile-cache.js) there too, not in the user's home.
  process.env.XDG_CACHE_HOME = join(tmp, 'cache');

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
      if (left.ours.length || left.unattributed.length || removal) {
        // Vitest reports an error thrown here but keeps exit code 0: set it, so `npm test` fails.
        process.exitCode = 1;
        const list = (items: string[]) => items.map((i) => `\n    ${i}`).join('');
        throw new Error(
          'the tests left things behind on this machine; every test must remove what it creates, also when it fails (testScope() in test/helpers/testbed.ts)' +
            (left.ours.length ? `\n  made by this run (named ${runMarker()}-… or labelled ${RUN_LABEL}=${run}), now removed:${list(left.ours)}` : '') +
            (left.unattributed.length
              ? `\n  new since the run started, named by no test run (a test that does not use testScope(), or another process on this machine), left as they are:${list(left.unattributed)}`
              : '') +
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
export function leftovers(before: Snapshot, after: Snapshot, run: string): { ours: string[]; unattributed: string[] } {
  const ours: Selector = { label: `${RUN_LABEL}=${run}`, prefix: `${TEST_NAME_PREFIX}${run}-` };
  const otherRunName = (name: string) => {
    const m = new RegExp(`(?:^|/)${TEST_NAME_PREFIX}([0-9a-f]{6})-`).exec(name);
    return m !== null && m[1] !== run;
  };
  const otherRunLabel = (labels: Record<string, string>) => labels[RUN_LABEL] !== undefined && labels[RUN_LABEL] !== run;
  const left = { ours: [] as string[], unattributed: [] as string[] };
  const note = (isOurs: boolean, isOthers: boolean, what: string) => {
    if (isOurs) left.ours.push(what);
    else if (!isOthers) left.unattributed.push(what);
  };

  const imagesBefore = new Set(before.images.map((i) => `${i.id} ${i.ref}`));
  for (const i of after.images.filter((x) => !imagesBefore.has(`${x.id} ${x.ref}`))) {
    note(imageSelected(i, ours), otherRunLabel(i.labels) || otherRunName(i.ref), `image ${i.ref === '<none>:<none>' ? '<untagged>' : i.ref} (${i.id.replace('sha256:', '').slice(0, 12)})`);
  }
  const containersBefore = new Set(before.containers.map((c) => c.id));
  for (const c of after.containers.filter((x) => !containersBefore.has(x.id))) {
    const others = otherRunLabel(c.labels) || otherRunName(c.name) || otherRunName(c.labels['com.docker.compose.project'] ?? '');
    note(containerSelected(c, ours), others, `container ${c.name} (${c.id.slice(0, 12)}, image ${c.image})`);
  }
  const networksBefore = new Set(before.networks);
  for (const n of after.networks.filter((x) => !networksBefore.has(x))) note(n.startsWith(ours.prefix), otherRunName(n), `network ${n}`);
  const reposBefore = new Set(before.repositories);
  for (const r of before.repositories ? (after.repositories ?? []).filter((x) => !reposBefore.has(x)) : []) {
    note(repoSelected(r, ours), otherRunName(r), `registry repository ${r}`);
  }
  return left;
}
