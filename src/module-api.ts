/**
 * The core as the Dagger module sees it. scripts/build.mjs bundles this file
 * and every dependency into dagger/core/lanes-core.js, because the Dagger
 * runtime loads the module from dagger/ alone and never sees src/ or this
 * package's node_modules (see README, "The Dagger module").
 */
export { statusCommand } from './commands/status.js';
export { planCommand } from './commands/plan.js';
export { checkCommand } from './commands/check.js';
export { runLaneCommand, type LaneReport, type RunOptions } from './commands/run-lane.js';
export { bumpCommand } from './commands/bump.js';
export { initCommand } from './commands/init.js';
export { initUndecidedLines } from './init/render-report.js';
export type { CommandContext } from './commands/context.js';
export { bumpRequest, bumpTargets, parseBuildArgs, parseLane, parseNames, positiveInt } from './commands/inputs.js';
export { renderBumpReport, renderCheckReport, renderLaneReport, renderPlanReport, renderStatusReport } from './render/reports.js';
export { renderFindings } from './render/text.js';
export type { Executor, StepOutputs } from './exec/executor.js';
export { Redactor } from './exec/redactor.js';
export { IMAGE_LIST_ARGS, parseImageList } from './exec/local-images.js';
export type { GitRunner, GitResult } from './git/run-git.js';
export { annotateChartYaml } from './charts/annotate-chart.js';
export { setChartValues } from './charts/chart-values.js';
export { composeArgs, helmDeployArgs, helmLintArgs, helmPackageArgs } from './exec/command-args.js';
export { composeBundle } from './artifacts/compose-bundle.js';
export { reproducibleTgz } from './artifacts/reproducible-tgz.js';
export { sha256, sha256sums } from './artifacts/checksums.js';
export { publishGitHubRelease } from './publish/github-release.js';
export { publishGitLabRelease } from './publish/gitlab-release.js';
export type { ReleaseHostAccess } from './publish/preflight.js';
export { loginHost, parseRef } from './registry/image-ref.js';
export { StepError, GuardrailError, UsageError, LanesError } from './errors.js';
export { lockLost, refusedAsExisting, remoteSaid, tagMessage, tagsNotHeld } from './exec/tag-lock.js';
export type { Lane, Plan, Step, StepOf } from './plan/types.js';
