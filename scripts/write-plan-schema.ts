// Writes the published JSON Schemas generated from the zod schemas the code
// itself uses (npm run docs): plan.schema.json (`lanes plan --json`) and
// artifacts.schema.json (a release's .lanes/out/artifacts.json).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toJSONSchema } from 'zod/mini';
import { releaseManifestSchema } from '../src/artifacts/release-manifest.js';
import { planJsonSchema } from '../src/plan/plan-json-schema.js';

const write = (file: string, schema: unknown) => writeFileSync(join(import.meta.dirname, '..', file), JSON.stringify(schema, null, 2) + '\n');
write('plan.schema.json', planJsonSchema());
write('artifacts.schema.json', {
  $id: 'https://github.com/lanes-dev/lanes/artifacts.schema.json',
  title: 'lanes release artifacts',
  description: 'What a successful release published (.lanes/out/artifacts.json).',
  ...toJSONSchema(releaseManifestSchema, { target: 'draft-2020-12' }),
});
