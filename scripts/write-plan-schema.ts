// Writes plan.schema.json, the published JSON Schema of `lanes plan --json`,
// from the zod schema the code itself uses. Run after changing src/plan/types.ts:
//   npx tsx scripts/write-plan-schema.ts
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { planJsonSchema } from '../src/plan/plan-json-schema.js';

writeFileSync(join(import.meta.dirname, '..', 'plan.schema.json'), JSON.stringify(planJsonSchema(), null, 2) + '\n');
