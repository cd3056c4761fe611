import { readFileSync, existsSync } from 'node:fs';
import { createSecureContext, rootCertificates } from 'node:tls';
import type { Agent, Dispatcher } from 'undici';
import { RegistryError } from '../errors.js';
import { mayReceiveCredentials, resolveCredentials, type CredentialOptions, type Credentials } from './credentials.js';
import { parseRef, type RepoRef } from './image-ref.js';
import { parseChallenge } from './www-authenticate.js';

/** Manifest media types we accept: a tag exists if any of these is stored under it. */
export const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

export interface RegistryClientOptions {
  credentials?: CredentialOptions;
  /** PEM file of an extra CA to trust (self-signed registries). /etc/docker/certs.d/<host>/ca.crt is used too. */
  caFile?: string;
  /** Use http:// instead of https:// (registries on plain HTTP). */
  plainHttp?: boolean;
  /** Per request, milliseconds. */
  timeoutMs?: number;
  /** Retries after the first attempt, on 429, 5xx and connection errors. */
  retries?: number;
  /** First backoff, milliseconds (doubles each retry; Retry-After wins when sent). */
  minBackoffMs?: number;
  /** Directory holding <host>/ca.crt, like Docker's; default /etc/docker/certs.d. */
  certsDir?: string;
}

export interface ManifestFacts {
  exists: boolean;
  digest?: string;
  mediaType?: string;
}

/**
 * A small OCI distribution client: "does this tag exist, what is its digest,
 * and what does its config say". Handles Basic and Bearer-token auth, custom
 * CAs, timeouts and retries (undici's RetryAgent: 429 with Retry-After, 5xx,
 * connection resets). One client is shared by all look-ups of a command so
 * tokens and connections are reused.
 */
export class RegistryClient {
  private readonly dispatchers = new Map<string, Promise<Dispatcher>>();
  private readonly tokens = new Map<string, string>();
  private readonly credentials = new Map<string, Credentials | undefined>();
  constructor(private readonly opts: RegistryClientOptions = {}) {}

  /** HEAD the manifest of `ref` (image or oci:// chart reference). */
  async manifest(ref: string): Promise<ManifestFacts> {
    const r = parseRef(ref);
    const res = await this.send(r, 'HEAD', `/v2/${r.repository}/manifests/${r.reference}`, { accept: MANIFEST_ACCEPT });
    if (res.statusCode === 404) return { exists: false };
    if (res.statusCode === 200) {
      return { exists: true, digest: header(res.headers, 'docker-content-digest'), mediaType: header(res.headers, 'content-type') };
    }
    throw this.unexpected(r, res.statusCode);
  }

  /**
   * The config blob of `ref` as JSON (an image's config with its Labels, or a
   * Helm chart's metadata with its annotations), or undefined when the tag is absent.
   */
  async config(ref: string): Promise<Record<string, unknown> | undefined> {
    const r = parseRef(ref);
    let manifest = await this.getJson(r, `/v2/${r.repository}/manifests/${r.reference}`, MANIFEST_ACCEPT);
    if (!manifest) return undefined;
    const first = (manifest.manifests as { digest: string }[] | undefined)?.[0];
    if (first) manifest = await this.getJson(r, `/v2/${r.repository}/manifests/${first.digest}`, MANIFEST_ACCEPT);
    const digest = (manifest?.config as { digest?: string } | undefined)?.digest;
    if (!digest) return undefined;
    return this.getJson(r, `/v2/${r.repository}/blobs/${digest}`, '*/*');
  }

  async close(): Promise<void> {
    await Promise.all([...this.dispatchers.values()].map(async (d) => (await d).close()));
  }

  private async getJson(r: RepoRef, path: string, accept: string): Promise<Record<string, unknown> | undefined> {
    const res = await this.send(r, 'GET', path, { accept });
    if (res.statusCode === 404) return undefined;
    if (res.statusCode !== 200) throw this.unexpected(r, res.statusCode);
    return parseJson(res.body, () => `${r.registry} answered ${path} with something that is not JSON`) as Record<string, unknown>;
  }

