import type { Executor } from '../plan/options.js';
import type { Plan } from '../plan/types.js';
import type { Finding } from './finding.js';

/**
 * An image of several platforms needs a builder that holds them all: the
 * Dagger module builds one variant per platform and publishes them as one
 * index, but the host CLI's `docker build` (no buildx) makes one platform per
 * image. Found at check/plan time, before anything is built.
 */
export function multiPlatformFindings(plan: Plan, executor: Executor = 'host'): Finding[] {
  if (executor !== 'host') return [];
  return plan.steps.flatMap((s) =>
    s.kind === 'build-image' && s.platforms.length > 1
      ? [
          {
            code: 'E_MULTI_PLATFORM_HOST' as const,
            severity: 'error' as const,
            component: s.component,
            message: `${s.component}: image.platforms lists ${s.platforms.join(', ')}, but the host CLI builds with docker build, which makes one platform per image; run this lane with the Dagger module (dagger call …), which builds every platform, or list at most one platform in lanes.yaml`,
          },
        ]
      : [],
  );
}
