import { describe, expect, it } from 'vitest';
import type { VersionFileSpec } from '../../src/config/model.js';
import type { VersionFormatName } from '../../src/config/schema.js';
import { FORMATS, inferFormat } from '../../src/versions/format-registry.js';
import { replaceTokens } from '../../src/versions/token.js';
import { strictSemver } from '../../src/versions/next-version.js';
import { nestedQuantifier } from '../../src/config/value-checks.js';

const spec = (format: VersionFormatName, extra: Partial<VersionFileSpec> = {}): VersionFileSpec => ({ file: 'f', format, yamlPath: 'x', ...extra });

/** Reads, rewrites to 9.9.9, and checks that only the version tokens changed. */
function roundTrip(format: VersionFormatName, content: string, extra: Partial<VersionFileSpec> = {}) {
  const tokens = FORMATS[format].locate(content, spec(format, extra));
  const written = replaceTokens(content, tokens, '9.9.9');
  return { values: tokens.map((t) => t.value), labels: tokens.map((t) => t.label), written };
}

describe('version file formats', () => {
  it('reads __version__ in double quotes and rewrites only the token', () => {
    const src = '"""pkg."""\n__version__ = "1.4.0"  # keep\nOTHER = "x"\n';
    const r = roundTrip('python', src);
    expect(r.values).toEqual(['1.4.0']);
    expect(r.written).toBe('"""pkg."""\n__version__ = "9.9.9"  # keep\nOTHER = "x"\n');
  });

  it('reads DSX_CONNECT_VERSION in single quotes', () => {
    expect(roundTrip('python', "DSX_CONNECT_VERSION = '0.3.88'\n").written).toBe("DSX_CONNECT_VERSION = '9.9.9'\n");
  });

  it('reads a typed CONNECTOR_VERSION: str assignment', () => {
    expect(roundTrip('python', 'CONNECTOR_VERSION: str = "0.5.2"\n').values).toEqual(['0.5.2']);
  });

  it('takes the first version-like variable, or the one named by `variable`', () => {
    const src = 'APP_VERSION = "1.0.0"\nMIN_PYTHON_VERSION = "3.11.0"\n';
    expect(roundTrip('python', src).values).toEqual(['1.0.0']);
    expect(roundTrip('python', src, { variable: 'MIN_PYTHON_VERSION' }).values).toEqual(['3.11.0']);
  });

  it('rewrites package.json\'s top-level version, not a dependency\'s', () => {
    const src = '{\n  "name": "a",\n  "version": "1.2.0",\n  "dependencies": { "b": { "version": "5.0.0" } }\n}\n';
    const r = roundTrip('package-json', src);
    expect(r.values).toEqual(['1.2.0']);
    expect(r.written).toBe(src.replace('"1.2.0"', '"9.9.9"'));
  });

  it('rewrites both versions of package-lock.json and no dependency', () => {
    const src = '{\n\t"name": "a",\n\t"version": "1.2.0",\n\t"lockfileVersion": 3,\n\t"packages": {\n\t\t"": { "name": "a", "version": "1.2.0" },\n\t\t"node_modules/x": { "version": "1.2.0" }\n\t}\n}';
    const r = roundTrip('package-lock', src);
    expect(r.labels).toEqual(['version', 'packages[""].version']);
    expect(r.written).toBe(src.replace('"version": "1.2.0",\n\t"lock', '"version": "9.9.9",\n\t"lock').replace('"name": "a", "version": "1.2.0"', '"name": "a", "version": "9.9.9"'));
    expect(r.written).toContain('"node_modules/x": { "version": "1.2.0" }');
  });

  it('rewrites Chart.yaml version and quoted appVersion, keeping comments and dependency versions', () => {
    const src = 'apiVersion: v2\nname: c\nversion: 0.3.88 # chart\nappVersion: "0.3.88"\ndependencies:\n  - name: redis\n    version: 17.0.0\n';
    const r = roundTrip('chart-yaml', src);
    expect(r.labels).toEqual(['version', 'appVersion']);
    expect(r.written).toBe('apiVersion: v2\nname: c\nversion: 9.9.9 # chart\nappVersion: "9.9.9"\ndependencies:\n  - name: redis\n    version: 17.0.0\n');
  });

  it('reads pyproject [project] and [tool.poetry] but not a dependency table', () => {
    expect(roundTrip('pyproject', '[project]\nname = "a"\nversion = "2.0.0"\n\n[tool.x]\nversion = "7.0.0"\n').values).toEqual(['2.0.0']);
    expect(roundTrip('pyproject', '[tool.poetry]\nname = "a"\nversion = \'2.1.0\'\n').values).toEqual(['2.1.0']);
  });

  it('reads Cargo.toml [package] and leaves [dependencies] versions', () => {
    const src = '[package]\nname = "d"\nversion = "1.2.0"\n\n[dependencies]\nserde = { version = "1.0.0" }\n';
    expect(roundTrip('cargo-toml', src).written).toBe(src.replace('version = "1.2.0"', 'version = "9.9.9"'));
  });

  it('rewrites only the crate\'s own entry in Cargo.lock', () => {
    const src = 'version = 4\n\n[[package]]\nname = "serde"\nversion = "1.2.0"\n\n[[package]]\nname = "d"\nversion = "1.2.0"\ndependencies = [\n "serde",\n]\n';
    const r = roundTrip('cargo-lock', src, { package: 'd' });
    expect(r.values).toEqual(['1.2.0']);
    expect(r.written).toBe('version = 4\n\n[[package]]\nname = "serde"\nversion = "1.2.0"\n\n[[package]]\nname = "d"\nversion = "9.9.9"\ndependencies = [\n "serde",\n]\n');
  });

  it('rewrites tauri.conf.json\'s version', () => {
    const src = '{ "productName": "x", "version": "1.2.0", "app": { "version": "nope" } }';
    expect(roundTrip('tauri-conf', src).written).toBe('{ "productName": "x", "version": "9.9.9", "app": { "version": "nope" } }');
  });

  it('keeps a VERSION file\'s surrounding whitespace', () => {
    expect(roundTrip('plain', '  1.0.0\r\n').written).toBe('  9.9.9\r\n');
  });

  it('uses a regex\'s named group', () => {
    const src = 'image: ${X:-repo/app:1.0.0}\n';
    expect(roundTrip('regex', src, { pattern: 'repo/app:(?<version>[^}]+)\\}' }).written).toBe('image: ${X:-repo/app:9.9.9}\n');
  });

  it('rewrites an image pin in an env file, not a registry port', () => {
    const src = '# pins\nDSXCONNECT_IMAGE=registry.local:5000/dsxconnect/dsx-connect:0.3.88\nOTHER=1\n';
    const r = roundTrip('env-pin', src, { key: 'DSXCONNECT_IMAGE' });
    expect(r.values).toEqual(['0.3.88']);
    expect(r.written).toBe('# pins\nDSXCONNECT_IMAGE=registry.local:5000/dsxconnect/dsx-connect:9.9.9\nOTHER=1\n');
  });

  it('finds nothing in an env pin without a tag', () => {
    expect(roundTrip('env-pin', 'X=registry:5000/app\n', { key: 'X' }).values).toEqual([]);
  });

  it('infers the format from the file name', () => {
    expect(['a/version.py', 'package.json', 'package-lock.json', 'Chart.yaml', 'pyproject.toml', 'Cargo.toml', 'Cargo.lock', 'tauri.conf.json', 'VERSION', 'sample.aws.env', 'x.txt'].map(inferFormat)).toEqual([
      'python', 'package-json', 'package-lock', 'chart-yaml', 'pyproject', 'cargo-toml', 'cargo-lock', 'tauri-conf', 'plain', 'env-pin', undefined,
    ]);
  });
});

