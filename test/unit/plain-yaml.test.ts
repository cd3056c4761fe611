import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { readPlainYaml } from '../../src/config/plain-yaml.js';

const ROOT = join(import.meta.dirname, '../..');

/** What the `yaml` package — the judge — makes of a text: its value, or that it refuses it. */
function judge(text: string): { value: unknown } | 'refused' {
  try {
    const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
    return doc.errors.length > 0 ? 'refused' : { value: doc.toJS({ maxAliasCount: 100 }) };
  } catch {
    return 'refused';
  }
}

/** The fast reader may decline anything; what it accepts, the judge must accept and read alike. */
function expectAgreement(text: string, what: string) {
  const fast = readPlainYaml(text);
  if (!fast) return;
  const slow = judge(text);
  expect(slow, `${what}: the fast reader accepted what yaml refuses`).not.toBe('refused');
  expect(isDeepStrictEqual(fast.value, (slow as { value: unknown }).value), `${what}: values differ`).toBe(true);
}

/** Every YAML file of this repository, and every lanes.yaml of the hostile corpus. */
function repositoryYaml(): [string, string][] {
  const files = execFileSync('git', ['ls-files', '*.yaml', '*.yml'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter(Boolean);
  const found: [string, string][] = files.map((f) => [f, readFileSync(join(ROOT, f), 'utf8')]);
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.txt')) {
        const section = /^-- lanes\.yaml --\n([\s\S]*?)(?=^-- |(?![\s\S]))/m.exec(readFileSync(path, 'utf8'));
        if (section) found.push([path.slice(ROOT.length + 1), section[1]!]);
      }
    }
  };
  walk(join(ROOT, 'test/hostile'));
  return found;
}

describe('readPlainYaml', () => {
  it('reads the example monorepo’s lanes.yaml to exactly the value the yaml package gives', () => {
    const text = readFileSync(join(ROOT, 'examples/dsx-connect/lanes.yaml'), 'utf8');
    const fast = readPlainYaml(text);
    expect(fast).toBeDefined();
    expect(fast!.value).toStrictEqual((judge(text) as { value: unknown }).value);
  });

  it('agrees with the yaml package on every YAML file of the repository and the hostile corpus', () => {
    const corpus = repositoryYaml();
    expect(corpus.length).toBeGreaterThan(100);
    for (const [what, text] of corpus) expectAgreement(text, what);
  });

  it.each([
    ['an anchor and an alias', 'a: &x 1\nb: *x\n'],
    ['an explicit tag', 'a: !!str 1\n'],
    ['a local tag', 'a: !thing 1\n'],
    ['a %YAML directive (it changes the schema)', '%YAML 1.1\n---\na: yes\n'],
    ['two documents', 'a: 1\n---\nb: 2\n'],
    ['an empty file', ''],
    ['only comments', '# nothing here\n'],
    ['a null key', '~: x\n'],
    ['a number key', '1: x\n'],
    ['a list as a key', '? [a, b]\n: c\n'],
    ['a __proto__ key', '__proto__: {polluted: true}\n'],
    ['a duplicate key', 'a: 1\na: 2\n'],
    ['a duplicate key, once quoted', '"a": 1\na: 2\n'],
    ['tab indentation', 'a:\n\t- b\n'],
    ['a lone carriage return', 'a: 1\rb: 2\n'],
    ['an unclosed quote', 'a: "b\n'],
    ['an unclosed flow sequence', 'a: [b, c\n'],
    ['nesting deeper than any lanes.yaml', `${'['.repeat(200)}${']'.repeat(200)}`],
    // Found by an adversarial review: texts js-yaml reads differently from yaml, or accepts where yaml refuses.
    ['an escaped line break before a blank line in double quotes', 'a: "b\\\n\n  c"\n'],
    ['an explicit indentation indicator over a line of spaces', 'a: |2\n   \n'],
    ['a byte-order mark past the start', '\n\ufeff\n'],
    ['a byte-order mark before a list', '\ufeff- a\n'],
    ['an implicit key longer than 1,024 characters', `${'k'.repeat(1025)}: v\n`],
    ['a tab-only line after a block scalar', 'a: |\n  b\n\t\nc: d\n'],
    ['a tab-only line inside a plain scalar', 'a: b\n\t\n c\n'],
    ['a tab at the end of the file', 'a:\n\t'],
    ['a \\U escape beyond Unicode', 'a: "\\U00110000"\n'],
    ['a leading document-end marker', '...\na: 1\n'],
    ['an indented document-start marker', ' ---\n  a: 1\n'],
  ])('declines %s, leaving it to the yaml package', (_what, text) => {
    expect(readPlainYaml(text)).toBeUndefined();
  });

  it.each([
    'string', '"1.0"', "'1.10'", '1.10', '1', '-1', '+1', '0o17', '0x1F', '012', '1_000', '.5', '1.', '1e3', '1E+3', '1e400',
    '.inf', '-.Inf', '.NaN', '~', 'null', 'Null', 'NULL', 'nULL', 'true', 'True', 'TRUE', 'tRue', 'yes', 'on', '0b101', 'v1.2.3', '1.2.3',
    '"\\x41\\u00e9"', '|\n  line\n  line\n', '>-\n  folded\n  text\n', '', '[a, b: c, {d: e}]', '{a: [1, 2], b: }',
  ])('resolves the value %j as the yaml package’s core schema does', (scalar) => {
    const text = `value: ${scalar}\n`;
    const fast = readPlainYaml(text);
    expect(fast).toBeDefined();
    expect(fast!.value).toStrictEqual((judge(text) as { value: unknown }).value);
  });

  it('still takes a file that opens with one ---', () => {
    expect(readPlainYaml('---\nproject: demo\n')).toEqual({ value: { project: 'demo' } });
  });

  it('never accepts a file the yaml package refuses or reads differently (4,000 seeded mutations of real files)', () => {
    const bases = ['examples/dsx-connect/lanes.yaml', 'examples/dsx-connect/dsx_connect/deploy/helm/Chart.yaml', 'examples/dsx-connect/dsxa/docker-compose-dsxa.yaml'].map((f) => readFileSync(join(ROOT, f), 'utf8'));
    const pieces = ['\r', '\r\n', '\t', ' ', '  ', '\n', ':', ': ', '-', '- ', '[', ']', '{', '}', ',', '"', "'", '#', '?', '|', '>', '*', '&', '!', '%', '@', '`', '~', '0', '.', '\\', '\u0085', '\u2028', '\ufeff', 'a'];
    let seed = 20261125;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    let accepted = 0;
    for (let i = 0; i < 4000; i++) {
      let text = bases[i % bases.length]!;
      for (let edits = 1 + random(3); edits > 0; edits--) {
        const at = random(text.length);
        const piece = pieces[random(pieces.length)]!;
        const op = random(3);
        text = op === 0 ? text.slice(0, at) + text.slice(at + 1) : op === 1 ? text.slice(0, at) + piece + text.slice(at) : text.slice(0, at) + piece + text.slice(at + 1);
      }
      if (readPlainYaml(text)) accepted++;
      expectAgreement(text, `mutation ${i}`);
    }
    // The property means something only if many mutants reach the comparison.
    expect(accepted).toBeGreaterThan(1000);
  });
});
