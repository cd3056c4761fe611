import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';

/**
 * What the tests create on the machine's Docker engine and in the test
 * registry, how to find it again, and how to remove it.
 *
 * Every name a test gives an image, container, network or registry repository
 * starts with `lanes-test-<run>-`, where <run> identifies one `vitest run`
 * (several may share this machine), and every image a test builds descends
 * from a base image labelled `lanes.test.run=<run>` and
 * `lanes.test.scope=<scope>` — labels that Docker copies into every image
 * built from it and every container started from those, including the
 * untagged layers and the stopped container a failed `docker build` leaves.
 * Used by the test files' afterAll (one scope) and by the global teardown
 * (the whole run).
 */

export const RUN_LABEL = 'lanes.test.run';
export const SCOPE_LABEL = 'lanes.test.scope';
/** Every name the tests create starts with this, followed by the run id. */
export const TEST_NAME_PREFIX = 'lanes-test-';

/** The id of this test run: set by the global setup, inherited by every test worker. */
export function runId(): string {
  process.env.LANES_TEST_RUN ??= randomBytes(3).toString('hex');
  return process.env.LANES_TEST_RUN;
}

/** `lanes-test-<run>`: the prefix of every name this run creates. */
export function runMarker(): string {
  return `${TEST_NAME_PREFIX}${runId()}`;
}

export const docker = (...args: string[]): string =>
  execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 }).trim();
const lines = (text: string) => text.split('\n').map((l) => l.trim()).filter(Boolean);

export interface Selector {
  /** Docker label (key=value) carried by every image and container of the selection. */
  label: string;
  /** Every name in the selection starts with this (image repository, container, network, compose project, registry namespace). */
  prefix: string;
}

export interface ImageEntry { id: string; ref: string; labels: Record<string, string> }
export interface ContainerEntry { id: string; name: string; image: string; labels: Record<string, string> }

/** Every image (with its tags, untagged ones as `<none>:<none>`) and its labels. */
export function listImages(): ImageEntry[] {
  const entries = lines(docker('images', '-a', '--no-trunc', '--format', '{{.ID}} {{.Repository}}:{{.Tag}}')).map((l) => {
    const [id, ref] = l.split(' ');
    return { id: id!, ref: ref! };
  });
  const ids = [...new Set(entries.map((e) => e.id))];
  const labels = new Map<string, Record<string, string>>();
  for (let i = 0; i < ids.length; i += 100) {
    const chunk = ids.slice(i, i + 100);
    let out = '';
    try {
      out = docker('image', 'inspect', '--format', '{{.Id}} {{json .Config.Labels}}', ...chunk);
    } catch (e: any) {
      out = String(e.stdout ?? ''); // an image removed meanwhile (another run's clean-up): inspect the rest
    }
    for (const l of lines(out)) {
      const at = l.indexOf(' ');
      labels.set(l.slice(0, at), JSON.parse(l.slice(at + 1)) ?? {});
    }
  }
  return entries.map((e) => ({ ...e, labels: labels.get(e.id) ?? {} }));
}

export function listContainers(): ContainerEntry[] {
  return lines(docker('ps', '-a', '--no-trunc', '--format', '{{.ID}}\t{{.Names}}\t{{.Image}}\t{{json .Labels}}')).map((l) => {
    const [id, name, image, labelText] = l.split('\t');
    // `docker ps` shows labels as k=v,k=v (quoted as JSON); values with commas are rare enough for a test tool.
    const labels: Record<string, string> = {};
    for (const kv of (JSON.parse(labelText!) as string).split(',').filter(Boolean)) {
      const at = kv.indexOf('=');
      labels[kv.slice(0, at)] = kv.slice(at + 1);
    }
    return { id: id!, name: name!, image: image!, labels };
  });
}

export function listNetworks(): string[] {
  return lines(docker('network', 'ls', '--format', '{{.Name}}'));
}

const hasLabel = (labels: Record<string, string>, s: Selector) => {
  const [k, v] = [s.label.slice(0, s.label.indexOf('=')), s.label.slice(s.label.indexOf('=') + 1)];
  return labels[k] === v;
};
/** `name` is, or is in the namespace of, something the selection named (`registry/<prefix>…/x:1`, `<prefix>…:1`). */
export const namedBy = (name: string, s: Selector): boolean =>
  name.split('/').some((part) => part.startsWith(s.prefix)) || name.startsWith(s.prefix);

export const imageSelected = (i: ImageEntry, s: Selector) => hasLabel(i.labels, s) || namedBy(i.ref, s);
export const containerSelected = (c: ContainerEntry, s: Selector) =>
  hasLabel(c.labels, s) || namedBy(c.name, s) || namedBy(c.image, s) || namedBy(c.labels['com.docker.compose.project'] ?? '', s);

// --- the test registry ---------------------------------------------------------------------

interface Registry { host: string; user: string; password: string; ca: string; data?: string }

export function testRegistry(): Registry | undefined {
  const host = process.env.LANES_TEST_REGISTRY;
  if (!host) return undefined;
  return {
    host,
    user: process.env.LANES_TEST_REGISTRY_USER!,
    password: process.env.LANES_TEST_REGISTRY_PASSWORD!,
    ca: process.env.LANES_TEST_CA!,
    data: process.env.LANES_TEST_REGISTRY_DATA,
  };
}