  private async send(r: RepoRef, method: 'HEAD' | 'GET', path: string, headers: Record<string, string>) {
    const scope = `repository:${r.repository}:pull`;
    const key = `${r.registry} ${scope}`;
    const creds = this.credentialsFor(r.registry);
    // Basic credentials hold for the whole registry; a Bearer token only for its scope.
    const authorization = this.tokens.get(key) ?? this.tokens.get(`${r.registry} basic`);
    let res = await this.raw(r.registry, method, path, { ...headers, ...(authorization ? { authorization } : {}) });
    if (res.statusCode !== 401) return res;

    const challenge = parseChallenge(header(res.headers, 'www-authenticate'));
    let auth: string | undefined;
    if (challenge?.scheme === 'basic' && creds) auth = basic(creds);
    else if (challenge?.scheme === 'bearer') auth = await this.bearer(r, challenge.params, scope, creds);
    if (!auth) throw this.authError(r, creds, res.statusCode);
    this.tokens.set(challenge?.scheme === 'basic' ? `${r.registry} basic` : key, auth);
    res = await this.raw(r.registry, method, path, { ...headers, authorization: auth });
    if (res.statusCode === 401 || res.statusCode === 403) throw this.authError(r, creds, res.statusCode);
    return res;
  }

  /**
   * A token from the challenge's realm. The registry's credentials go only to
   * a realm they are bound to (mayReceiveCredentials: the registry's own host,
   * a parent domain of it, Docker Hub's auth.docker.io); any other realm is
   * asked anonymously, and a refusal there says so.
   */
  private async bearer(r: RepoRef, params: Record<string, string>, scope: string, creds: Credentials | undefined): Promise<string> {
    if (!params.realm) throw new RegistryError('E_REGISTRY_AUTH', `${r.registry} sent a Bearer challenge without a realm; it cannot be authenticated against`);
    let url: URL;
    try {
      url = new URL(params.realm);
    } catch {
      throw new RegistryError('E_REGISTRY_AUTH', `${r.registry} sent a Bearer challenge whose realm is not a URL; it cannot be authenticated against`);
    }
    if (params.service) url.searchParams.set('service', params.service);
    url.searchParams.set('scope', params.scope ?? scope);
    const bound = creds && mayReceiveCredentials(r.registry, url, this.opts.plainHttp) ? creds : undefined;
    const res = await this.rawUrl(url, 'GET', { accept: 'application/json', ...(bound ? { authorization: basic(bound) } : {}) });
    if (res.statusCode === 401 || res.statusCode === 403) {
      if (creds && !bound) throw this.unboundRealmError(r, url, creds, res.statusCode);
      throw this.authError(r, creds, res.statusCode);
    }
    if (res.statusCode !== 200) throw new RegistryError('E_REGISTRY', `token service ${url.origin}${url.pathname} answered ${res.statusCode} for ${r.registry}/${r.repository}`);
    const body = parseJson(res.body, () => `token service ${url.origin}${url.pathname} answered with something that is not JSON`) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (!token) throw new RegistryError('E_REGISTRY', `token service ${url.origin}${url.pathname} answered without a token`);
    return `Bearer ${token}`;
  }

  private unboundRealmError(r: RepoRef, realm: URL, creds: Credentials, status: number): RegistryError {
    return new RegistryError(
      'E_REGISTRY_AUTH',
      `${r.registry} sent its token request to ${realm.protocol}//${realm.host}, ${realm.protocol === 'http:' && !this.opts.plainHttp ? 'over plain HTTP' : 'another host'}; lanes sends the credentials for ${r.registry} (user "${creds.username}", from ${creds.source}) only to ${r.registry}'s own host, a parent domain of it, or Docker Hub's auth.docker.io, over https, so it asked ${realm.host} anonymously, and ${realm.host} refused access to ${r.repository} (HTTP ${status})`,
    );
  }

  private raw(registry: string, method: 'HEAD' | 'GET', path: string, headers: Record<string, string>) {
    return this.rawUrl(new URL(`${this.opts.plainHttp ? 'http' : 'https'}://${registry}${path}`), method, headers, registry);
  }

  private async rawUrl(url: URL, method: 'HEAD' | 'GET', headers: Record<string, string>, registry = url.host): Promise<RawResponse> {
    try {
      const { request } = await loadUndici();
      const res = await request(url, { method, headers, dispatcher: await this.dispatcher(url.host) });
      // Blob GETs may redirect to storage (S3, GCS): follow once, without our Authorization header.
      if ((res.statusCode === 307 || res.statusCode === 302) && method === 'GET') {
        await res.body.dump();
        const location = header(res.headers, 'location');
        if (location) return this.rawUrl(new URL(location, url), method, { accept: headers.accept ?? '*/*' });
      }
      const body = method === 'HEAD' ? (await res.body.dump(), '') : await res.body.text();
      return { statusCode: res.statusCode, headers: res.headers, body };
    } catch (e) {
      throw this.networkError(registry, e as Error & { code?: string; statusCode?: number });
    }
  }

  /** Resolved once per registry host: the Docker config file or a credential helper is not asked per request. */
  private credentialsFor(registry: string): Credentials | undefined {
    if (!this.credentials.has(registry)) this.credentials.set(registry, resolveCredentials(registry, this.opts.credentials));
    return this.credentials.get(registry);
  }

