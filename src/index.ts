/**
 * lanes as a library: the engine-free core that the CLI and the Dagger
 * module share. Read a workspace, compute a plan, check it.
 */
export { loadConfig } from './config/load.js';
export { readWorkspace } from './workspace/read-workspace.js';
export { computePlan, planWorkspace, isCI } from './plan/compute-plan.js';
export { buildStatus } from './status/build-status.js';
export { bumpComponent, bumpComponents } from './commands/bump.js';
export { hasErrors, FINDING_CODES, type Finding } from './guardrails/finding.js';
export { planSchema, type Plan, type Step, type Lane } from './plan/types.js';
export { LanesError, ConfigError, GuardrailError, UsageError, ExecError, RegistryError } from './errors.js';
