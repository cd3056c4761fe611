import type { Finding } from '../guardrails/finding.js';
import type { PublishedFact } from '../registry/published.js';
import type { Plan } from './types.js';

/** The references a plan would push: what to ask the registry about before running it. */
export function refsToLookUp(plan: Plan, withRevision: boolean): { ref: string; withRevision: boolean }[] {
  return plan.steps.flatMap((s) => (s.kind === 'push-image' || s.kind === 'push-chart' ? [{ ref: s.ref, withRevision }] : []));
}

/** A registry that could not be asked is an error: "not published" cannot be assumed. */
export function registryErrors(published: ReadonlyMap<string, PublishedFact>): Finding[] {
  const seen = new Set<string>();
  const out: Finding[] = [];
  for (const f of published.values()) {
    if (!f.error || seen.has(f.error.message)) continue;
    seen.add(f.error.message);
    out.push({ code: 'E_REGISTRY', severity: 'error', message: `${f.error.message} (while checking ${f.ref})` });
  }
  return out;
}
