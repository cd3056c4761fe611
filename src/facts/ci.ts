/** The variables the common CI systems set; any of them with a truthy value means "running in CI". */
const CI_VARIABLES = ['CI', 'GITHUB_ACTIONS', 'GITLAB_CI', 'BUILDKITE', 'JENKINS_URL', 'TF_BUILD'] as const;

/** Values that say "no" (a job that sets CI=no or CI=false is not claiming to be CI). */
const FALSY = new Set(['', '0', 'false', 'no', 'off', 'n']);

/** True under CI=true or the variables the common CI systems set. */
export function isCI(env: NodeJS.ProcessEnv): boolean {
  return CI_VARIABLES.some((k) => env[k] !== undefined && !FALSY.has(env[k]!.trim().toLowerCase()));
}
