import { config, describe, type ZodMiniType } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

// lanes' schemas are written with zod/mini: the same validation as full zod, but only what a
// schema uses is bundled, and loading it costs ~3 ms instead of ~20 ms on every CLI start.
// zod/mini starts without messages ("Invalid input" for everything): lanes shows zod's English
// ones where it has none of its own (a wrong type, a string too long), as full zod would. Every
// module that defines a schema imports this one, so no schema is used before this has run.
config(en());

/** `schema` with a description: its help text in the published JSON Schemas. */
export const described = <T extends ZodMiniType>(schema: T, description: string): T => schema.check(describe(description));
