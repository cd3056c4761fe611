import * as z from 'zod/mini';
import { described } from './zod-mini.js';
import { tagTemplateProblem } from '../git/tag-template.js';

/**
 * The schema of lanes.yaml. Objects are strict so that a typo (`dockerFile:`)
 * is an error that names the key rather than a setting silently ignored.
 */

const relPath = z.string().check(
  z.minLength(1, 'must be a non-empty path relative to the monorepo root'),
  z.refine((p) => !p.startsWith('/') && !p.split('/').includes('..'), {
    message: 'must be a path inside the monorepo (relative, without "..")',
  }),
  // A path is handed to docker, helm and compose as an argument: a leading "-" would be read as a flag.
  z.refine((p) => !p.startsWith('-'), { message: 'must not start with "-" (tools would read it as a flag); write ./-name if you mean it' }),
  // eslint-disable-next-line no-control-regex
  z.refine((p) => !/[\x00-\x1f\x7f\\]/.test(p), { message: 'must not contain control characters, line breaks or "\\"; use "/" between directories' }),
);

/** A value lanes passes to docker, helm or kubectl as one argument: no whitespace, no leading "-". */
const argToken = (what: string) =>
  z.string().check(z.regex(/^[A-Za-z0-9_][A-Za-z0-9_.\/:@-]*$/, `must be ${what}: letters, digits, "_", ".", "-", "/", ":" or "@", no spaces, not starting with "-"`));

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
  z.string().check(
    z.minLength(1),
    z.maxLength(255),
    z.superRefine((v, ctx) => {
      const problem = registryProblem(v, scheme);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
  );

const name = z.string().check(z.regex(/^[a-z0-9][a-z0-9._-]*$/, 'must be lower-case letters, digits, ".", "_" or "-", starting with a letter or digit'));

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

const versionFileObject = z.strictObject({
  file: relPath,
  /** Inferred from the file name when omitted. */
  format: z.optional(z.enum(VERSION_FORMATS)),
  /** regex format: a pattern with a named group `version`. */
  pattern: z.optional(z.string()),
  /** env-pin format: the variable whose image tag is the version (DSXCONNECT_IMAGE). */
  key: z.optional(z.string().check(z.regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name (letters, digits, "_")'))),
  /** python format: the variable name; default is the first assignment whose name contains "version". */
  variable: z.optional(z.string()),
  /** cargo-lock format: the package whose entry to read; default is the name in the sibling Cargo.toml. */
  package: z.optional(z.string()),
});

export const versionFileSchema = z.union([relPath, versionFileObject]);

const versionSchema = z
  .strictObject({
    file: z.optional(versionFileSchema),
    files: z.optional(z.array(versionFileSchema).check(z.minLength(1))),
  })
  .check(
    z.refine((v) => (v.file === undefined) !== (v.files === undefined), {
      message: 'give exactly one of `file` (one version file) or `files` (a list that must agree)',
    }),
  );

const imageSchema = z.strictObject({
  name: described(name, 'repository name, without registry or namespace'),
  dockerfile: z.optional(relPath),
  context: z.optional(relPath),
  target: z.optional(argToken('a Dockerfile stage name')),
  buildArgs: z.optional(z.record(z.string().check(z.regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/, 'a build arg name is letters, digits, "_", "." and "-", starting with a letter or "_" (as --build-arg takes it)')), z.string())),
  platforms: z.optional(z.array(z.string().check(z.regex(/^[a-z0-9]+\/[a-z0-9]+(\/[a-z0-9]+)?$/, 'must look like linux/amd64')))),
});

/** A key path into values.yaml as `helm --set` takes it: no "=", ",", spaces or leading "-". */
const valuesKey = z.string().check(z.regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/, 'must be a values.yaml key path such as image.repository (letters, digits, "_", "-", "."), as helm --set takes it'));

const chartSchema = z.strictObject({
  path: relPath,
  /** Where the image repository/tag/pullPolicy live in values.yaml (deploy-all-local sets them). */
  values: z.optional(
    z.strictObject({
      repository: z._default(valuesKey, 'image.repository'),
      tag: z._default(valuesKey, 'image.tag'),
      pullPolicy: z._default(valuesKey, 'image.pullPolicy'),
    }),
  ),
  release: described(z.optional(name), 'helm release name for deploy-all-local; default: the component name'),
  namespace: z.optional(z.string().check(z.regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a Kubernetes namespace: lower-case letters, digits and "-", at most 63, not starting or ending with "-"'), z.maxLength(63))),
});

const composeSchema = z.strictObject({
  file: relPath,
  role: z.enum(['core', 'connector', 'optional']),
  /** For role optional: the flag that includes it, e.g. include-dsxa. */
  flag: z.optional(z.string().check(z.regex(/^[a-z][a-z0-9-]*$/))),
  /** The variable the compose file reads its image from, e.g. DSXCONNECT_IMAGE. */
  imageVar: z.optional(z.string().check(z.regex(/^[A-Za-z_][A-Za-z0-9_]*$/))),
});

const componentSchema = z.strictObject({
  name,
  path: z.optional(relPath),
  /** Extra release-relevant paths beside `path` (shared libraries, lock files). */
  sources: z.optional(z.array(relPath)),
  version: z.optional(versionSchema),
  image: z.optional(imageSchema),
  chart: z.optional(chartSchema),
  compose: z.optional(composeSchema),
  external: z.optional(z.strictObject({ image: argToken('an image reference such as docker.io/dsxconnect/dpa-rocky9:4.1.1') })),
  /** This component's release tags, when its history was tagged otherwise than release.componentTag (`connector-aws-v{version}`). */
  tag: z.optional(
    z.string().check(
      z.superRefine((t, ctx) => {
        const problem = tagTemplateProblem(t, { component: true });
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }),
    ),
  ),
});

/** release.tag (`product`) and release.componentTag (`component`, which must name the component). */
const tagTemplate = (kind: 'product' | 'component') =>
  z.string().check(
    z.superRefine((t, ctx) => {
      const problem =
        tagTemplateProblem(t, { component: kind === 'component' }) ??
        (kind === 'component' && !t.includes('{component}') ? 'must contain {component}: without it every component of a release gets the same tag (give a component its own tag: for a fixed name)' : undefined);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
  );

const registryPairSchema = z.strictObject({
  images: registryValue(''),
  charts: registryValue('oci://'),
});

export const configSchema = z.strictObject({
  project: name,
  registries: z.optional(z.strictObject({ dev: z.optional(registryPairSchema), release: z.optional(registryPairSchema) })),
  release: z._default(
    z.strictObject({
      tag: z._default(tagTemplate('product'), 'v{version}'),
      versionOf: z.optional(z.string()),
      componentTag: z._default(tagTemplate('component'), '{component}-v{version}'),
      github: z.optional(
        z.string().check(z.regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/(?!\.\.?$)[A-Za-z0-9._-]{1,100}$/, 'must be owner/repo as on GitHub (e.g. dsxconnect/dsx-connect): letters, digits and "-" for the owner, no "." or ".." as the repository')),
      ),
      gitlab: described(
        z.optional(
          z.strictObject({
            project: z.string().check(
              z.regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]*(?:\/[A-Za-z0-9_][A-Za-z0-9_.-]*)+$/, 'must be the project\'s full path as on GitLab (group/project, group/subgroup/project)'),
              z.refine((p) => !p.split('/').some((s) => s === '.' || s === '..'), 'must not contain "." or ".." segments'),
            ),
            apiUrl: z._default(z.string().check(z.regex(/^https?:\/\/[^\s/]+(\/[^\s]*)?$/, 'must be the API root URL, e.g. https://gitlab.com/api/v4')), 'https://gitlab.com/api/v4'),
          }),
        ),
        'create the release on GitLab too (Releases API); the token comes from --gitlab-token, GITLAB_TOKEN or CI_JOB_TOKEN',
      ),
    }),
    { tag: 'v{version}', componentTag: '{component}-v{version}' },
  ),
  compose: z.optional(
    z.strictObject({
      network: z.optional(z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'must be a Docker network name: letters, digits, "_", ".", "-", starting with a letter or digit'))),
      project: z.optional(name),
      envFile: z.optional(relPath),
    }),
  ),
  components: z.array(componentSchema).check(z.minLength(1, 'list at least one component')),
});

export type RawConfig = z.infer<typeof configSchema>;
export type RawComponent = z.infer<typeof componentSchema>;
