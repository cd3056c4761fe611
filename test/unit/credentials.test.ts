import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveCredentials } from '../../src/registry/credentials.js';
import { dockerHome } from '../helpers/docker-home.js';

describe('registry credentials', () => {
  it('take an auths entry of the Docker config file', () => {
    const home = dockerHome({ auths: { 'reg.example:5000': { auth: Buffer.from('me:pa:ss').toString('base64') } } });
    expect(resolveCredentials('reg.example:5000', home)).toMatchObject({ username: 'me', password: 'pa:ss', source: join(home.dockerConfigDir, 'config.json') });
  });

  it('ask the credential store when the auths entry is empty (Docker Desktop writes them so)', () => {
    const home = dockerHome({ auths: { 'https://index.docker.io/v1/': {} }, credsStore: 'fake' });
    expect(resolveCredentials('registry-1.docker.io', home)).toEqual({ username: 'helper-user', password: 'from-https://index.docker.io/v1/', source: 'docker-credential-fake' });
  });

  it('prefer the helper named for the host in credHelpers', () => {
    const home = dockerHome({ credHelpers: { 'ghcr.io': 'fake' }, credsStore: 'missing-helper' });
    expect(resolveCredentials('ghcr.io', home)).toMatchObject({ username: 'helper-user', password: 'from-ghcr.io' });
  });

  it('are anonymous when the helper is not installed', () => {
    const home = dockerHome({ credsStore: 'not-installed' });
    expect(resolveCredentials('ghcr.io', home)).toBeUndefined();
  });

  it('come from flags, then LANES_REGISTRY_*, before the Docker config file', () => {
    const home = dockerHome({ auths: { 'r.example': { auth: Buffer.from('file:x').toString('base64') } } });
    const env = { ...home.env, LANES_REGISTRY_USERNAME: 'env', LANES_REGISTRY_PASSWORD: 'y' };
    expect(resolveCredentials('r.example', { ...home, env })?.username).toBe('env');
    expect(resolveCredentials('r.example', { ...home, env, explicit: { username: 'flag', password: 'z', source: '--registry-username' } })?.username).toBe('flag');
  });
});

describe('credentials for logins lanes makes itself', () => {
  it('leave the Docker config file to docker and helm (dockerConfig: false)', () => {
    const home = dockerHome({ auths: { 'r.example': { auth: Buffer.from('file:x').toString('base64') } } });
    expect(resolveCredentials('r.example', { ...home, dockerConfig: false })).toBeUndefined();
    expect(resolveCredentials('r.example', { ...home, dockerConfig: false, env: { LANES_REGISTRY_USERNAME: 'env', LANES_REGISTRY_PASSWORD: 'y' } })?.username).toBe('env');
  });
});
