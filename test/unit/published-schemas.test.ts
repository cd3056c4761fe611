import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { toJSONSchema } from 'zod/mini';
import { describe, expect, it } from 'vitest';
import { releaseManifestSchema } from '../../src/artifacts/release-manifest.js';
import { planJsonSchema } from '../../src/plan/plan-json-schema.js';
import { PROJECT_ROOT } from '../helpers/repo.js';

const committed = (file: string) => JSON.parse(readFileSync(join(PROJECT_ROOT, file), 'utf8'));

describe('the published JSON Schemas', () => {
  it('plan.schema.json is what the plan\'s zod schema gives today (npm run docs)', () => {
    expect(committed('plan.schema.json')).toEqual(planJsonSchema());
  });

  it('artifacts.schema.json is what the release manifest\'s zod schema gives today (npm run docs)', () => {
    const schema = committed('artifacts.schema.json');
    expect({ ...schema, $id: undefined, title: undefined, description: undefined }).toEqual({ ...toJSONSchema(releaseManifestSchema, { target: 'draft-2020-12' }), $id: undefined, title: undefined, description: undefined });
  });
});
