import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { EXIT, LanesError, UsageError, ConfigError, GuardrailError } from '../errors.js';
import { bumpComponents } from '../commands/bump.js';
import { computePlan, type ComputeOptions } from '../plan/compute-plan.js';
import type { Lane, Plan } from '../plan/types.js';
import { hasErrors } from '../guardrails/finding.js';
import { buildStatus, publishedRefs } from '../status/build-status.js';
import { lookUpWithNewClient } from '../registry/published.js';
import { readWorkspace } from '../workspace/read-workspace.js';
import { Redactor } from '../exec/redactor.js';
import { executePlanOnHost, renderDeployManifests } from '../exec/host/execute-plan.js';
import type { HostContext } from '../exec/host/context.js';
import { parseRef } from '../registry/image-ref.js';
import { resolveCredentials } from '../registry/credentials.js';
import type { BumpRequest } from '../versions/next-version.js';
import { DEFAULT_OUT_DIR } from '../plan/options.js';
import { readSecretRef } from './secret-ref.js';
import { packageVersion } from './package-version.js';
import { describeStep, renderBump, renderCheckSummary, renderFindings, renderPlan, renderStatus, renderStepLine, renderSummary } from './render.js';

interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

const list = (v: string, prev: string[] = []) => [...prev, ...v.split(',').map((s) => s.trim()).filter(Boolean)];
const keyValue = (v: string, prev: Record<string, string> = {}) => {
  const eq = v.indexOf('=');
  if (eq <= 0) throw new UsageError(`--build-arg ${v}: expected NAME=value`);
  return { ...prev, [v.slice(0, eq)]: v.slice(eq + 1) };
};
const positiveInt = (flag: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} ${v}: expected a whole number of at least 1`);
  return n;
};

interface CommonFlags {
  source: string;
  json?: boolean;
  only?: string[];
  skip?: string[];
  strict?: boolean;
  tag?: string;
  allowLocal?: boolean;
  registryUsername?: string;
  registryPassword?: string;
  registryCa?: string;
  plainHttp?: boolean;
  buildArg?: Record<string, string>;
  jobs?: number;
  continueOnError?: boolean;
  dryRun?: boolean;
  verbose?: boolean;
  kubeContext?: string;
  kubeconfig?: string;
  namespace?: string;
  include?: string[];
  envFile?: string;
  githubToken?: string;
  outDir?: string;
}

const sourceOption = () => new Option('--source <dir>', 'root of the monorepo (the directory holding lanes.yaml)').default('.');
const jsonOption = () => new Option('--json', 'print one machine-readable JSON document instead of text');

function withSelection(cmd: Command): Command {
  return cmd.option('--only <names>', 'only these components (comma-separated)', list).option('--skip <names>', 'leave out these components (comma-separated)', list);
}
function withRegistry(cmd: Command): Command {
  return cmd
    .option('--registry-username <user>', 'registry user (default: LANES_REGISTRY_USERNAME, else the Docker config file)')
    .option('--registry-password <ref>', 'registry password as env://NAME or file://PATH (default: LANES_REGISTRY_PASSWORD, else the Docker config file)')
    .option('--registry-ca <file>', 'PEM CA certificate to trust for the registry (also read from /etc/docker/certs.d/<host>/ca.crt)')
    .option('--plain-http', 'talk to the registry over plain HTTP');
}
function withRun(cmd: Command): Command {
  return cmd
    .addOption(new Option('--jobs <n>', 'steps run side by side at most (independent image builds)').argParser(positiveInt('--jobs')).default(2))
    .option('--continue-on-error', 'keep running independent steps after one fails')
    .option('--dry-run', 'print the plan and do nothing')
    .option('--build-arg <NAME=value>', 'extra build arg for every image, over lanes.yaml (repeatable)', keyValue)
    .option('--out-dir <dir>', `where packaged charts and release artifacts go (default ${DEFAULT_OUT_DIR})`)
    .option('--verbose', 'stream the output of docker, helm and compose');
}

function computeOptions(flags: CommonFlags, io: Io, redactor: Redactor): ComputeOptions {
  const password = readSecretRef('--registry-password', flags.registryPassword, io.env);
  redactor.add(password);
  redactor.add(io.env.LANES_REGISTRY_PASSWORD);
  if (password !== undefined && !flags.registryUsername) throw new UsageError('--registry-password needs --registry-username');
  if (flags.registryCa && !existsSync(flags.registryCa)) throw new UsageError(`--registry-ca ${flags.registryCa}: file not found`);
  return {
    only: flags.only,
    skip: flags.skip,
    strict: flags.strict,
    tag: flags.tag,
    allowLocal: flags.allowLocal,
    buildArgs: flags.buildArg,
    kubeContext: flags.kubeContext,
    namespace: flags.namespace,
    include: flags.include,
    envFile: flags.envFile,
    outDir: flags.outDir,
    env: io.env,
    registry: {
      caFile: flags.registryCa,
      plainHttp: flags.plainHttp,
      credentials: { explicit: flags.registryUsername ? { username: flags.registryUsername, password, source: '--registry-username/--registry-password' } : undefined, env: io.env },
    },
  };
}

function hostContext(flags: CommonFlags, opts: ComputeOptions, plan: Plan, io: Io, redactor: Redactor): HostContext {
  const pushTarget = plan.steps.find((s) => s.kind === 'push-image' || s.kind === 'push-chart');
  const registry = pushTarget && (pushTarget.kind === 'push-image' || pushTarget.kind === 'push-chart') ? parseRef(pushTarget.ref).registry : undefined;
  // Pushes log in (through a throw-away config) only with credentials given to lanes itself;
  // otherwise docker and helm use the user's own `docker login`, so the Docker config is not read here.
  const creds = registry ? resolveCredentials(registry, { ...opts.registry?.credentials, dockerConfig: false }) : undefined;
  const certsDirCa = registry && existsSync(`/etc/docker/certs.d/${registry}/ca.crt`) ? `/etc/docker/certs.d/${registry}/ca.crt` : undefined;
  const token = readSecretRef('--github-token', flags.githubToken, io.env) ?? io.env.GITHUB_TOKEN ?? io.env.GH_TOKEN;
  redactor.add(token);
  return {
    root: resolve(flags.source),
    redactor,
    env: io.env,
    registryAuth: creds ? { username: creds.username, password: creds.password } : undefined,
    registryCa: flags.registryCa ?? certsDirCa,
    plainHttp: flags.plainHttp,
    helm: io.env.LANES_HELM ?? 'helm',
    docker: io.env.LANES_DOCKER ?? 'docker',
    github: { token, apiUrl: io.env.GITHUB_API_URL ?? 'https://api.github.com' },
    kubeconfig: flags.kubeconfig,
    onOutput: flags.verbose ? (chunk) => io.err(chunk.replace(/\n$/, '')) : undefined,
  };
}


/** Runs a lane: plan, stop on guardrail errors, then (unless --dry-run) carry the plan out on the host. */
async function runLane(lane: Lane, flags: CommonFlags, io: Io): Promise<number> {
  const redactor = new Redactor();
  const opts = computeOptions(flags, io, redactor);
  const { plan } = await computePlan(flags.source, lane, opts);
  const blocked = hasErrors(plan.findings);
  if (flags.dryRun || blocked) {
    let manifests: string[] = [];
    if (flags.dryRun && !blocked && lane === 'deploy-local') {
      manifests = await renderDeployManifests(hostContext(flags, opts, plan, io, redactor), plan, flags.outDir ?? DEFAULT_OUT_DIR);
    }
    if (flags.json) io.out(redactor.redact(JSON.stringify({ ok: !blocked, dryRun: !!flags.dryRun, plan, ...(manifests.length ? { manifests } : {}) }, null, 2)));
    else {
      io.out(redactor.redact(renderPlan(plan)));
      for (const m of manifests) io.out(`rendered ${m}`);
      if (blocked) io.err(`\n${lane}: stopped before doing anything: fix the errors above (lanes check ${lane === 'release' ? 'release --tag …' : lane} lists them)`);
    }
    return blocked ? EXIT.failed : EXIT.ok;
  }
  if (!flags.json) {
    const warnings = plan.findings.filter((f) => f.severity === 'warning');
    if (warnings.length) io.err(renderFindings(warnings));
  }
  const ctx = hostContext(flags, opts, plan, io, redactor);
  const results = await executePlanOnHost(ctx, plan, {
    jobs: flags.jobs ?? 2,
    continueOnError: !!flags.continueOnError,
    onStart: flags.json ? undefined : (s) => io.err(`...  ${s.id}: ${describeStep(s)}`),
    onDone: flags.json ? undefined : (r) => io.err(renderStepLine(r)),
  });
  const ok = results.every((r) => r.status !== 'failed');
  if (flags.json) {
    const published = results.filter((r) => r.outputs.digest).map((r) => ({ ref: r.outputs.ref, digest: r.outputs.digest }));
    io.out(redactor.redact(JSON.stringify({ ok, plan, results, published }, null, 2)));
  } else io.out(redactor.redact(renderSummary(results)));
  return ok ? EXIT.ok : EXIT.failed;
}

export function buildProgram(io: Io, setExit: (code: number) => void): Command {
  const program = new Command('lanes')
    .description('Explicit-version build and release pipeline for container monorepos.\nVersions change only with `lanes bump`; every lane computes a plan, checks its guardrails, then runs it.')
    .version(packageVersion())
    // `bump --version X` is the subcommand's; lanes' own --version only before a command.
    .enablePositionalOptions()
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.replace(/\n$/, '')), writeErr: (s) => io.err(s.replace(/\n$/, '')) })
    .addHelpText('after', '\nExit codes: 0 success, 1 a guardrail or step failed, 2 bad usage or bad lanes.yaml.\nEvery command also runs as a Dagger function: dagger call <command> (see README).');

  withRegistry(
    program
      .command('status')
      .description('Show every component: checked-in version, whether its version files agree, last release, changes since, and whether it needs a bump; with --published, where that version is published.')
      .addOption(sourceOption())
      .option('--published', 'also ask the dev and release registries whether each checked-in version is published there')
      .addOption(jsonOption()),
  ).action(async (flags: CommonFlags & { published?: boolean }) => {
    const redactor = new Redactor();
    const ws = await readWorkspace(flags.source);
    const published = flags.published ? await lookUpWithNewClient(computeOptions(flags, io, redactor).registry, publishedRefs(ws)) : undefined;
    const status = buildStatus(ws, published);
    io.out(redactor.redact(flags.json ? JSON.stringify(status, null, 2) : renderStatus(status)));
  });

  program
    .command('bump')
    .description('Write a new version into every version file of the named components (all or none). The only command that changes versions.')
    .argument('[components...]', 'the components to bump, as named in lanes.yaml')
    .addOption(sourceOption())
    .option('--changed', 'bump every component whose sources changed since its last release (W_CHANGED_NOT_BUMPED)')
    .option('--version <X.Y.Z>', 'set this exact version (one component)')
    .option('--patch', 'increase the patch number (1.4.0 -> 1.4.1)')
    .option('--minor', 'increase the minor number (1.4.0 -> 1.5.0)')
    .option('--major', 'increase the major number (1.4.0 -> 2.0.0)')
    .option('--pre <id>', 'make or advance a prerelease (1.4.0 -> 1.4.1-rc.0 -> 1.4.1-rc.1)')
    .option('--allow-downgrade', 'allow a version that is not greater than the current or last released one')
    .option('--dry-run', 'show the diff, write nothing')
    .addOption(jsonOption())
    .addHelpText('after', '\nExamples:\n  lanes bump dsx-connect --minor\n  lanes bump aws-s3-connector --version 0.6.0 --dry-run\n  lanes bump --changed --patch')
    .action(async (components: string[], flags: CommonFlags & { changed?: boolean; version?: string; patch?: boolean; minor?: boolean; major?: boolean; pre?: string; allowDowngrade?: boolean }) => {
      if (!!flags.changed === components.length > 0) throw new UsageError('bump needs the components to bump, or --changed (not both)');
      const modes = [flags.version !== undefined && 'version', flags.patch && 'patch', flags.minor && 'minor', flags.major && 'major', flags.pre !== undefined && 'pre'].filter(Boolean);
      if (modes.length !== 1) throw new UsageError(`bump needs exactly one of --version X.Y.Z, --patch, --minor, --major, --pre <id>${modes.length ? ` (got --${modes.join(', --')})` : ''}`);
      const request: BumpRequest =
        flags.version !== undefined ? { kind: 'exact', version: flags.version } : flags.pre !== undefined ? { kind: 'pre', id: flags.pre } : { kind: modes[0] as 'patch' | 'minor' | 'major' };
      const plans = await bumpComponents(flags.source, flags.changed ? { changed: true } : { names: components }, request, { allowDowngrade: flags.allowDowngrade, dryRun: flags.dryRun });
      if (flags.json) {
        io.out(JSON.stringify({ dryRun: !!flags.dryRun, bumps: plans.map((p) => ({ ...p, edits: p.edits.map((e) => ({ path: e.path })) })) }, null, 2));
      } else io.out(plans.length ? plans.map((p) => renderBump(p, !!flags.dryRun)).join('\n') : 'every component changed since its last release already has a new version: nothing to bump');
    });

  const laneArg = (v: string): Lane => {
    const lanes: Record<string, Lane> = { local: 'local', dev: 'dev', release: 'release', 'deploy-local': 'deploy-local', 'compose-up-local': 'compose-up-local', 'compose-down-local': 'compose-down-local' };
    const lane = lanes[v];
    if (!lane) throw new UsageError(`unknown lane "${v}"; use local, dev or release (or deploy-local, compose-up-local, compose-down-local)`);
    return lane;
  };

  withRegistry(
    withSelection(
      program
        .command('plan')
        .description('Print the plan of a lane (components, versions, image and chart references, every step in order, guardrail findings) without running it.')
        .argument('<lane>', 'local, dev or release (or deploy-local, compose-up-local, compose-down-local)')
        .addOption(sourceOption())
        .option('--tag <tag>', 'release lane: the release tag, e.g. v1.4.0')
        .option('--allow-local', 'release lane: plan as if publishing from this machine were allowed')
        .option('--strict', 'treat warnings as errors')
        .option('--build-arg <NAME=value>', 'extra build arg for every image (repeatable)', keyValue)
        .addOption(jsonOption()),
    ),
  ).action(async (laneName: string, flags: CommonFlags) => {
    const redactor = new Redactor();
    const { plan } = await computePlan(flags.source, laneArg(laneName), computeOptions(flags, io, redactor));
    io.out(redactor.redact(flags.json ? JSON.stringify(plan, null, 2) : renderPlan(plan)));
  });

  withRegistry(
    withSelection(
      program
        .command('check')
        .description('Run every guardrail of a lane and report each finding with its code; exit 1 on any error (or any warning with --strict).')
        .argument('<lane>', 'local, dev or release')
        .addOption(sourceOption())
        .option('--tag <tag>', 'release lane: the release tag, e.g. v1.4.0')
        .option('--allow-local', 'release lane: allow publishing from outside CI')
        .option('--strict', 'treat warnings as errors')
        .addOption(jsonOption()),
    ),
  ).action(async (laneName: string, flags: CommonFlags) => {
    const redactor = new Redactor();
    const { plan } = await computePlan(flags.source, laneArg(laneName), computeOptions(flags, io, redactor));
    const failed = hasErrors(plan.findings);
    io.out(redactor.redact(flags.json ? JSON.stringify({ ok: !failed, lane: plan.lane, findings: plan.findings }, null, 2) : `${renderFindings(plan.findings)}\n\n${renderCheckSummary(plan.lane, plan.findings)}`));
    setExit(failed ? EXIT.failed : EXIT.ok);
  });

  const laneCommand = (name: string, lane: Lane, description: string, extra: (c: Command) => Command = (c) => c) =>
    extra(withRun(withSelection(program.command(name).description(description).addOption(sourceOption()).addOption(jsonOption())))).action(async (flags: CommonFlags) => {
      setExit(await runLane(lane, flags, io));
    });

  laneCommand('build-all-local', 'local', 'Build every image into the local Docker image store as <name>:latest and <name>:<version>, with OCI labels. Never pushes, never bumps.');
  laneCommand('deploy-all-local', 'deploy-local', 'helm dependency build, helm lint, then helm upgrade --install each chart from its local directory with the local image (pullPolicy Never). --dry-run renders the manifests instead.', (c) =>
    c.option('--kube-context <name>', 'kubeconfig context to deploy to').option('--kubeconfig <file>', 'kubeconfig file (default: KUBECONFIG or ~/.kube/config)').option('--namespace <ns>', 'namespace to install into'),
  );
  laneCommand('compose-up-local', 'compose-up-local', 'Start the local stack: the shared network, then the core compose file layered with the connectors\' (and optional ones, e.g. --include-dsxa) as one compose project, using the local :latest images.', (c) =>
    c.option('--include <flags>', 'optional compose files to add, by flag (e.g. include-dsxa); --include-<flag> works too', list).option('--env-file <file>', 'env file passed to compose'),
  );
  laneCommand('compose-down-local', 'compose-down-local', 'Stop and remove exactly the compose project compose-up-local started.', (c) => c.option('--env-file <file>', 'env file passed to compose'));
  laneCommand(
    'push-all-dev',
    'dev',
    'Run `check dev`, build the checked-in versions, push <dev>/<name>:<version> and the immutable :<version>-<sha7>, and push each chart at its checked-in version to the dev OCI repo. Never writes a version.',
    (c) => withRegistry(c.option('--strict', 'treat warnings (changed but not bumped) as errors')),
  );

  withRegistry(
    withRun(
      withSelection(
        program
          .command('release')
          .description('From CI, at a known commit: check every release guardrail, build and package every artifact, push the tag (the lock), push images and charts, then create the GitHub release with charts, a compose bundle and SHA256SUMS.')
          .requiredOption('--tag <tag>', 'the release tag, e.g. v1.4.0; its version must be the checked-in version')
          .addOption(sourceOption())
          .addOption(jsonOption())
          .option('--allow-local', 'allow publishing from a machine that is not CI')
          .option('--strict', 'treat warnings as errors')
          .option('--github-token <ref>', 'GitHub token as env://NAME or file://PATH (default: GITHUB_TOKEN or GH_TOKEN)'),
      ),
    ),
  ).action(async (flags: CommonFlags) => setExit(await runLane('release', flags, io)));

  return program;
}

/** The CLI entry point: the only place that turns errors into exit codes. */
export async function main(argv: string[], io: Io = { out: (t) => process.stdout.write(t + '\n'), err: (t) => process.stderr.write(t + '\n'), env: process.env }): Promise<number> {
  let exit: number = EXIT.ok;
  // `--include-dsxa` style flags are named in lanes.yaml, so commander cannot know them: translate first.
  const args = argv.map((a) => (/^--include-[a-z0-9-]+$/.test(a) ? `--include=${a.slice(2)}` : a));
  const program = buildProgram(io, (code) => (exit = code));
  try {
    await program.parseAsync(args, { from: 'user' });
    return exit;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT.ok;
      return EXIT.usage;
    }
    if (e instanceof LanesError) {
      const json = argv.includes('--json');
      const findings = e instanceof GuardrailError ? e.findings : [];
      const issues = e instanceof ConfigError ? e.issues : [];
      if (json) io.out(JSON.stringify({ ok: false, error: { code: e.code, message: e.message, ...(issues.length ? { issues } : {}), ...(findings.length ? { findings } : {}) } }, null, 2));
      io.err(`error[${e.code}]: ${e.message}`);
      return e.exitCode;
    }
    const err = e as Error;
    io.err(`internal error: ${err.message}\nthis is a bug in lanes; please report it${io.env.LANES_DEBUG ? `\n${err.stack}` : ' (set LANES_DEBUG=1 to see where it happened)'}`);
    return EXIT.failed;
  }
}
