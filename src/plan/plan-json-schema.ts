import { toJSONSchema } from 'zod/mini';
import { planSchema } from './types.js';

/** The JSON Schema published as plan.schema.json. */
export function planJsonSchema(): Record<string, unknown> {
  return {
    $id: 'https://github.com/lanes-dev/lanes/plan.schema.json',
    title: 'lanes plan',
    description: 'The plan a lanes lane computes before running (lanes plan <lane> --json).',
    ...toJSONSchema(planSchema, { target: 'draft-2020-12' }),
  };
}