  /** One dispatcher per registry host, shared by concurrent look-ups (the map holds the promise, so none is made twice). */
  private dispatcher(host: string): Promise<Dispatcher> {
    let d = this.dispatchers.get(host);
    if (!d) {
      d = this.createDispatcher(host);
      this.dispatchers.set(host, d);
    }
    return d;
  }

  private async createDispatcher(host: string): Promise<Dispatcher> {
    const { Agent, RetryAgent } = await loadUndici();
    const timeout = this.opts.timeoutMs ?? 15_000;
    const ca = [this.opts.caFile, `${this.opts.certsDir ?? '/etc/docker/certs.d'}/${host}/ca.crt`]
      .filter((f): f is string => !!f && existsSync(f))
      .map((f) => readFileSync(f, 'utf8'));
    const agent = new Agent({
      // HTTP/2 where the registry offers it (Docker Hub, GHCR, ECR, distribution): every look-up
      // shares one connection. Over HTTP/1.1 undici closes the connection after each HEAD.
      allowH2: true,
      connections: 32,
      headersTimeout: timeout,
      bodyTimeout: timeout,
      // One TLS context per registry, built once: passing `ca` per connection would parse the
      // whole trust store on every connect (measured: 25 ms each, serialising the look-ups).
      // Node replaces its trust store when a CA is given, so the public roots go in beside it.
      connect: { timeout, ...(ca.length ? { secureContext: createSecureContext({ ca: [...rootCertificates, ...ca] }) } : {}) } as Agent.Options['connect'],
    });
    return new RetryAgent(agent, {
      maxRetries: this.opts.retries ?? 4,
      minTimeout: this.opts.minBackoffMs ?? 250,
      maxTimeout: 10_000,
      timeoutFactor: 2,
      retryAfter: true,
      methods: ['GET', 'HEAD'],
      statusCodes: [429, 500, 502, 503, 504],
      errorCodes: ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'UND_ERR_SOCKET', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'EAI_AGAIN'],
    });
  }

  private authError(r: RepoRef, creds: Credentials | undefined, status: number): RegistryError {
    const tried = creds ? `as user "${creds.username}" (credentials from ${creds.source})` : 'anonymously (no credentials found)';
    return new RegistryError(
      'E_REGISTRY_AUTH',
      `${r.registry} refused access to ${r.repository} (HTTP ${status}) ${tried}; set --registry-username/--registry-password, LANES_REGISTRY_USERNAME/LANES_REGISTRY_PASSWORD, or docker login ${r.registry}`,
    );
  }

  private unexpected(r: RepoRef, status: number): RegistryError {
    return new RegistryError('E_REGISTRY', `${r.registry} answered HTTP ${status} for ${r.repository}:${r.reference}`);
  }

  private networkError(registry: string, e: Error & { code?: string; statusCode?: number }): RegistryError {
    if (e.statusCode) {
      return new RegistryError('E_REGISTRY_UNAVAILABLE', `${registry} kept answering HTTP ${e.statusCode} after ${this.opts.retries ?? 4} retries; try again later`);
    }
    const cause = (e.cause as { code?: string; message?: string } | undefined) ?? e;
    if (/TIMEOUT/.test(`${cause.code} ${e.code}`)) {
      const seconds = (this.opts.timeoutMs ?? 15_000) / 1000;
      return new RegistryError('E_REGISTRY_UNREACHABLE', `${registry} did not answer within ${seconds} s (${cause.code ?? e.code}); check that it is up, or try again later`);
    }
    const tls = /certificate|self.signed|CERT_/i.test(`${cause.code} ${cause.message}`);
    const hint = tls
      ? `TLS verification failed (${cause.code ?? cause.message}); pass --registry-ca <file> or put the CA in /etc/docker/certs.d/${registry}/ca.crt`
      : `${cause.code ?? e.code ?? cause.message}; check the address, or that the registry is up`;
    return new RegistryError('E_REGISTRY_UNREACHABLE', `cannot reach ${registry}: ${hint}`);
  }
}

/** undici is loaded on first use: commands that never ask a registry (status, bump, local builds) start 70 ms sooner. */
const loadUndici = () => import('undici');

interface RawResponse {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** JSON from a registry or token service; anything else is the service's fault, said as E_REGISTRY, never a crash. */
function parseJson(body: string, what: () => string): unknown {
  try {
    const value: unknown = JSON.parse(body);
    if (value && typeof value === 'object') return value;
  } catch {
    // said below
  }
  throw new RegistryError('E_REGISTRY', what());
}

function basic(c: Credentials): string {
  return `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`;
}

