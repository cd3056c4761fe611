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
    key: z.string().optional(),
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
    target: z.string().optional(),
    buildArgs: z.record(z.string(), z.string()).optional(),
    platforms: z.array(z.string().regex(/^[a-z0-9]+\/[a-z0-9]+(\/[a-z0-9]+)?$/, 'must look like linux/amd64')).optional(),
  })
  .strict();

const chartSchema = z
  .object({
    path: relPath,
    /** Where the image repository/tag/pullPolicy live in values.yaml (deploy-all-local sets them). */
    values: z
      .object({
        repository: z.string().default('image.repository'),
        tag: z.string().default('image.tag'),
        pullPolicy: z.string().default('image.pullPolicy'),
      })
      .strict()
      .optional(),
    release: name.optional().describe('helm release name for deploy-all-local; default: the component name'),
    namespace: z.string().optional(),
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
    external: z.object({ image: z.string().min(1) }).strict().optional(),
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

const registryPairSchema = z
  .object({
    images: z.string().min(1).regex(/^[^:/]+(:\d+)?(\/[a-z0-9._-]+)*$/, 'must be host[:port]/namespace, without a scheme'),
    charts: z.string().regex(/^oci:\/\/[^/]+(\/[a-z0-9._-]+)*$/, 'must be oci://host[:port]/namespace'),
  })
  .strict();

export const configSchema = z
  .object({
    project: name,
    registries: z.object({ dev: registryPairSchema.optional(), release: registryPairSchema.optional() }).strict().optional(),
    release: z
      .object({
        tag: z.string().includes('{version}', { message: 'must contain {version}' }).default('v{version}'),
        versionOf: z.string().optional(),
        componentTag: z.string().includes('{version}', { message: 'must contain {version}' }).default('{component}-v{version}'),
        github: z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'must be owner/repo').optional(),
      })
      .strict()
      .default({ tag: 'v{version}', componentTag: '{component}-v{version}' }),
    compose: z
      .object({
        network: z.string().optional(),
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
