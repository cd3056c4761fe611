import { describe, expect, it } from 'vitest';
import { resolveCredentials } from '../../src/registry/credentials.js';
import { canonicalRegistry, loginHost, parseRef, repositoryKey } from '../../src/registry/image-ref.js';
import { dockerHome } from '../helpers/docker-home.js';

const HUB_NAMES = ['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com', 'Docker.IO'];

describe('registry host aliases', () => {
  it.each(HUB_NAMES)('%s is Docker Hub, looked up at registry-1.docker.io and logged in to as docker.io', (host) => {
    expect(canonicalRegistry(host)).toBe('registry-1.docker.io');
    expect(parseRef(`${host}/acme/api:1.0.0`)).toEqual({ registry: 'registry-1.docker.io', repository: 'acme/api', reference: '1.0.0' });
    expect(parseRef(`oci://${host}/acme/api-chart:1.0.0`).registry).toBe('registry-1.docker.io');
    expect(loginHost(parseRef(`${host}/acme/api:1.0.0`).registry)).toBe('docker.io');
  });

  it('make one repository of an images namespace and a charts namespace on two names of Docker Hub', () => {
    expect(repositoryKey('docker.io/acme', 'api')).toBe(repositoryKey('oci://registry-1.docker.io/acme', 'api'));
    expect(repositoryKey('registry.hub.docker.com/acme', 'api')).toBe('registry-1.docker.io/acme/api');
    expect(repositoryKey('docker.io/acme', 'api')).not.toBe(repositoryKey('oci://registry-1.docker.io/acme-charts', 'api'));
  });

  it('leave other registries as they are, but for the case of their host name', () => {
    expect(canonicalRegistry('Registry.Lanes.Test:5443')).toBe('registry.lanes.test:5443');
    expect(parseRef('ghcr.io/acme/api:1').registry).toBe('ghcr.io');
    expect(repositoryKey('ghcr.io/acme', 'api')).not.toBe(repositoryKey('oci://docker.io/acme', 'api'));
  });
});

const basic = (user: string, password: string) => ({ auth: Buffer.from(`${user}:${password}`).toString('base64') });

describe('credentials of a registry with several names', () => {
  it.each(['https://index.docker.io/v1/', 'docker.io', 'registry-1.docker.io', 'registry.hub.docker.com', 'https://registry-1.docker.io'])(
    'find a Docker Hub login stored under %s for any of Docker Hub\'s names',
    (key) => {
      const home = dockerHome({ auths: { [key]: basic('hub-user', 's3cret') } });
      for (const host of HUB_NAMES) expect(resolveCredentials(host, home), host).toMatchObject({ username: 'hub-user', password: 's3cret' });
    },
  );

  it('ask the credential helper named for any Docker Hub alias, with Docker Hub\'s own server key', () => {
    const home = dockerHome({ credHelpers: { 'registry.hub.docker.com': 'fake' } });
    expect(resolveCredentials('docker.io', home)).toEqual({ username: 'helper-user', password: 'from-https://index.docker.io/v1/', source: 'docker-credential-fake' });
  });

  it('find a login whatever the case of the host name', () => {
    const home = dockerHome({ auths: { 'Registry.Example:5000': basic('me', 'pw') } });
    expect(resolveCredentials('registry.example:5000', home)).toMatchObject({ username: 'me' });
  });

  it('never take another registry\'s login', () => {
    const home = dockerHome({ auths: { 'ghcr.io': basic('gh', 'x'), 'https://index.docker.io/v1/': basic('hub', 'y') } });
    expect(resolveCredentials('registry.example', home)).toBeUndefined();
    expect(resolveCredentials('ghcr.io', home)?.username).toBe('gh');
  });
});
