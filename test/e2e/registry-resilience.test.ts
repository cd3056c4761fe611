import { afterEach, describe, expect, it } from 'vitest';
import { lanes } from '../helpers/cli.js';
import { exampleRepo } from '../helpers/repo.js';
import { startFaultProxy } from '../helpers/fault-proxy.js';
import { pushImageAs, registryEnv, testbed, testScope, uniqueNamespace, useTestRegistry } from '../helpers/testbed.js';
import { RegistryClient } from '../../src/registry/oci-client.js';
import { lookUpPublished } from '../../src/registry/published.js';

// Every image, container and registry repository these tests create is named lanes-test-<run>-registry-resilience-… and removed after the file.
testScope('registry-resilience');

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

describe('registry look-ups through a faulty network', () => {
  it('survives 429 (honouring Retry-After), 503 and a dropped connection, then answers correctly', async () => {
    const tb = testbed();
    const ns = uniqueNamespace('faults');
    pushImageAs(`${tb.registry}/${ns}-dev/dsx-connect:0.3.88`);
    const proxy = await startFaultProxy(tb.registry, tb.ca, [{ status: 429, retryAfter: '1' }, { status: 503 }, 'reset', { status: 502 }]);
    closers.push(proxy.close);
    const dir = exampleRepo(useTestRegistry(ns, proxy.address));
    const r = await lanes(['check', 'dev', '--plain-http', '--json', '--source', dir], registryEnv());
    expect(r.code).toBe(0);
    expect(r.json().findings.map((f: any) => [f.code, f.component])).toEqual([['W_DEV_OVERWRITE', 'dsx-connect']]);
    const outcomes = proxy.log.map((e) => e.outcome);
    expect(outcomes.slice(0, 4)).toEqual(['429', '503', 'reset', '502']);
    expect(proxy.log.length).toBeGreaterThan(4);
    // The retry after the 429 waited for Retry-After (1 s), not for the short default backoff.
    const throttled = proxy.log.find((e) => e.outcome === '429')!;
    const retry = proxy.log.find((e) => e !== throttled && e.path === throttled.path && e.at > throttled.at)!;
    expect(retry.at - throttled.at).toBeGreaterThanOrEqual(950);
    expect(outcomes.slice(4).every((o) => o === '200' || o === '404' || o === '401')).toBe(true);
  });

  it('gives up after its retries with a clear error, and says it was a server problem', async () => {
    const tb = testbed();
    const proxy = await startFaultProxy(tb.registry, tb.ca, Array.from({ length: 50 }, () => ({ status: 503 })));
    closers.push(proxy.close);
    const client = new RegistryClient({ plainHttp: true, retries: 2, minBackoffMs: 10 });
    closers.push(() => client.close());
    const facts = await lookUpPublished(client, [{ ref: `${proxy.address}/x/y:1.0.0` }]);
    expect(facts.get(`${proxy.address}/x/y:1.0.0`)!.error).toEqual({ code: 'E_REGISTRY_UNAVAILABLE', message: `${proxy.address} kept answering HTTP 503 after 2 retries; try again later` });
    expect(proxy.log).toHaveLength(3);
  });

  it('reports an unreachable registry without hanging', async () => {
    const client = new RegistryClient({ plainHttp: true, retries: 1, minBackoffMs: 10, timeoutMs: 2000 });
    closers.push(() => client.close());
    const facts = await lookUpPublished(client, [{ ref: '127.0.0.1:1/x/y:1.0.0' }]);
    expect(facts.get('127.0.0.1:1/x/y:1.0.0')!.error).toMatchObject({ code: 'E_REGISTRY_UNREACHABLE', message: expect.stringContaining('cannot reach 127.0.0.1:1: ECONNREFUSED') });
  });

  it('keeps at most the configured number of requests in flight', async () => {
    const tb = testbed();
    const proxy = await startFaultProxy(tb.registry, tb.ca);
    closers.push(proxy.close);
    const client = new RegistryClient({ plainHttp: true, credentials: { explicit: { username: tb.user, password: tb.password, source: 'test' } } });
    closers.push(() => client.close());
    const refs = Array.from({ length: 24 }, (_, i) => ({ ref: `${proxy.address}/bound/img${i}:1.0.0` }));
    const facts = await lookUpPublished(client, refs, 4);
    expect([...facts.values()].every((f) => f.exists === false && !f.error)).toBe(true);
    expect(proxy.maxInFlight()).toBeLessThanOrEqual(4);
    expect(proxy.maxInFlight()).toBeGreaterThan(1);
  });

  it('rejects a registry whose certificate it cannot verify, and says how to fix it', async () => {
    const client = new RegistryClient({ certsDir: '/nonexistent', retries: 0 });
    closers.push(() => client.close());
    const ref = `${testbed().registry}/x/y:1.0.0`;
    const facts = await lookUpPublished(client, [{ ref }]);
    expect(facts.get(ref)!.error!.message).toMatch(/TLS verification failed .*--registry-ca/);
  });
});