function call(reg: Registry, method: string, path: string, accept?: string): Promise<{ status: number; headers: Record<string, any>; body: string }> {
  const [hostname, port] = reg.host.split(':');
  return new Promise((resolve, reject) => {
    const req = request(
      {
        hostname, port: Number(port ?? 443), path, method, ca: readFileSync(reg.ca), servername: hostname,
        headers: { authorization: `Basic ${Buffer.from(`${reg.user}:${reg.password}`).toString('base64')}`, ...(accept ? { accept } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      },
    );
    req.on('error', reject);
    req.setTimeout(15_000, () => req.destroy(new Error(`${method} https://${reg.host}${path} timed out`)));
    req.end();
  });
}

const MANIFEST_TYPES = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
].join(', ');

/** Every repository in the test registry. */
export async function registryCatalog(reg = testRegistry()): Promise<string[]> {
  if (!reg) return [];
  const repos: string[] = [];
  // Pages of up to 1000 (the registry's limit), following the Link header.
  for (let path: string | undefined = '/v2/_catalog?n=1000'; path; ) {
    const res = await call(reg, 'GET', path);
    if (res.status !== 200) throw new Error(`GET ${path} answered HTTP ${res.status}: ${res.body.slice(0, 200)}`);
    repos.push(...((JSON.parse(res.body).repositories ?? []) as string[]));
    path = /<([^>]+)>;\s*rel="next"/.exec(String(res.headers.link ?? ''))?.[1];
  }
  return repos;
}

/**
 * Deletes every manifest of `repo` by digest through the registry API (the
 * testbed registry has deletes enabled), then the repository's directory in
 * the registry's storage: the distribution registry has no API to delete a
 * repository, and its catalog lists a repository with no manifests left.
 * (Blobs stay until a garbage collection; no catalog shows them.)
 */
export async function deleteRepository(repo: string, reg = testRegistry()): Promise<void> {
  if (!reg) return;
  const tags = await call(reg, 'GET', `/v2/${repo}/tags/list`);
  const names: string[] = tags.status === 200 ? (JSON.parse(tags.body).tags ?? []) : [];
  const digests = new Set<string>();
  for (const tag of names) {
    const head = await call(reg, 'HEAD', `/v2/${repo}/manifests/${tag}`, MANIFEST_TYPES);
    const digest = head.headers['docker-content-digest'];
    if (head.status === 200 && digest) digests.add(String(digest));
  }
  for (const digest of digests) {
    const del = await call(reg, 'DELETE', `/v2/${repo}/manifests/${digest}`);
    if (del.status !== 202 && del.status !== 404) throw new Error(`DELETE ${repo}@${digest} answered HTTP ${del.status}: ${del.body.slice(0, 200)}`);
  }
  if (reg.data) rmSync(join(reg.data, 'docker/registry/v2/repositories', repo), { recursive: true, force: true });
}

/** Repositories whose namespace the selection named. */
export const repoSelected = (repo: string, s: Selector) => repo.split('/')[0]!.startsWith(s.prefix);

// --- removal -------------------------------------------------------------------------------

/**
 * Removes every container, network, image and registry repository of the
 * selection. Throws, listing what it could not remove, after trying all of it.
 */
export async function removeSelected(s: Selector, opts: { registry?: boolean } = {}): Promise<void> {
  const problems: string[] = [];
  const attempt = (what: string, fn: () => unknown) => {
    try {
      fn();
    } catch (e: any) {
      problems.push(`${what}: ${String(e.stderr ?? e.message).trim()}`);
    }
  };
  let containers: ContainerEntry[] = [];
  attempt('docker ps', () => (containers = listContainers().filter((c) => containerSelected(c, s))));
  if (containers.length) attempt('docker rm', () => docker('rm', '-f', '-v', ...containers.map((c) => c.id)));

  let networks: string[] = [];
  attempt('docker network ls', () => (networks = listNetworks().filter((n) => n.startsWith(s.prefix))));
  for (const n of networks) attempt(`docker network rm ${n}`, () => docker('network', 'rm', n));

  // Images built from the selection's base (its label) go by id, children first: a parent with a
  // dependent child cannot be removed, so repeat while that makes progress. An image the selection
  // only named (a tag on someone else's image) loses that tag and nothing more.
  for (let round = 0; ; round++) {
    let images: ImageEntry[] = [];
    attempt('docker images', () => (images = listImages().filter((i) => imageSelected(i, s))));
    const ids = [...new Set(images.filter((i) => hasLabel(i.labels, s)).map((i) => i.id))];
    const tagsOnly = [...new Set(images.filter((i) => !hasLabel(i.labels, s) && i.ref !== '<none>:<none>').map((i) => i.ref))];
    if (!ids.length && !tagsOnly.length) break;
    const failed: string[] = [];
    for (const ref of tagsOnly) {
      try {
        docker('rmi', ref);
      } catch (e: any) {
        failed.push(`docker rmi ${ref}: ${String(e.stderr ?? e.message).trim()}`);
      }
    }
    for (const id of ids) { // `docker images` lists the newest, so the children, first
      try {
        docker('rmi', '-f', id);
      } catch (e: any) {
        failed.push(`docker rmi ${id}: ${String(e.stderr ?? e.message).trim()}`);
      }
    }
    if (failed.length === ids.length + tagsOnly.length || round === 10) {
      problems.push(...failed);
      break;
    }
  }

  if (opts.registry !== false) {
    try {
      for (const repo of (await registryCatalog()).filter((r) => repoSelected(r, s))) {
        try {
          await deleteRepository(repo);
        } catch (e: any) {
          problems.push(`registry ${repo}: ${e.message}`);
        }
      }
    } catch (e: any) {
      problems.push(`registry catalog: ${e.message}`);
    }
  }
  if (problems.length) throw new Error(`could not remove everything the tests created:\n  ${problems.join('\n  ')}`);
}
