import { afterEach, describe, expect, it } from 'vitest';
import { lanes } from '../helpers/cli.js';
import { exampleRepo } from '../helpers/repo.js';
import { startFaultProxy } from '../helpers/fault-proxy.js';
import { pushImageAs, registryEnv, testbed, uniqueNamespace, useTestRegistry } from '../helpers/testbed.js';
import { RegistryClient } from '../../src/registry/oci-client.js';
import { lookUpPublished } from '../../src/registry/published.js';

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
