import { toJSONSchema } from 'zod/mini';
import { configSchema } from './schema.js';

/** Where lanes.schema.json says it lives; editors use the `$schema` line of lanes.yaml, not this id. */
export const LANES_SCHEMA_ID = 'https://github.com/lanes-dev/lanes/lanes.schema.json';

/**
 * Help text for editors, by YAML path (`components[].image.name`). zod's own
 * `.describe()` wins where the schema has one; these fill the keys the schema
 * documents only in comments. A path that no longer exists in the schema is
 * an error, so a renamed key cannot leave its help behind.
 */
const DESCRIPTIONS: Record<string, string> = {
  project: 'The product\'s name: the default compose project, and how release notes name it.',
  registries: 'Where the dev and release lanes push. Images go to <images>/<name>:<version>, charts to <charts>/<chart name>.',
  'registries.dev': 'The dev lane (push-all-dev): mutable :<version> plus an immutable :<version>-<sha7>.',
  'registries.release': 'The release lane (release --tag): exactly the checked-in versions, never overwritten.',
  'registries.dev.images': 'host[:port]/namespace, e.g. docker.io/acme-dev',
  'registries.dev.charts': 'oci://host[:port]/namespace, e.g. oci://registry-1.docker.io/acme-dev',
  'registries.release.images': 'host[:port]/namespace, e.g. docker.io/acme',
  'registries.release.charts': 'oci://host[:port]/namespace, e.g. oci://registry-1.docker.io/acme',
  release: 'How releases are tagged and published.',
  'release.tag': 'The product tag template; exactly one {version}. Default v{version}.',
  'release.versionOf': 'The component whose version the product tag carries.',
  'release.componentTag': 'The tag template of every component without its own tag:; must contain {component} and {version}. Default {component}-v{version}.',
  'release.github': 'owner/repo: the GitHub release goes here (omit: no GitHub release).',
  compose: 'The local Compose stack (compose-up-local, compose-down-local).',
  'compose.network': 'The shared Docker network, created if missing; compose files declare it external.',
  'compose.project': 'The compose project name (default: project).',
  'compose.envFile': 'An env file passed to compose.',
  components: 'Everything lanes builds, packages, runs or versions.',
  'components[].name': 'Unique name: lower-case letters, digits, ".", "_", "-". Names the component in status, bump and tags.',
  'components[].path': 'The component\'s directory: its release-relevant sources, the default build context.',
  'components[].sources': 'Extra release-relevant paths beside path (shared libraries, lock files).',
  'components[].version': 'The version files: give file (one) or files (all must agree; bump rewrites them together).',
  'components[].version.file': 'One version file: a path (format from its name) or { file, format, key, pattern, variable, package }.',
  'components[].version.files': 'Version files that must agree; bump rewrites them together.',
  'components[].image': 'The image built from this component. Local: <name>:latest and <name>:<version>.',
  'components[].image.name': 'Repository name, without registry or namespace.',
  'components[].image.dockerfile': 'Default: <context>/Dockerfile.',
  'components[].image.context': 'Build context. Default: path (or the monorepo root).',
  'components[].image.target': 'A Dockerfile stage to build.',
  'components[].image.buildArgs': 'Build args for this image (never credentials: build args are visible in image history).',
  'components[].image.platforms': 'Platforms to build, e.g. [linux/amd64, linux/arm64].',
  'components[].chart': 'A Helm chart; its Chart.yaml version and appVersion are version files of the component.',
  'components[].chart.path': 'The chart directory (the one holding Chart.yaml).',
  'components[].chart.values': 'Where values.yaml keeps the image repository, tag and pull policy.',
  'components[].chart.release': 'Helm release name for deploy-all-local; default: the component name.',
  'components[].chart.namespace': 'Kubernetes namespace for deploy-all-local.',
  'components[].compose': 'The component\'s compose file, layered into the local stack.',
  'components[].compose.file': 'The compose file.',
  'components[].compose.role': 'core (first), connector (layered on core), or optional (only with its flag).',
  'components[].compose.flag': 'For role optional: the flag that includes it, e.g. include-dsxa.',
  'components[].compose.imageVar': 'The variable the compose file reads its image from (${DSXCONNECT_IMAGE:-…}); lanes sets it to the local build.',
  'components[].external': 'An image that is only pulled, never built (e.g. a bundled third-party service).',
  'components[].external.image': 'A full image reference, e.g. docker.io/acme/scanner:4.1.1.',
  'components[].tag': 'This component\'s own tag template, when its history was tagged otherwise than release.componentTag (connector-aws-v{version}).',
};

type JsonSchema = Record<string, unknown>;

/**
 * The JSON Schema of lanes.yaml (published as lanes.schema.json), generated
 * from the zod schema the loader validates with, so editors check what lanes
 * checks. It describes the input a user writes (defaults are optional).
 * Checks the loader makes beyond the schema (files exist, tag templates,
 * safe paths, collisions) are for `lanes check`; the schema cannot say them.
 * Draft-07: the draft every YAML editor plugin reads.
 */
export function lanesJsonSchema(): JsonSchema {
  const generated = toJSONSchema(configSchema, { target: 'draft-7', io: 'input' }) as JsonSchema;
  const { $schema, ...body } = generated;
  const schema: JsonSchema = {
    $schema,
    $id: LANES_SCHEMA_ID,
    title: 'lanes.yaml',
    description: 'The configuration of a lanes monorepo: its components, how they are versioned, built, packaged, run and released. Reference: the README\'s lanes.yaml section.',
    ...body,
  };
  for (const [path, description] of Object.entries(DESCRIPTIONS)) {
    const node = nodeAt(schema, path);
    if (node.description === undefined) node.description = description;
  }
  // zod's "exactly one of file/files" is a refinement the generator cannot express; editors should still flag both or neither.
  const version = nodeAt(schema, 'components[].version');
  version.oneOf = [{ required: ['file'] }, { required: ['files'] }];
  return schema;
}

/** The schema node of a YAML path (`components[].image.name`): through properties and array items. */
function nodeAt(schema: JsonSchema, path: string): JsonSchema {
  let node = schema;
  for (const part of path.split('.')) {
    const key = part.replace(/\[\]$/, '');
    const props = node.properties as Record<string, JsonSchema> | undefined;
    const next = props?.[key];
    if (!next) throw new Error(`lanes.schema.json: no key "${key}" at ${path}; update DESCRIPTIONS in src/config/json-schema.ts`);
    node = part.endsWith('[]') ? (next.items as JsonSchema) : next;
  }
  return node;
}