describe('files written on Windows', () => {
  it.each([
    ['chart-yaml', 'apiVersion: v2\r\nversion: 1.0.0\r\nappVersion: "1.0.0" # app\r\n', {}],
    ['python', '__version__ = "1.0.0"\r\n', {}],
    ['pyproject', '[project]\r\nname = "x"\r\nversion = "1.0.0"\r\n', {}],
    ['cargo-lock', '[[package]]\r\nname = "d"\r\nversion = "1.0.0"\r\n', { package: 'd' }],
    ['env-pin', 'IMG=repo/app:1.0.0\r\n', { key: 'IMG' }],
    ['package-json', '\uFEFF{\r\n  "version": "1.0.0"\r\n}\r\n', {}],
  ] as const)('%s with CRLF line endings (and a BOM) keeps them', (format, content, extra) => {
    const r = roundTrip(format, content, extra);
    expect(r.values.every((v) => v === '1.0.0') && r.values.length > 0).toBe(true);
    expect(r.written).toBe(content.replaceAll('1.0.0', '9.9.9'));
  });
});

describe('version files a tool would read differently from lanes', () => {
  const refusal = (format: VersionFormatName, content: string, extra: Partial<VersionFileSpec> = {}) => {
    try {
      FORMATS[format].locate(content, spec(format, extra));
    } catch (e) {
      return (e as Error).message;
    }
    return undefined;
  };

  it.each([
    ['package-json', '{\n  "version": "1.0.0",\n  "version": "2.0.0"\n}\n', {}, '"version" is set twice (lines 2 and 3)'],
    ['package-lock', '{ "packages": { "": { "version": "1.0.0" }, "": {} } }', {}, '"packages." is set twice'],
    ['env-pin', 'IMG=r/a:1.0.0\nIMG=r/a:2.0.0\n', { key: 'IMG' }, 'IMG is set 2 times (lines 1, 2)'],
    ['python', '__version__ = "1.0.0"\n__version__ = "2.0.0"\n', {}, '__version__ is assigned twice (lines 1 and 2)'],
    ['pyproject', '[project]\nversion = "1.0.0"\nversion = "2.0.0"\n', {}, '[project] sets version twice (lines 2 and 3)'],
    ['chart-yaml', 'name: c\nversion: 1.0.0\nversion: 2.0.0\n', {}, 'has a duplicate key at line 3'],
    ['chart-yaml', 'name: c\nversion: [1.0.0\n', {}, 'is not valid YAML at line'],
  ] as const)('%s refuses %j with the line: %s', (format, content, extra, message) => {
    expect(refusal(format, content, extra)).toContain(message);
  });

  it('still reads a package.json with a duplicate key off the version\'s path', () => {
    expect(roundTrip('package-json', '{ "scripts": { "a": "x", "a": "y" }, "version": "1.0.0" }').values).toEqual(['1.0.0']);
  });

  it('refuses JSON nested deeper than 256 levels instead of overflowing the stack', () => {
    expect(refusal('package-json', '['.repeat(100_000))).toContain('nested more than 256 levels deep');
  });

  it('refuses a JSON string with a bad escape instead of crashing', () => {
    expect(refusal('package-json', '{ "a": "\\x", "version": "1.0.0" }')).toContain('invalid string');
  });

  it('stops a pattern that backtracks for more than a second, naming the pattern', () => {
    const message = refusal('regex', `${'a'.repeat(40)}!`, { pattern: '^(?<version>(?:a|a)*)$' });
    expect(message).toContain('ran for more than 1 s');
  });
});

describe('patterns refused when lanes.yaml loads', () => {
  it.each(['(a+)+', '(?<version>(\\d+\\.)+\\d+)', '(.*)*', '((a+))*', '(x{1,9}){2,}', '(.*a){12}'])('refuses the nested repetition %s', (pattern) => {
    expect(nestedQuantifier(pattern)).toContain('repeats something that itself repeats');
  });

  it.each(["version = '(?<version>[^']+)'", 'repo/app:(?<version>[^}]+)\\}', '(a|b)*', '((a)+)', '[(+]+', '\\(a+\\)+', '(?:a*b)?'])('accepts %s', (pattern) => {
    expect(nestedQuantifier(pattern)).toBeUndefined();
  });
});

describe('strict semantic versions', () => {
  it.each([
    ['1.0.0', '1.0.0'],
    ['1.0.0-rc.1', '1.0.0-rc.1'],
    ['1.0.0+b1', '1.0.0+b1'],
    [' 1.0.0', undefined],
    ['v1.0.0', undefined],
    ['=1.0.0', undefined],
    ['01.0.0', undefined],
    ['1.0', undefined],
  ])('%j is %j', (input, expected) => {
    expect(strictSemver(input)).toBe(expected);
  });
});
