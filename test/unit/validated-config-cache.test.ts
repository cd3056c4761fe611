import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import type { RawConfig } from '../../src/config/schema.js';
import { fileConfigCache, useValidatedConfigCache, type ValidatedConfigCache } from '../../src/config/validated-config-cache.js';
import { ConfigError } from '../../src/errors.js';
import { makeDir } from '../helpers/repo.js';

const LANES_YAML = ['project: demo', 'components:', '  - name: api', '    path: api', '    version: { file: api/VERSION }', '    image: { name: api }', ''].join('\n');
const files = { 'lanes.yaml': LANES_YAML, 'api/VERSION': '1.0.0\n', 'api/Dockerfile': 'FROM scratch\n' };

/** A cache in memory that notes what it was asked. */
function recordingCache(): ValidatedConfigCache & { gets: number; sets: string[]; entries: Map<string, RawConfig> } {
  const entries = new Map<string, RawConfig>();
  const cache = {
    gets: 0,
    sets: [] as string[],
    entries,
    get(text: string) {
      cache.gets++;
      return entries.get(text);
    },
    set(text: string, config: RawConfig) {
      cache.sets.push(text);
      entries.set(text, structuredClone(config));
    },
  };
  return cache;
}

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'lanes-config-cache-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  useValidatedConfigCache(undefined);
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const configErrorOf = (f: () => unknown): ConfigError => {
  try {
    f();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
};

describe('loading lanes.yaml with a validated-config cache', () => {
  it('keeps a lanes.yaml that passed the schema, under its exact text', () => {
    const root = makeDir(files);
    const cache = recordingCache();
    useValidatedConfigCache(cache);
    loadConfig(root);
    expect(cache.sets).toEqual([LANES_YAML]);
  });

  it('takes an unchanged lanes.yaml from the cache instead of parsing it again', () => {
    const root = makeDir(files);
    const cache = recordingCache();
    useValidatedConfigCache(cache);
    const first = loadConfig(root);
    // What the cache answers is what the load uses: a marked entry shows it was not parsed again.
    cache.entries.set(LANES_YAML, { ...cache.entries.get(LANES_YAML)!, project: 'from-the-cache' });
    const second = loadConfig(root);
    expect(second.project).toBe('from-the-cache');
    expect(second.components).toEqual(first.components);
    expect(cache.sets).toHaveLength(1);
  });

  it('parses a lanes.yaml that changed by one byte', () => {
    const root = makeDir(files);
    const cache = recordingCache();
    useValidatedConfigCache(cache);
    loadConfig(root);
    writeFileSync(join(root, 'lanes.yaml'), LANES_YAML.replace('demo', 'demp'));
    expect(loadConfig(root).project).toBe('demp');
    expect(cache.sets).toHaveLength(2);
  });

  it('never keeps a lanes.yaml the schema refuses, and reports it as without a cache', () => {
    const broken = LANES_YAML.replace('name: api', 'name: API');
    const root = makeDir({ ...files, 'lanes.yaml': broken });
    const cache = recordingCache();
    useValidatedConfigCache(cache);
    const withCache = configErrorOf(() => loadConfig(root));
    useValidatedConfigCache(undefined);
    expect(withCache.issues).toEqual(configErrorOf(() => loadConfig(root)).issues);
    expect(cache.sets).toEqual([]);
  });

  it('still checks the disk on every load: a version file removed since is reported, at its line', () => {
    const root = makeDir(files);
    useValidatedConfigCache(recordingCache());
    loadConfig(root);
    rmSync(join(root, 'api/VERSION'));
    const e = configErrorOf(() => loadConfig(root));
    expect(e.issues).toEqual([expect.objectContaining({ file: 'lanes.yaml', line: 5, path: 'components[0].version.file', message: 'file not found: api/VERSION' })]);
  });
});

describe('the validated-config cache on disk', () => {
  const raw = (): RawConfig => ({ project: 'demo', release: { tag: 'v{version}', componentTag: '{component}-v{version}' }, components: [{ name: 'api', path: 'api', version: { file: 'api/VERSION' } }] });

  it('gives back what it kept, key for key', () => {
    const cache = fileConfigCache(tempDir(), 'build-1');
    cache.set(LANES_YAML, raw());
    expect(cache.get(LANES_YAML)).toEqual(raw());
  });

  it('keeps one file per text, readable by the user alone', () => {
    const dir = join(tempDir(), 'config');
    fileConfigCache(dir, 'build-1').set(LANES_YAML, raw());
    const names = readdirSync(dir);
    expect(names).toHaveLength(1);
    expect(names[0]).toMatch(/^[0-9a-f]{64}\.v8$/);
    expect(statSync(join(dir, names[0]!)).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });

  it('answers nothing for another text or another build of lanes', () => {
    const dir = tempDir();
    fileConfigCache(dir, 'build-1').set(LANES_YAML, raw());
    expect(fileConfigCache(dir, 'build-1').get(`${LANES_YAML} `)).toBeUndefined();
    expect(fileConfigCache(dir, 'build-2').get(LANES_YAML)).toBeUndefined();
  });

  it('answers nothing for a damaged file, rather than a wrong config', () => {
    const dir = tempDir();
    const cache = fileConfigCache(dir, 'build-1');
    cache.set(LANES_YAML, raw());
    const file = join(dir, readdirSync(dir)[0]!);
    const bytes = readFileSync(file);
    // A byte of the payload changed so that it still deserialises: "demo" becomes "dema".
    const at = bytes.lastIndexOf(Buffer.from('demo'));
    bytes[at + 3] = 'a'.charCodeAt(0);
    writeFileSync(file, bytes);
    expect(cache.get(LANES_YAML)).toBeUndefined();
    writeFileSync(file, bytes.subarray(0, 20));
    expect(cache.get(LANES_YAML)).toBeUndefined();
  });

  it('does nothing, and fails nothing, where it cannot write', () => {
    const blocked = join(tempDir(), 'a-file');
    writeFileSync(blocked, '');
    const cache = fileConfigCache(blocked, 'build-1');
    expect(() => cache.set(LANES_YAML, raw())).not.toThrow();
    expect(cache.get(LANES_YAML)).toBeUndefined();
  });

  it('keeps the 32 most recently written files, dropping the oldest', () => {
    const dir = tempDir();
    const cache = fileConfigCache(dir, 'build-1');
    const aged = new Set<string>();
    for (let n = 0; n < 32; n++) {
      cache.set(`project: p${n}\n`, raw());
      // Each its own age, p0 the oldest (file times can tie within a test).
      const added = readdirSync(dir).find((f) => !aged.has(f))!;
      aged.add(added);
      utimesSync(join(dir, added), new Date(1000 * (n + 1)), new Date(1000 * (n + 1)));
    }
    cache.set('project: p32\n', raw());
    expect(readdirSync(dir)).toHaveLength(32);
    expect(cache.get('project: p0\n')).toBeUndefined();
    expect(cache.get('project: p1\n')).toEqual(raw());
    expect(cache.get('project: p32\n')).toEqual(raw());
  });
});
