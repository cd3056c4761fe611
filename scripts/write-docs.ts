// Writes the generated parts of README.md (npm run docs): the table of codes
// between its markers. test/unit/codes.test.ts fails when they are stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderCodeTableMarkdown } from '../src/render/code-table.js';

const START = '<!-- codes:start (npm run docs) -->';
const END = '<!-- codes:end -->';
const readme = readFileSync('README.md', 'utf8');
const [before, rest] = readme.split(START);
if (rest === undefined) throw new Error(`README.md has no ${START} marker`);
const after = rest.slice(rest.indexOf(END));
writeFileSync('README.md', `${before}${START}\n${renderCodeTableMarkdown()}\n${after}`);

// lanes.schema.json, the JSON Schema of lanes.yaml for editors, from the zod schema the loader uses.
// test/init/json-schema.test.ts fails when it is stale.
import { lanesJsonSchema } from '../src/config/json-schema.js';
writeFileSync(join(import.meta.dirname, '..', 'lanes.schema.json'), JSON.stringify(lanesJsonSchema(), null, 2) + '\n');
