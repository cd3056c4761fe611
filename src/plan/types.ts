import * as z from 'zod/mini';
import { described } from '../config/zod-mini.js';

/**
 * A plan: everything a lane will do, decided before anything runs. Defined
 * as a zod schema so the TypeScript types and the published JSON Schema
 * (plan.schema.json, for `lanes plan --json` consumers) come from one source.
 * The host CLI and the Dagger module both carry out exactly these steps, in
 * dependency order.
 */

export const LANES = ['local', 'deploy-local', 'compose-up-local', 'compose-down-local', 'dev', 'release'] as const;
export type Lane = (typeof LANES)[number];

const stringMap = z.record(z.string(), z.string());

const optional = z.optional;

const stepBase = {
  /** Unique within the plan, e.g. `build:dsx-connect`. */
  id: described(z.string(), 'unique within the plan, e.g. build:dsx-connect'),
  needs: described(z.array(z.string()), 'steps that must succeed (or be skipped with a reason) first'),
  component: optional(z.string()),
  skip: described(optional(z.string()), 'when set, the step is recorded as skipped with this reason and nothing runs'),
};

const step = <K extends string, S extends z.core.$ZodLooseShape>(kind: K, shape: S) => z.strictObject({ ...stepBase, kind: z.literal(kind), ...shape });

const publishedDigest = described(optional(z.string()), 'when skipped as already published by this commit: the digest that is there');

export const stepSchema = z.discriminatedUnion('kind', [
  step('build-image', {
    context: z.string(),
    dockerfile: z.string(),
    target: optional(z.string()),
    buildArgs: stringMap,
    labels: stringMap,
    tags: described(z.array(z.string()).check(z.minLength(1)), 'every tag the image gets; the first is the one later steps use'),
    platforms: z.array(z.string()),
  }),
  step('push-image', { ref: z.string(), publishedDigest }),
  step('package-chart', { chartPath: z.string(), version: z.string(), appVersion: z.string(), annotations: stringMap, values: described(optional(stringMap), "values.yaml key paths set in the packaged copy: the lane's image repository and tag"), output: z.string() }),
  step('push-chart', { package: z.string(), repository: z.string(), ref: z.string(), publishedDigest }),
  step('helm-dependency-build', { chartPath: z.string() }),
  step('helm-lint', { chartPath: z.string(), set: stringMap }),
  step('helm-deploy', { release: z.string(), chartPath: z.string(), namespace: optional(z.string()), set: stringMap, kubeContext: optional(z.string()) }),
  step('ensure-network', { network: z.string() }),
  step('compose-up', { project: z.string(), files: z.array(z.string()), env: stringMap, envFile: optional(z.string()) }),
  step('compose-down', { project: z.string(), files: z.array(z.string()), env: stringMap, envFile: optional(z.string()) }),
  step('compose-bundle', { files: z.array(z.string()), output: z.string() }),
  step('checksums', { files: z.array(z.string()), output: z.string() }),
  step('push-tags', {
    tags: z.array(z.strictObject({ name: z.string(), commit: z.string() })),
    remote: z.string(),
    released: described(z.array(z.string()), 'every tag of this release: those to push and those an earlier run of this commit already pushed'),
  }),
  step('gitlab-release', {
    project: described(z.string(), 'the GitLab project path, group/project'),
    apiUrl: z.string(),
    tag: z.string(),
    name: z.string(),
    notes: z.string(),
    assets: described(z.array(z.string()), 'uploaded to the generic package registry (packageName, version = tag) and linked from the release'),
    packageName: z.string(),
  }),
  step('github-release', {
    repository: z.string(),
    tag: z.string(),
    commit: described(z.string(), 'the released commit: GitHub creates the tag there if it does not have it yet'),
    name: z.string(),
    notes: z.string(),
    prerelease: z.boolean(),
    assets: z.array(z.string()),
  }),
]);

export const findingSchema = z.strictObject({
  code: z.string().check(z.regex(/^[EW]_[A-Z_]+$/)),
  severity: z.enum(['error', 'warning']),
  component: optional(z.string()),
  version: optional(z.string()),
  message: z.string(),
});

export const planSchema = z.strictObject({
  schemaVersion: z.literal(1),
  lane: z.enum(LANES),
  project: z.string(),
  commit: described(optional(z.string()), 'full SHA the lane works from'),
  tag: optional(z.string()),
  components: z.array(
    z.strictObject({
      name: z.string(),
      version: optional(z.string()),
      images: z.array(z.string()),
      chart: optional(z.strictObject({ name: z.string(), version: z.string(), ref: optional(z.string()) })),
      tagOnly: described(optional(z.string()), 'release lane: a version-only component, released by this tag alone'),
    }),
  ),
  skipped: described(z.array(z.strictObject({ component: z.string(), reason: z.string() })), 'components left out, each with why'),
  steps: z.array(stepSchema),
  findings: z.array(findingSchema),
});

export type Step = z.infer<typeof stepSchema>;
/** The step of one kind, e.g. StepOf<'push-image'>. */
export type StepOf<K extends Step['kind']> = Step & { kind: K };
export type PlannedComponent = z.infer<typeof planSchema>['components'][number];
export type Plan = Omit<z.infer<typeof planSchema>, 'findings'> & { findings: import('../guardrails/finding.js').Finding[] };
