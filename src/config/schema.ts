import { z } from 'zod';
import { tagTemplateProblem } from '../git/tag-template.js';

/**
 * The schema of lanes.yaml. Objects are strict so that a typo (`dockerFile:`)
 * is an error that names the key rather than a setting silently ignored.
 */

const relPath = z
  .string()
  .min(1, 'must be a non-empty path relative to the monorepo root')
  .refine((p) => !p.startsWith('/') && !p.split('/').includes('..'), {
    message: 'must be a path inside the monorepo (relative, without "..")',
  })
  // A path is handed to docker, helm and compose as an argument: a leading "-" would be read as a flag.
  .refine((p) => !p.startsWith('-'), { message: 'must not start with "-" (tools would read it as a flag); write ./-name if you mean it' })
  // eslint-disable-next-line no-control-regex
  .refine((p) => !/[\x00-\x1f\x7f\\]/.test(p), { message: 'must not contain control characters, line breaks or "\\"; use "/" between directories' });

/** A value lanes passes to docker, helm or kubectl as one argument: no whitespace, no leading "-". */
const argToken = (what: string) =>
  z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.\/:@-]*$/, `must be ${what}: letters, digits, "_", ".", "-", "/", ":" or "@", no spaces, not starting with "-"`);

/**
 * A registry host with an optional port: DNS labels (or an IPv4 address), no
 * userinfo, no scheme. The namespace after it follows Docker's repository path
 * rules (lower-case parts separated by "/").
 */
const REGISTRY_HOST = String.raw`(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)(?:\.(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?))*(?::\d{1,5})?`;
const REGISTRY_NAMESPACE = String.raw`(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*`;
const registryProblem = (value: string, scheme: '' | 'oci://'): string | undefined => {
  if (/\s/.test(value)) return 'must not contain spaces or line breaks';
  if (scheme && !value.startsWith(scheme)) return `must be oci://host[:port]/namespace (helm pushes charts to OCI registries)`;
  const rest = value.slice(scheme.length);
  if (!scheme && /^[a-z][a-z0-9+.-]*:\/\//i.test(rest)) return 'must be host[:port]/namespace, without a scheme';
  if (rest.startsWith('-')) return 'must not start with "-" (docker and helm would read it as a flag)';
  if (/@/.test(rest.split('/')[0] ?? '')) return 'must not carry a user ("user@host"): give credentials with --registry-username/--registry-password or docker login';
  if (!new RegExp(`^${REGISTRY_HOST}${REGISTRY_NAMESPACE}$`).test(rest)) {
    return `must be ${scheme}host[:port]/namespace: a host name (letters, digits, ".", "-"), an optional port, then lower-case path parts (letters, digits, ".", "_", "-")`;
  }
  return undefined;
};
const registryValue = (scheme: '' | 'oci://') =>
  z
    .string()
    .min(1)
    .max(255)
    .superRefine((v, ctx) => {
      const problem = registryProblem(v, scheme);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });

const name = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]*$/, 'must be lower-case letters, digits, ".", "_" or "-", starting with a letter or digit');

export const VERSION_FORMATS = [
  'python',
  'package-json',
  'package-lock',
  'chart-yaml',
  'pyproject',
  'cargo-toml',
  'cargo-lock',
  'tauri-conf',
  'plain',
  'regex',
  'env-pin',
] as const;
export type VersionFormatName = (typeof VERSION_FORMATS)[number];

const versionFileObject = z
  .object({
    file: relPath,
    /** Inferred from the file name when omitted. */
    format: z.enum(VERSION_FORMATS).optional(),
    /** regex format: a pattern with a named group `version`. */
    pattern: z.string().optional(),
    /** env-pin format: the variable whose image tag is the version (DSXCONNECT_IMAGE). */
    key: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name (letters, digits, "_")').optional(),
    /** python format: the variable name; default is the first assignment whose name contains "version". */
    variable: z.string().optional(),
    /** cargo-lock format: the package whose entry to read; default is the name in the sibling Cargo.toml. */
    package: z.string().optional(),
  })
  .strict();

export const versionFileSchema = z.union([relPath, versionFileObject]);

const versionSchema = z
  .object({
    file: versionFileSchema.optional(),
    files: z.array(versionFileSchema).min(1).optional(),
  })
  .strict()
  .refine((v) => (v.file === undefined) !== (v.files === undefined), {
    message: 'give exactly one of `file` (one version file) or `files` (a list that must agree)',
  });

const imageSchema = z
  .object({
    name: name.describe('repository name, without registry or namespace'),
    dockerfile: relPath.optional(),
    context: relPath.optional(),
    target: argToken('a Dockerfile stage name').optional(),
    buildArgs: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/, 'a build arg name is letters, digits, "_", "." and "-", starting with a letter or "_" (as --build-arg takes it)'), z.string()).optional(),
    platforms: z.array(z.string().regex(/^[a-z0-9]+\/[a-z0-9]+(\/[a-z0-9]+)?$/, 'must look like linux/amd64')).optional(),
  })
  .strict();

