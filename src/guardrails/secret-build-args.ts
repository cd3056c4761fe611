import type { Finding } from './finding.js';
import type { Plan } from '../plan/types.js';

/** Anywhere in the name: words that only ever name a credential (PIP_INDEX_TOKEN, HTPASSWD, AWS_SECRET_ACCESS_KEY, NPM_CONFIG__AUTHTOKEN). */
const SECRET_ANYWHERE = /(PASSWORD|PASSWD|PASSPHRASE|TOKEN|SECRET|API_?KEY|PRIVATE_?KEY|CREDENTIAL|NETRC)/i;
/**
 * Short words that name a credential as the name's last word (DB_PASS,
 * MYSQL_PWD, NPM_AUTH, GITHUB_PAT, REGISTRY_CREDS), but mean other things
 * elsewhere (PASS_THROUGH, AUTH_URL, AUTH_ENABLED).
 */
const SECRET_LAST_WORD = new Set(['PASS', 'PWD', 'PW', 'AUTH', 'PAT', 'CREDS']);
/**
 * The key of a key pair or of a service (TLS_KEY, CERT_KEY, SSH_KEY,
 * SIGNING_KEY, AWS_ACCESS_KEY): a word of these followed by KEY — unless
 * the name goes on to say it is an ID (AWS_ACCESS_KEY_ID, not a secret).
 */
const KEY_OWNERS = new Set(['CERT', 'TLS', 'SSL', 'SSH', 'RSA', 'SIGNING', 'SIGN', 'GPG', 'PGP', 'ENCRYPTION', 'ENC', 'MASTER', 'ACCESS', 'CLIENT', 'LICENSE', 'DEPLOY', 'SERVICE', 'ACCOUNT']);

/** The words of a build arg's name: split at _ - . and camelCase, upper case. */
function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .split(/[_\-.]+/)
    .filter(Boolean)
    .map((w) => w.toUpperCase());
}

/** Whether a build arg's name says it holds a credential. */
export function secretNamed(name: string): boolean {
  if (SECRET_ANYWHERE.test(name)) return true;
  const w = words(name);
  if (w.length > 0 && SECRET_LAST_WORD.has(w[w.length - 1]!)) return true;
  return w.some((word, i) => word === 'KEY' && i > 0 && KEY_OWNERS.has(w[i - 1]!) && w[i + 1] !== 'ID');
}

/**
 * Build args end up in the image's history for anyone who pulls it, so one
 * named like a credential is refused before anything is built.
 */
export function secretBuildArgs(plan: Plan): Finding[] {
  return plan.steps.flatMap((s) =>
    s.kind !== 'build-image'
      ? []
      : Object.keys(s.buildArgs)
          .filter(secretNamed)
          .map((name) => ({
            code: 'E_SECRET_BUILD_ARG' as const,
            severity: 'error' as const,
            component: s.component,
            message: `${s.component}: build arg ${name} looks like a secret, and build args are readable in the image's history; pass it as a BuildKit secret (RUN --mount=type=secret) instead`,
          })),
  );
}

/**
 * Build args whose value holds a secret lanes was given (the registry
 * password, a GitHub or GitLab token — what the command's Redactor knows),
 * whatever the arg is called: such a value would be readable in the image's
 * history, and lanes' own redaction would have hidden it from the user. The
 * message names the component and the arg, never the value. An arg already
 * refused for its name (secretBuildArgs) is not reported twice.
 *
 * Pure: the secrets come in as `known` (a Redactor, or anything that can say
 * whether a text holds one).
 */
export function secretBuildArgValues(plan: Plan, known: { reveals(text: string): boolean }): Finding[] {
  return plan.steps.flatMap((s) =>
    s.kind !== 'build-image'
      ? []
      : Object.entries(s.buildArgs)
          .filter(([name, value]) => !secretNamed(name) && known.reveals(value))
          .map(([name]) => ({
            code: 'E_SECRET_BUILD_ARG_VALUE' as const,
            severity: 'error' as const,
            component: s.component,
            message: `${s.component}: build arg ${name} holds a secret lanes was given (the registry password, or a GitHub or GitLab token), and build args are readable in the image's history; pass it as a BuildKit secret (RUN --mount=type=secret) instead`,
          })),
  );
}
