import type { Finding } from './finding.js';
import type { Plan } from '../plan/types.js';

const SECRET_NAME = /(PASSWORD|PASSWD|TOKEN|SECRET|API_?KEY|PRIVATE_?KEY|CREDENTIAL)/i;

/**
 * Build args end up in the image's history for anyone who pulls it, so one
 * named like a credential is refused before anything is built.
 */
export function secretBuildArgs(plan: Plan): Finding[] {
  return plan.steps.flatMap((s) =>
    s.kind !== 'build-image'
      ? []
      : Object.keys(s.buildArgs)
          .filter((name) => SECRET_NAME.test(name))
          .map((name) => ({
            code: 'E_SECRET_BUILD_ARG' as const,
            severity: 'error' as const,
            component: s.component,
            message: `${s.component}: build arg ${name} looks like a secret, and build args are readable in the image's history; pass it as a BuildKit secret (RUN --mount=type=secret) instead`,
          })),
  );
}