/** A key path into values.yaml as `helm --set` takes it: no "=", ",", spaces or leading "-". */
const valuesKey = z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/, 'must be a values.yaml key path such as image.repository (letters, digits, "_", "-", "."), as helm --set takes it');

const chartSchema = z
  .object({
    path: relPath,
    /** Where the image repository/tag/pullPolicy live in values.yaml (deploy-all-local sets them). */
    values: z
      .object({
        repository: valuesKey.default('image.repository'),
        tag: valuesKey.default('image.tag'),
        pullPolicy: valuesKey.default('image.pullPolicy'),
      })
      .strict()
      .optional(),
    release: name.optional().describe('helm release name for deploy-all-local; default: the component name'),
    namespace: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a Kubernetes namespace: lower-case letters, digits and "-", at most 63, not starting or ending with "-"').max(63).optional(),
  })
  .strict();

const composeSchema = z
  .object({
    file: relPath,
    role: z.enum(['core', 'connector', 'optional']),
    /** For role optional: the flag that includes it, e.g. include-dsxa. */
    flag: z.string().regex(/^[a-z][a-z0-9-]*$/).optional(),
    /** The variable the compose file reads its image from, e.g. DSXCONNECT_IMAGE. */
    imageVar: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/).optional(),
  })
  .strict();

const componentSchema = z
  .object({
    name,
    path: relPath.optional(),
    /** Extra release-relevant paths beside `path` (shared libraries, lock files). */
    sources: z.array(relPath).optional(),
    version: versionSchema.optional(),
    image: imageSchema.optional(),
    chart: chartSchema.optional(),
    compose: composeSchema.optional(),
    external: z.object({ image: argToken('an image reference such as docker.io/dsxconnect/dpa-rocky9:4.1.1') }).strict().optional(),
    /** This component's release tags, when its history was tagged otherwise than release.componentTag (`connector-aws-v{version}`). */
    tag: z
      .string()
      .superRefine((t, ctx) => {
        const problem = tagTemplateProblem(t, { component: true });
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .optional(),
  })
  .strict();

/** release.tag (`product`) and release.componentTag (`component`, which must name the component). */
const tagTemplate = (kind: 'product' | 'component') =>
  z.string().superRefine((t, ctx) => {
    const problem =
      tagTemplateProblem(t, { component: kind === 'component' }) ??
      (kind === 'component' && !t.includes('{component}') ? 'must contain {component}: without it every component of a release gets the same tag (give a component its own tag: for a fixed name)' : undefined);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

const registryPairSchema = z
  .object({
    images: registryValue(''),
    charts: registryValue('oci://'),
  })
  .strict();

export const configSchema = z
  .object({
    project: name,
    registries: z.object({ dev: registryPairSchema.optional(), release: registryPairSchema.optional() }).strict().optional(),
    release: z
      .object({
        tag: tagTemplate('product').default('v{version}'),
        versionOf: z.string().optional(),
        componentTag: tagTemplate('component').default('{component}-v{version}'),
        github: z
          .string()
          .regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/(?!\.\.?$)[A-Za-z0-9._-]{1,100}$/, 'must be owner/repo as on GitHub (e.g. dsxconnect/dsx-connect): letters, digits and "-" for the owner, no "." or ".." as the repository')
          .optional(),
        gitlab: z
          .object({
            project: z
              .string()
              .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]*(?:\/[A-Za-z0-9_][A-Za-z0-9_.-]*)+$/, 'must be the project\'s full path as on GitLab (group/project, group/subgroup/project)')
              .refine((p) => !p.split('/').some((s) => s === '.' || s === '..'), 'must not contain "." or ".." segments'),
            apiUrl: z.string().regex(/^https?:\/\/[^\s/]+(\/[^\s]*)?$/, 'must be the API root URL, e.g. https://gitlab.com/api/v4').default('https://gitlab.com/api/v4'),
          })
          .strict()
          .optional()
          .describe('create the release on GitLab too (Releases API); the token comes from --gitlab-token, GITLAB_TOKEN or CI_JOB_TOKEN'),
      })
      .strict()
      .default({ tag: 'v{version}', componentTag: '{component}-v{version}' }),
    compose: z
      .object({
        network: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'must be a Docker network name: letters, digits, "_", ".", "-", starting with a letter or digit').optional(),
        project: name.optional(),
        envFile: relPath.optional(),
      })
      .strict()
      .optional(),
    components: z.array(componentSchema).min(1, 'list at least one component'),
  })
  .strict();

export type RawConfig = z.infer<typeof configSchema>;
export type RawComponent = z.infer<typeof componentSchema>;