describe('Bearer-token registries (the Docker Hub flow)', () => {
  const bearerProxy = async () => {
    const tb = testbed();
    const upstreamAuthorization = `Basic ${Buffer.from(`${tb.user}:${tb.password}`).toString('base64')}`;
    const proxy = await startFaultProxy(tb.registry, tb.ca, [], { username: 'robot', password: 'robot-pass', upstreamAuthorization });
    closers.push(proxy.close);
    return proxy;
  };

  it('answers the challenge with a token for the scope, from the realm, and reuses it', async () => {
    const tb = testbed();
    const ns = uniqueNamespace('bearer');
    pushImageAs(`${tb.registry}/${ns}/app:1.0.0`);
    const proxy = await bearerProxy();
    const client = new RegistryClient({ plainHttp: true, credentials: { explicit: { username: 'robot', password: 'robot-pass', source: 'test' } } });
    closers.push(() => client.close());
    const facts = await lookUpPublished(client, [{ ref: `${proxy.address}/${ns}/app:1.0.0` }, { ref: `${proxy.address}/${ns}/app:2.0.0` }], 1);
    expect([...facts.values()].map((f) => [f.exists, f.error])).toEqual([[true, undefined], [false, undefined]]);
    expect(proxy.tokenRequests).toEqual([{ authorization: `Basic ${Buffer.from('robot:robot-pass').toString('base64')}`, service: 'lanes-test-registry', scope: `repository:${ns}/app:pull` }]);
  });

  it('says which user the token service refused, never the password', async () => {
    const proxy = await bearerProxy();
    const client = new RegistryClient({ plainHttp: true, credentials: { explicit: { username: 'robot', password: 'Wrong-Robot-Pass', source: 'LANES_REGISTRY_USERNAME/LANES_REGISTRY_PASSWORD' } } });
    closers.push(() => client.close());
    const fact = (await lookUpPublished(client, [{ ref: `${proxy.address}/x/app:1.0.0` }])).get(`${proxy.address}/x/app:1.0.0`)!;
    expect(fact.error?.code).toBe('E_REGISTRY_AUTH');
    expect(fact.error?.message).toContain('as user "robot" (credentials from LANES_REGISTRY_USERNAME/LANES_REGISTRY_PASSWORD)');
    expect(fact.error?.message).not.toContain('Wrong-Robot-Pass');
  });
});

describe('timeouts', () => {
  it('gives up on a registry that accepts the connection but never answers', async () => {
    const { createServer } = await import('node:net');
    const sockets: import('node:net').Socket[] = [];
    const silent = createServer((s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    closers.push(() => new Promise<void>((r) => { sockets.forEach((s) => s.destroy()); silent.close(() => r()); }));
    const port = (silent.address() as { port: number }).port;
    const client = new RegistryClient({ plainHttp: true, retries: 0, timeoutMs: 300 });
    closers.push(() => client.close());
    const ref = `127.0.0.1:${port}/x/y:1.0.0`;
    const fact = (await lookUpPublished(client, [{ ref }])).get(ref)!;
    expect(fact.error).toMatchObject({ code: 'E_REGISTRY_UNREACHABLE', message: `127.0.0.1:${port} did not answer within 0.3 s (UND_ERR_HEADERS_TIMEOUT); check that it is up, or try again later` });
  });
});
