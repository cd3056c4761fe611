import { z } from 'zod';

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

const stepBase = {
  /** Unique within the plan, e.g. `build:dsx-connect`. */
  id: z.string().describe('unique within the plan, e.g. build:dsx-connect'),
  needs: z.array(z.string()).describe('steps that must succeed (or be skipped with a reason) first'),
  component: z.string().optional(),
  skip: z.string().optional().describe('when set, the step is recorded as skipped with this reason and nothing runs'),
};

const step = <K extends string, S extends z.ZodRawShape>(kind: K, shape: S) => z.object({ ...stepBase, kind: z.literal(kind), ...shape }).strict();

export const stepSchema = z.discriminatedUnion('kind', [
  step('build-image', {
    context: z.string(),
    dockerfile: z.string(),
    target: z.string().optional(),
    buildArgs: stringMap,
    labels: stringMap,
    tags: z.array(z.string()).min(1).describe('every tag the image gets; the first is the one later steps use'),
    platforms: z.array(z.string()),
  }),
  step('push-image', { ref: z.string(), publishedDigest: z.string().optional().describe('when skipped as already published by this commit: the digest that is there') }),
  step('package-chart', { chartPath: z.string(), version: z.string(), appVersion: z.string(), annotations: stringMap, values: stringMap.optional().describe("values.yaml key paths set in the packaged copy: the lane's image repository and tag"), output: z.string() }),
  step('push-chart', { package: z.string(), repository: z.string(), ref: z.string(), publishedDigest: z.string().optional().describe('when skipped as already published by this commit: the digest that is there') }),
  step('helm-dependency-build', { chartPath: z.string() }),
  step('helm-lint', { chartPath: z.string(), set: stringMap }),
  step('helm-deploy', { release: z.string(), chartPath: z.string(), namespace: z.string().optional(), set: stringMap, kubeContext: z.string().optional() }),
  step('ensure-network', { network: z.string() }),
  step('compose-up', { project: z.string(), files: z.array(z.string()), env: stringMap, envFile: z.string().optional() }),
  step('compose-down', { project: z.string(), files: z.array(z.string()), env: stringMap, envFile: z.string().optional() }),
  step('compose-bundle', { files: z.array(z.string()), output: z.string() }),
  step('checksums', { files: z.array(z.string()), output: z.string() }),
  step('push-tags', {
    tags: z.array(z.object({ name: z.string(), commit: z.string() }).strict()),
    remote: z.string(),
    released: z.array(z.string()).describe('every tag of this release: those to push and those an earlier run of this commit already pushed'),
  }),
  step('gitlab-release', {
    project: z.string().describe('the GitLab project path, group/project'),
    apiUrl: z.string(),
    tag: z.string(),
    name: z.string(),
    notes: z.string(),
    assets: z.array(z.string()).describe('uploaded to the generic package registry (packageName, version = tag) and linked from the release'),
    packageName: z.string(),
  }),
  step('github-release', {
    repository: z.string(),
    tag: z.string(),
    commit: z.string().describe('the released commit: GitHub creates the tag there if it does not have it yet'),
    name: z.string(),
    notes: z.string(),
    prerelease: z.boolean(),
    assets: z.array(z.string()),
  }),
]);

export const findingSchema = z
  .object({
    code: z.string().regex(/^[EW]_[A-Z_]+$/),
    severity: z.enum(['error', 'warning']),
    component: z.string().optional(),
    version: z.string().optional(),
    message: z.string(),
  })
  .strict();

export const planSchema = z
  .object({
    schemaVersion: z.literal(1),
    lane: z.enum(LANES),
    project: z.string(),
    commit: z.string().optional().describe('full SHA the lane works from'),
    tag: z.string().optional(),
    components: z.array(
      z
        .object({
          name: z.string(),
          version: z.string().optional(),
          images: z.array(z.string()),
          chart: z.object({ name: z.string(), version: z.string(), ref: z.string().optional() }).strict().optional(),
          tagOnly: z.string().optional().describe('release lane: a version-only component, released by this tag alone'),
        })
        .strict(),
    ),
    skipped: z.array(z.object({ component: z.string(), reason: z.string() }).strict()).describe('components left out, each with why'),
    steps: z.array(stepSchema),
    findings: z.array(findingSchema),
  })
  .strict();

export type Step = z.infer<typeof stepSchema>;
/** The step of one kind, e.g. StepOf<'push-image'>. */
export type StepOf<K extends Step['kind']> = Step & { kind: K };
export type PlannedComponent = z.infer<typeof planSchema>['components'][number];
export type Plan = Omit<z.infer<typeof planSchema>, 'findings'> & { findings: import('../guardrails/finding.js').Finding[] };
