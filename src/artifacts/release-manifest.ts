import { basename } from 'node:path';
import * as z from 'zod/mini';
import { described } from '../config/zod-mini.js';
import type { StepResult } from '../exec/run-steps.js';
import type { Plan } from '../plan/types.js';

/**
 * `.lanes/out/artifacts.json`: what a release published, for any CI to read
 * (deploy jobs, SBOM and signing steps, notifications) without parsing logs.
 * Written only when the release succeeded. Its JSON Schema is
 * artifacts.schema.json, generated from this zod schema.
 */
const published = z.strictObject({ component: z.string(), ref: z.string(), digest: z.string().check(z.regex(/^sha256:[0-9a-f]{64}$/)) });


export const releaseManifestSchema = z.strictObject({
  schemaVersion: z.literal(1),
  project: z.string(),
  tag: z.string(),
  commit: z.string(),
  images: described(z.array(published), 'every image of the release, pushed by this run or by an earlier run of the same commit'),
  charts: z.array(published),
  assets: described(z.array(z.strictObject({ name: z.string(), path: z.string(), sha256: z.string().check(z.regex(/^[0-9a-f]{64}$/)) })), 'release page assets; path is relative to the monorepo root'),
  tags: described(z.array(z.string()), 'the release tags, on the remote at commit'),
  releases: z.array(z.strictObject({ host: z.enum(['github', 'gitlab']), url: z.string() })),
  notes: described(z.string(), 'the release notes, also written as RELEASE_NOTES.md beside this file'),
});

export type ReleaseManifest = z.infer<typeof releaseManifestSchema>;

/** The manifest of a successful release, from its plan and its step results. */
export function releaseManifest(plan: Plan, results: readonly StepResult[]): ReleaseManifest {
  const result = new Map(results.map((r) => [r.id, r]));
  const images: ReleaseManifest['images'] = [];
  const charts: ReleaseManifest['charts'] = [];
  const assets: ReleaseManifest['assets'] = [];
  const tags = new Set<string>();
  const releases: ReleaseManifest['releases'] = [];
  let notes = '';
  for (const step of plan.steps) {
    const r = result.get(step.id);
    const out = (r?.status === 'ok' ? r.outputs : {}) as Partial<Record<'digest' | 'sha256' | 'url', string>>;
    switch (step.kind) {
      case 'push-image':
      case 'push-chart': {
        const digest = out.digest ?? step.publishedDigest;
        if (digest) (step.kind === 'push-image' ? images : charts).push({ component: step.component!, ref: step.ref, digest });
        break;
      }
      case 'package-chart':
      case 'compose-bundle':
      case 'checksums':
        if (out.sha256) assets.push({ name: basename(step.output), path: step.output, sha256: out.sha256 });
        break;
      case 'push-tags':
        for (const t of step.released) tags.add(t);
        break;
      case 'github-release':
      case 'gitlab-release':
        notes = step.notes;
        if (out.url) releases.push({ host: step.kind === 'github-release' ? 'github' : 'gitlab', url: out.url });
        break;
    }
  }
  // Tags an earlier run already pushed (push-tags skipped): the release tag and each released component's.
  tags.add(plan.tag!);
  return { schemaVersion: 1, project: plan.project, tag: plan.tag!, commit: plan.commit!, images, charts, assets, tags: [...tags], releases, notes };
}
