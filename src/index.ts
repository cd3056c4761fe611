/**
 * lanes as a library: the engine-free core that the CLI and the Dagger
 * module share. Each command takes a context and typed options and returns
 * a typed report; render/ turns reports into text or JSON.
 */
export { loadConfig } from './config/load.js';
export { readWorkspace } from './workspace/read-workspace.js';
export { statusCommand } from './commands/status.js';
export { planCommand } from './commands/plan.js';
export { checkCommand, type CheckReport } from './commands/check.js';
export { runLaneCommand, type LaneReport } from './commands/run-lane.js';
export { bumpCommand, bumpComponents, type BumpReport } from './commands/bump.js';
export type { CommandContext } from './commands/context.js';
export { factRequest } from './plan/fact-request.js';
export { planLane } from './plan/plan-lane.js';
export { isCI } from './facts/ci.js';
export { buildStatus } from './status/build-status.js';
export { hasErrors, FINDING_CODES, type Finding } from './guardrails/finding.js';
export { codeTable, ERROR_CODES } from './codes.js';
export { planSchema, type Plan, type Step, type Lane } from './plan/types.js';
export type { Executor, StepOutputs } from './exec/executor.js';
export { LanesError, ConfigError, GuardrailError, UsageError, ExecError, RegistryError } from './errors.js';
