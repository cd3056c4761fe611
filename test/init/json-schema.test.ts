import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { lanesJsonSchema } from '../../src/config/json-schema.js';
import { EXAMPLE, PROJECT_ROOT } from '../helpers/repo.js';

const committed = () => JSON.parse(readFileSync(join(PROJECT_ROOT, 'lanes.schema.json'), 'utf8'));
const validator = () => new Ajv({ strict: false, allErrors: true }).compile(committed());
const example = () => readFileSync(join(EXAMPLE, 'lanes.yaml'), 'utf8');

describe('lanes.schema.json', () => {
  it('is what `npm run docs` writes from the zod schema today (run it and commit the result)', () => {
    expect(readFileSync(join(PROJECT_ROOT, 'lanes.schema.json'), 'utf8')).toBe(JSON.stringify(lanesJsonSchema(), null, 2) + '\n');
  });

  it('accepts the example lanes.yaml', () => {
    const validate = validator();
    expect(validate(parse(example())), JSON.stringify(validate.errors)).toBe(true);
  });

  it('refuses a misspelt key, as lanes does, so an editor underlines it', () => {
    const validate = validator();
    const config = parse(example());
    config.components[0].image.dockerFile = 'x/Dockerfile';
    expect(validate(config)).toBe(false);
    expect(validate.errors).toContainEqual(expect.objectContaining({ keyword: 'additionalProperties', params: { additionalProperty: 'dockerFile' } }));
  });

  it('refuses version with both file and files (or neither)', () => {
    const validate = validator();
    const config = parse(example());
    config.components[0].version.file = 'dsx_connect/version.py';
    expect(validate(config)).toBe(false);
    delete config.components[0].version.file;
    delete config.components[0].version.files;
    expect(validate(config)).toBe(false);
  });

  it('describes the keys a user writes, for editor hovers', () => {
    const schema = committed();
    const component = schema.properties.components.items.properties;
    for (const key of Object.keys(component)) expect(component[key].description, `components[].${key}`).toBeTruthy();
    for (const key of Object.keys(schema.properties)) expect(schema.properties[key].description, key).toBeTruthy();
  });

  it('ships in the npm package', () => {
    const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8'));
    expect(pkg.files).toContain('lanes.schema.json');
  });

  it('is what the example lanes.yaml names on its first line, by a path that exists', () => {
    const first = example().split('\n')[0]!;
    const m = /^# yaml-language-server: \$schema=(.+)$/.exec(first);
    expect(m, first).not.toBeNull();
    expect(existsSync(join(dirname(join(EXAMPLE, 'lanes.yaml')), m![1]!))).toBe(true);
  });
});
