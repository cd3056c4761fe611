/** A reference split the way the distribution API needs it. */
export interface RepoRef {
  /** host[:port], as used in URLs (docker.io becomes registry-1.docker.io). */
  registry: string;
  /** Repository path inside the registry, e.g. dsxconnect/dsx-connect. */
  repository: string;
  /** Tag or digest. */
  reference: string;
}

/**
 * Parses `host[:port]/path/name:tag` (images) or `oci://host/path/name:tag`
 * (charts). A first segment without a dot, colon or "localhost" is a Docker
 * Hub namespace, as docker itself decides.
 */
export function parseRef(ref: string): RepoRef {
  const bare = ref.replace(/^oci:\/\//, '');
  const at = bare.indexOf('@');
  let name = at >= 0 ? bare.slice(0, at) : bare;
  let reference = at >= 0 ? bare.slice(at + 1) : 'latest';
  if (at < 0) {
    const colon = name.lastIndexOf(':');
    if (colon > name.lastIndexOf('/')) {
      reference = name.slice(colon + 1);
      name = name.slice(0, colon);
    }
  }
  const first = name.split('/')[0]!;
  const hasHost = name.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  const registry = canonicalRegistry(hasHost ? first : 'docker.io');
  let repository = hasHost ? name.slice(first.length + 1) : name;
  if (registry === DOCKER_HUB && !repository.includes('/')) repository = `library/${repository}`;
  return { registry, repository, reference };
}

/** Docker Hub's API host; canonicalRegistry maps every other name of Docker Hub to it. */
export const DOCKER_HUB = 'registry-1.docker.io';

/** Every host name that means Docker Hub: docker's default, its index, its API host, and the old web host. */
export const DOCKER_HUB_ALIASES: readonly string[] = ['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com'];

/**
 * One name per registry: host names are case-insensitive, and Docker Hub has
 * several (docker.io/ns images and oci://registry-1.docker.io/ns charts are
 * one registry). Collisions, credentials and look-ups all compare this form.
 */
export function canonicalRegistry(host: string): string {
  const lower = host.toLowerCase();
  return DOCKER_HUB_ALIASES.includes(lower) ? DOCKER_HUB : lower;
}

/**
 * Where a repository really is, as `registry/repository` in canonical form:
 * `docker.io/ns` + `x` and `oci://registry-1.docker.io/ns` + `x` are the same
 * repository. `namespace` is an images or charts value of lanes.yaml.
 */
export function repositoryKey(namespace: string, name: string): string {
  const r = parseRef(joinRef(namespace.replace(/^oci:\/\//, ''), name, 'x'));
  return `${r.registry}/${r.repository}`;
}

/** The key Docker keeps Docker Hub's login under (config.json `auths`, credential helpers). */
export const DOCKER_HUB_AUTH_KEY = 'https://index.docker.io/v1/';

/** The host to `docker login` to for a registry: Docker Hub's login lives under docker.io, not its API host. */
export function loginHost(registry: string): string {
  return registry === DOCKER_HUB ? 'docker.io' : registry;
}

/** Helm stores a chart version as an OCI tag with "+" (not allowed in tags) replaced by "_". */
export function chartTag(version: string): string {
  return version.replaceAll('+', '_');
}

/** `host/ns` + name -> `host/ns/name`: the repository an image is pushed to. */
export function joinRepository(namespace: string, name: string): string {
  return `${namespace.replace(/\/+$/, '')}/${name}`;
}

/** `host/ns` + name + tag -> `host/ns/name:tag`. */
export function joinRef(namespace: string, name: string, tag: string): string {
  return `${joinRepository(namespace, name)}:${tag}`;
}
