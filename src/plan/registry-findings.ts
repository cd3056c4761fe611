import type { Finding } from '../guardrails/finding.js';
import { parseRef } from '../registry/image-ref.js';
import type { PublishedFact } from '../registry/published.js';
import type { Plan } from './types.js';

/** The references a plan would push: what to ask the registry about before running it. */
export function refsToLookUp(plan: Plan, withRevision: boolean): { ref: string; withRevision: boolean }[] {
  return plan.steps.flatMap((s) => (s.kind === 'push-image' || s.kind === 'push-chart' ? [{ ref: s.ref, withRevision }] : []));
}

/**
 * A registry that could not be asked is an error: "not published" cannot be
 * assumed. One finding per registry and cause, not one per reference.
 */
export function registryErrors(published: ReadonlyMap<string, PublishedFact>): Finding[] {
  const groups = new Map<string, PublishedFact[]>();
  for (const f of published.values()) {
    if (!f.error) continue;
    const key = `${parseRef(f.ref).registry} ${f.error.code}`;
    const group = groups.get(key);
    if (group) group.push(f);
    else groups.set(key, [f]);
  }
  return [...groups.values()].map((facts) => {
    const first = facts[0]!;
    const more = facts.length > 1 ? ` and ${facts.length - 1} more reference${facts.length > 2 ? 's' : ''} there` : '';
    return { code: 'E_REGISTRY' as const, severity: 'error' as const, message: `${first.error!.message} (while checking ${first.ref}${more})` };
  });
}
