import { constructFromEvents, defineMappingTag, defineScalarTag, EVENT_ID, FAILSAFE_SCHEMA, NOT_RESOLVED, parseEvents, type Event } from 'js-yaml';
import { isScalar, Schema as YamlSchema, type ScalarTag } from 'yaml';

/**
 * The value of a YAML file written in plain YAML — block and flow mappings,
 * sequences and scalars, comments — read several times faster than the
 * `yaml` package reads it, or undefined when the file is anything else:
 * anchors, aliases, tags, directives, several documents, a key that is not a
 * string, a syntax error js-yaml sees. Undefined means "let the `yaml`
 * package decide": it stays the one judge of what lanes.yaml means and of
 * every error message, and it also gives the line numbers errors point at.
 *
 * Why two parsers: `yaml` composes a full Document with source ranges, which
 * costs ~0.1 s on a 200-component lanes.yaml and ~0.35 s on a 1,000-component
 * one — most of `lanes status` on a large monorepo. js-yaml builds plain
 * values straight from its parser's events. Both implement YAML 1.2, and
 * the plain scalars here are resolved by the `yaml` package's own core-schema
 * tags, so for the files this accepts both give the same value; a test holds
 * that over every fixture and a corpus of edge cases.
 */
export function readPlainYaml(text: string): { value: unknown } | undefined {
  // One `---` opening the file is common and read alike by both; any other document marker is declined.
  const body = /^---\r?\n/.test(text) ? text.slice(3) : text;
  if (TEXT_ONLY_YAML_JUDGES.some((pattern) => pattern.test(body)) || hasLineLongerThan(body, 1000)) return undefined;
  let events: Event[];
  try {
    events = parseEvents(text, { maxDepth: MAX_DEPTH });
  } catch {
    return undefined;
  }
  let documents = 0;
  for (const e of events) {
    if (e.type === EVENT_ID.ALIAS) return undefined;
    if (e.type === EVENT_ID.DOCUMENT) {
      if (++documents > 1 || e.directives.length > 0) return undefined;
    } else if (e.type !== EVENT_ID.POP && (e.anchorStart !== -1 || e.tagStart !== -1)) return undefined;
  }
  // An empty file is one document in one parser and none in the other: let `yaml` say.
  if (documents !== 1) return undefined;
  try {
    const [value] = constructFromEvents(events, { source: text, schema: SCHEMA, json: false, maxAliases: 0 });
    return { value };
  } catch {
    return undefined;
  }
}

/**
 * Texts the two parsers read differently, or that only `yaml` refuses (found
 * by an adversarial review and a grammar fuzzer): declined before parsing.
 * Each is rare in a lanes.yaml; declining costs only the slower parse.
 */
const TEXT_ONLY_YAML_JUDGES: readonly RegExp[] = [
  // A lone carriage return ends a line for js-yaml, not for `yaml`.
  /\r(?!\n)/,
  // Tabs: `yaml` refuses tab-indented and tab-only lines in many places js-yaml accepts.
  /\t/,
  // A byte-order mark anywhere (`yaml` reads one before a list or indentation its own way).
  /\ufeff/,
  // Double-quoted escapes: \U beyond Unicode, and a line break escaped by "\" before a blank line.
  /\\U|\\\r?\n/,
  // A block scalar's explicit indentation indicator (|2, >-1).
  /(?:^|[ :\-])[|>][-+]?[0-9]/m,
  // Document markers other than one `---` opening the file: indented, repeated, or `...`.
  /(?:^|\n)[ ]*(?:\.\.\.|---)(?=[ \r\n]|$)/,
];

/** Whether a line is longer than `max` (`yaml` refuses implicit keys longer than 1,024 characters). */
function hasLineLongerThan(text: string, max: number): boolean {
  for (let start = 0; start <= text.length; ) {
    const end = text.indexOf('\n', start);
    if ((end === -1 ? text.length : end) - start > max) return true;
    if (end === -1) return false;
    start = end + 1;
  }
  return false;
}

/** Nesting lanes.yaml never needs; deeper files go to `yaml`, whose own limit and messages apply. */
const MAX_DEPTH = 64;

/**
 * Plain scalars resolved exactly as the `yaml` package resolves them (its
 * core schema, YAML 1.2: null, bool, int, float — in that order), using its
 * own tests and resolvers, so `1.10`, `0o17`, `~` or `1e400` cannot mean one
 * thing here and another there.
 */
function yamlCoreScalarTags() {
  const byName = new Map<string, ScalarTag[]>();
  for (const tag of new YamlSchema({ schema: 'core' }).tags as ScalarTag[]) {
    if (!tag.test) continue;
    byName.set(tag.tag, [...(byName.get(tag.tag) ?? []), tag]);
  }
  return [...byName].map(([name, variants]) =>
    defineScalarTag(name, {
      implicit: true,
      resolve: (source: string) => {
        const tag = variants.find((t) => t.test!.test(source));
        if (!tag) return NOT_RESOLVED;
        // null and bool come back as yaml Scalar nodes: the value is inside.
        const resolved = tag.resolve(source, () => {}, {});
        return isScalar(resolved) ? resolved.value : resolved;
      },
      identify: () => false,
    }),
  );
}

/**
 * Mappings as `yaml`'s toJS builds them, for string keys. Any other key (a
 * number, null, a list) is refused — `yaml` turns such keys into strings its
 * own way — and so is `__proto__`: the file goes to `yaml`.
 */
const stringKeyedMap = defineMappingTag<Record<string, unknown>>('tag:yaml.org,2002:map', {
  create: () => ({}),
  addPair: (map, key, value) => {
    if (typeof key !== 'string' || key === '__proto__') return 'not a plain string key';
    map[key] = value;
    return '';
  },
  has: (map, key) => typeof key === 'string' && Object.hasOwn(map, key),
  keys: (map) => Object.keys(map),
  get: (map, key) => map[key as string],
  identify: () => false,
});

const SCHEMA = FAILSAFE_SCHEMA.withTags(...yamlCoreScalarTags(), stringKeyedMap);
