import { join, resolve } from 'node:path';
import { CommanderError } from 'commander';
import { bumpCommand } from '../commands/bump.js';
import { checkCommand } from '../commands/check.js';
import { initCommand } from '../commands/init.js';
import type { CommandContext } from '../commands/context.js';
import { bumpRequest, bumpTargets, parseOutDir, type BumpFlags, parseBuildArgs, parseLane, parseNames } from '../commands/inputs.js';
import type { CommandName } from '../commands/options.js';
import { planCommand } from '../commands/plan.js';
import { runLaneCommand, type RunOptions } from '../commands/run-lane.js';
import { statusCommand } from '../commands/status.js';
import { EXIT, LanesError, ConfigError, GuardrailError } from '../errors.js';
import { hostExecutor, renderDeployManifests } from '../exec/host/execute-plan.js';
import type { Lane } from '../plan/types.js';
import { DEFAULT_OUT_DIR } from '../plan/options.js';
import { renderBumpReport, renderCheckReport, renderLaneReport, renderPlanReport, renderStatusReport } from '../render/reports.js';
import { renderFindings } from '../render/text.js';
import { initUndecidedLines, renderInitReport } from '../init/render-report.js';
import { isCI } from '../facts/ci.js';
import { commandContext, hostContext, type ReachFlags } from './host-context.js';
import { buildProgram, type Flags } from './program.js';
import { writeReleaseOutputs } from './release-outputs.js';
import { Progress, type ProgressSink } from './progress.js';
import { fileConfigCache, useValidatedConfigCache } from '../config/validated-config-cache.js';

// For bin/compile-cache.js, which writes the compiled bundle's cache once the command has run.
export { writeCacheFile } from '../cache-dir.js';

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  env: NodeJS.ProcessEnv;
  /** Set when stderr is a terminal: progress is drawn in place there. */
  tty?: ProgressSink['tty'];
}

const LANE_OF: Partial<Record<CommandName, Lane>> = {
  'build-all-local': 'local',
  'deploy-all-local': 'deploy-local',
  'compose-up-local': 'compose-up-local',
  'compose-down-local': 'compose-down-local',
  'push-all-dev': 'dev',
  release: 'release',
};

/** The lane options every planner understands, from the CLI's flags. */
function laneOptions(flags: Flags): RunOptions {
  return {
    only: parseNames('--only', flags.only as string[] | undefined),
    skip: parseNames('--skip', flags.skip as string[] | undefined),
    strict: flags.strict as boolean | undefined,
    tag: flags.tag as string | undefined,
    allowLocal: flags.allowLocal as boolean | undefined,
    buildArgs: parseBuildArgs(flags.buildArg as string[] | undefined),
    kubeContext: flags.kubeContext as string | undefined,
    namespace: flags.namespace as string | undefined,
    include: parseNames('--include', flags.include as string[] | undefined),
    envFile: flags.envFile as string | undefined,
    outDir: parseOutDir(flags.outDir as string | undefined),
    dryRun: flags.dryRun as boolean | undefined,
    jobs: flags.jobs as number | undefined,
    continueOnError: flags.continueOnError as boolean | undefined,
  };
}

/** Carries out one parsed command: the typed command from src/commands, rendered, with its exit code. */
async function perform(command: CommandName, flags: Flags, positionals: string[], io: Io): Promise<number> {
  const json = !!flags.json;
  const ctx = commandContext(flags as ReachFlags, io.env);
  const print = (text: string) => io.out(ctx.redactor.redact(text));
  switch (command) {
    case 'init': {
      const report = await initCommand(ctx, { dryRun: !!flags.dryRun, force: !!flags.force });
      print(renderInitReport(report, json));
      for (const line of initUndecidedLines(report)) io.err(line);
      return EXIT.ok;
    }
    case 'status': {
      print(renderStatusReport(await statusCommand(ctx, { published: !!flags.published }), json));
      return EXIT.ok;
    }
    case 'bump': {
      const report = await bumpCommand(ctx, bumpTargets(positionals, !!flags.changed), bumpRequest(flags as BumpFlags), { allowDowngrade: !!flags.allowDowngrade, dryRun: !!flags.dryRun });
      print(renderBumpReport(report, json));
      return EXIT.ok;
    }
    case 'plan': {
      const { plan } = await planCommand(ctx, parseLane(positionals[0]!), laneOptions(flags));
      print(renderPlanReport(plan, json));
      return plan.findings.some((f) => f.severity === 'error') ? EXIT.failed : EXIT.ok;
    }
    case 'check': {
      const report = await checkCommand(ctx, parseLane(positionals[0]!), laneOptions(flags));
      print(renderCheckReport(report, json));
      return report.ok ? EXIT.ok : EXIT.failed;
    }
    default:
      return runLane(LANE_OF[command]!, ctx, flags, io);
  }
}

/** A lane on the host: progress lines on stderr, the report on stdout. */
async function runLane(lane: Lane, ctx: CommandContext, flags: Flags, io: Io): Promise<number> {
  const json = !!flags.json;
  const opts = laneOptions(flags);
  const onOutput = flags.verbose ? (chunk: string) => io.err(ctx.redactor.redact(chunk.replace(/\n$/, ''))) : undefined;
  let manifests: string[] = [];
  let progress: Progress | undefined;
  const report = await runLaneCommand(
    ctx,
    lane,
    opts,
    (plan) => hostExecutor(hostContext(ctx, flags as ReachFlags, plan, onOutput)),
    {
      onPlan: (plan) => {
        if (json || opts.dryRun) return;
        const warnings = plan.findings.filter((f) => f.severity === 'warning');
        if (warnings.length) io.err(ctx.redactor.redact(renderFindings(warnings)));
        // A terminal gets a live line; CI logs and pipes get plain lines. NO_COLOR turns colour off (no-color.org).
        const tty = io.tty && !isCI(io.env) ? { write: (chunk: string) => io.tty!.write(ctx.redactor.redact(chunk)), columns: io.tty.columns } : undefined;
        progress = new Progress({ line: (t) => io.err(ctx.redactor.redact(t)), tty, color: !!tty && io.env.NO_COLOR === undefined }, plan.steps.length);
      },
      onStart: (s) => progress?.start(s),
      onDone: (r) => progress?.finish(r),
    },
  );
  progress?.stop();
  if (report.dryRun && !report.blocked && lane === 'deploy-local') {
    manifests = await renderDeployManifests(hostContext(ctx, flags as ReachFlags, report.plan), report.plan, opts.outDir ?? DEFAULT_OUT_DIR);
  }
  if (report.artifacts) {
    for (const written of writeReleaseOutputs(resolve(flags.source), opts.outDir ?? DEFAULT_OUT_DIR, report.artifacts, ctx.redactor)) if (!json) io.err(`wrote ${written}`);
  }
  io.out(ctx.redactor.redact(renderLaneReport(report, json, manifests)));
  if (report.blocked && !json) io.err(`\n${lane}: stopped before doing anything: fix the errors above (lanes check ${lane === 'release' ? 'release --tag …' : lane} lists them)`);
  return report.ok ? EXIT.ok : EXIT.failed;
}

/**
 * Where bin/lanes.js keeps what a run can reuse (the user's cache directory,
 * `<dir>/config` for validated lanes.yaml files), and which build of lanes
 * this is: nothing one build kept is read by another.
 */
export interface CacheHome {
  dir: string;
  buildId: string;
}

/** The CLI entry point: the only place that turns errors into exit codes. `cache`: see CacheHome (none from the sources). */
export async function main(argv: string[], io: Io = processIo(), cache?: CacheHome): Promise<number> {
  let exit: number = EXIT.ok;
  useValidatedConfigCache(cache ? fileConfigCache(join(cache.dir, 'config'), cache.buildId) : undefined);
  // `--include-dsxa` style flags are named in lanes.yaml, so commander cannot know them: translate first.
  const args = argv.map((a) => (/^--include-[a-z0-9-]+$/.test(a) ? `--include=${a.slice(2)}` : a));
  const program = buildProgram(io, async (command, flags, positionals) => {
    exit = await perform(command, flags, positionals, io);
  });
  try {
    await program.parseAsync(args, { from: 'user' });
    return exit;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT.ok;
      return EXIT.usage;
    }
    if (e instanceof LanesError) {
      if (argv.includes('--json')) {
        const findings = e instanceof GuardrailError ? e.findings : [];
        const issues = e instanceof ConfigError ? e.issues : [];
        io.out(JSON.stringify({ ok: false, error: { code: e.code, message: e.message, ...(issues.length ? { issues } : {}), ...(findings.length ? { findings } : {}) } }, null, 2));
      }
      io.err(`error[${e.code}]: ${e.message}`);
      return e.exitCode;
    }
    const err = e as Error;
    io.err(`error[E_INTERNAL]: internal error: ${err.message}\nthis is a bug in lanes; please report it${io.env.LANES_DEBUG ? `\n${err.stack}` : ' (set LANES_DEBUG=1 to see where it happened)'}`);
    return EXIT.failed;
  }
}

/** The real process: stdout and stderr, and stderr's terminal when there is one. */
function processIo(): Io {
  // `lanes status --json | head`: the reader went away; stop quietly, as any Unix tool would.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE') throw e;
      process.exit(process.exitCode ?? 0);
    });
  }
  return {
    out: (t) => process.stdout.write(t + '\n'),
    err: (t) => process.stderr.write(t + '\n'),
    env: process.env,
    tty: process.stderr.isTTY ? { write: (chunk) => process.stderr.write(chunk), columns: process.stderr.columns } : undefined,
  };
}
