/**
 * lanes as Dagger functions: the same lanes as `npx lanes`, run hermetically
 * in Dagger. Every decision comes from the lanes core (plans and guardrails);
 * this module only turns a plan into Dagger API calls.
 */
import { posix } from 'node:path';
import { object, func, argument, type Directory, type File, type Secret, type Socket } from '@dagger.io/dagger';
import { bumpComponent } from 'lanes/src/commands/bump.js';
import { buildStatus, publishedRefs } from 'lanes/src/status/build-status.js';
import { lookUpWithNewClient } from 'lanes/src/registry/published.js';
import { readWorkspace } from 'lanes/src/workspace/read-workspace.js';
import { computePlan, type ComputeOptions } from 'lanes/src/plan/compute-plan.js';
import { hasErrors, applyStrict } from 'lanes/src/guardrails/finding.js';
import { GuardrailError, UsageError } from 'lanes/src/errors.js';
import type { Lane, Plan } from 'lanes/src/plan/types.js';
import type { BumpRequest } from 'lanes/src/versions/next-version.js';
import { renderBump, renderCheckSummary, renderFindings, renderPlan, renderStatus } from 'lanes/src/cli/render.js';
import { materialize, registryOptions, runLaneInDagger } from './run-lane.js';

const LANE_NAMES: Record<string, Lane> = { local: 'local', dev: 'dev', release: 'release', 'deploy-local': 'deploy-local', 'compose-up-local': 'compose-up-local', 'compose-down-local': 'compose-down-local' };

function laneOf(name: string): Lane {
  const lane = LANE_NAMES[name];
  if (!lane) throw new UsageError(`unknown lane "${name}"; use local, dev or release (or deploy-local, compose-up-local, compose-down-local)`);
  return lane;
}

function buildArgMap(list: string[] = []): Record<string, string> {
  return Object.fromEntries(
    list.map((kv) => {
      const eq = kv.indexOf('=');
      if (eq <= 0) throw new UsageError(`--build-arg ${kv}: expected NAME=value`);
      return [kv.slice(0, eq), kv.slice(eq + 1)];
    }),
  );
}

/**
 * Explicit-version build and release lanes for container monorepos: local
 * builds and stacks, dev pushes, and CI releases of exactly the checked-in
 * versions, with guardrails that fail instead of overwriting a release.
 */
@object()
export class Lanes {
  /**
   * Show every component: checked-in version, whether its version files agree,
   * last release, changes since, and whether it needs a bump.
   *
   * Example usage: dagger call status --source=.
   */
  @func()
  async status(
    /** The monorepo (the directory holding lanes.yaml, with its .git). */
    @argument({ defaultPath: '/' }) source: Directory,
    /** Print JSON instead of a table. */
    json = false,
    /** Where lanes.yaml is, relative to source, when the monorepo is below the git root. */
    path = '.',
    /** Also ask the dev and release registries whether each checked-in version is published there. */
    published = false,
    registryUsername?: string,
    /** Registry password or token, e.g. env://REGISTRY_PASSWORD. */
    registryPassword?: Secret,
  ): Promise<string> {
    const ws = await readWorkspace(await materialize(source, path));
    const facts = published ? await lookUpWithNewClient(await registryOptions(registryUsername, registryPassword), publishedRefs(ws)) : undefined;
    const status = buildStatus(ws, facts);
    return json ? JSON.stringify(status, null, 2) : renderStatus(status);
  }

  /**
   * Print the plan of a lane (components, versions, image and chart references,
   * every step in order, guardrail findings) without running it.
   *
   * Example usage: dagger call plan --lane=release --tag=v1.4.0 --json
   */
  @func()
  async plan(
    @argument({ defaultPath: '/' }) source: Directory,
    /** local, dev or release (or deploy-local, compose-up-local, compose-down-local). */
    lane: string,
    /** Release lane: the release tag, e.g. v1.4.0. */
    tag?: string,
    /** Only these components. */
    only: string[] = [],
    /** Leave out these components. */
    skip: string[] = [],
    /** Treat warnings as errors. */
    strict = false,
    /** Release lane: allow publishing from outside CI. */
    allowLocal = false,
    /** Set by CI jobs (the workflows pass --ci): the release lane runs only in CI. */
    ci = false,
    /** Registry user for "already published" look-ups. */
    registryUsername?: string,
    /** Registry password or token, e.g. env://REGISTRY_PASSWORD. */
    registryPassword?: Secret,
    /** Extra build args for every image, NAME=value. */
    buildArg: string[] = [],
    json = false,
    /** Where lanes.yaml is, relative to source, when the monorepo is below the git root. */
    path = '.',
  ): Promise<string> {
    const plan = await planIn(source, path, lane, { tag, only, skip, strict, allowLocal, buildArgs: buildArgMap(buildArg), ci, registryUsername, registryPassword });
    return json ? JSON.stringify(plan, null, 2) : renderPlan(plan);
  }

  /**
   * Run every guardrail of a lane. Fails (like the CLI's exit 1) on any error,
   * or any warning with --strict; each finding has a stable code.
   *
   * Example usage: dagger call check --lane=dev
   */
  @func()
  async check(
    @argument({ defaultPath: '/' }) source: Directory,
    /** local, dev or release. */
    lane: string,
    tag?: string,
    strict = false,
    allowLocal = false,
    ci = false,
    only: string[] = [],
    skip: string[] = [],
    registryUsername?: string,
    registryPassword?: Secret,
    json = false,
    /** Where lanes.yaml is, relative to source, when the monorepo is below the git root. */
    path = '.',
  ): Promise<string> {
    const plan = await planIn(source, path, lane, { tag, only, skip, allowLocal, ci, registryUsername, registryPassword });
    const findings = applyStrict(plan.findings, strict);
    const report = `${renderFindings(findings)}\n\n${renderCheckSummary(plan.lane, findings)}`;
    if (hasErrors(findings)) throw new GuardrailError(report, findings);
    return json ? JSON.stringify({ ok: true, lane: plan.lane, findings }, null, 2) : report;
  }

  /**
   * Write a new version into every version file of a component (all or none)
   * and return the changed source. The only function that changes versions.
   *
   * Example usage: dagger call bump --component=dsx-connect --minor export --path=.
   */
  @func()
  async bump(
    @argument({ defaultPath: '/' }) source: Directory,
    /** The component to bump, as named in lanes.yaml. */
    component: string,
    /** Set this exact version. */
    version?: string,
    patch = false,
    minor = false,
    major = false,
    /** Make or advance a prerelease with this id (rc, beta). */
    pre?: string,
    /** Allow a version that is not greater than the current or last released one. */
    allowDowngrade = false,
    /** Where lanes.yaml is, relative to source, when the monorepo is below the git root. */
    path = '.',
  ): Promise<Directory> {
    const modes = [version !== undefined, patch, minor, major, pre !== undefined].filter(Boolean).length;
    if (modes !== 1) throw new UsageError('bump needs exactly one of --version X.Y.Z, --patch, --minor, --major, --pre <id>');
    const request: BumpRequest =
      version !== undefined ? { kind: 'exact', version } : pre !== undefined ? { kind: 'pre', id: pre } : { kind: patch ? 'patch' : minor ? 'minor' : 'major' };
    const root = await materialize(source, path);
    const planned = await bumpComponent(root, component, request, { allowDowngrade, dryRun: true });
    // A function cannot write the caller's files: the change comes back as a Directory to export.
    let out = source;
    for (const edit of planned.edits) out = out.withNewFile(posix.join(path, edit.path), edit.after);
    console.error(renderBump(planned, false));
    return out;
  }

  /**
   * Build every image into the caller's Docker image store as <name>:latest and
   * <name>:<version>, with OCI labels. Never pushes, never bumps.
   *
   * Example usage: dagger call build-all-local --source=.
   */
  @func()
  async buildAllLocal(
    @argument({ defaultPath: '/' }) source: Directory,
    only: string[] = [],
    skip: string[] = [],
    /** Extra build args for every image, NAME=value. */
    buildArg: string[] = [],
    /** Images built side by side at most. */
    jobs = 4,
    continueOnError = false,
    /** Print the plan and do nothing. */
    dryRun = false,
    json = false,
    /** Where lanes.yaml is, relative to source, when the monorepo is below the git root. */
    path = '.',
  ): Promise<string> {
    return runLaneInDagger('local', { source, path, githubApiUrl: '' }, { only, skip, buildArgs: buildArgMap(buildArg), jobs, continueOnError, dryRun, json });
  }

  /**
   * helm dependency build, helm lint, then helm upgrade --install each chart from
   * its local directory with the local image (pullPolicy Never).
   *
   * Example usage: dagger call deploy-all-local --kubeconfig=file:$HOME/.kube/config --kube-context=kind-dsx
   */
  @func()
  async deployAllLocal(
    @argument({ defaultPath: '/' }) source: Directory,
    /** The kubeconfig to deploy with. */
    kubeconfig?: Secret,
    kubeContext?: string,
    namespace?: string,
    only: string[] = [],
    skip: string[] = [],
    continueOnError = false,
    dryRun = false,
    json = false,
    /** Where lanes.yaml is, relative to source, when the monorepo is below the git root. */
    path = '.',
  ): Promise<string> {
    return runLaneInDagger('deploy-local', { source, path, kubeconfig, githubApiUrl: '' }, { only, skip, kubeContext, namespace, continueOnError, dryRun, json });
  }

  /**
   * Start the local stack on the caller's Docker engine: the shared network, then
   * the core compose file layered with the connectors' (and optional ones) as one
   * compose project, using the local :latest images.
   *
   * Example usage: dagger call compose-up-local --docker-socket=/var/run/docker.sock --include-dsxa
   */
  @func()
  async composeUpLocal(
    @argument({ defaultPath: '/' }) source: Directory,
    /** The Docker engine to run on: /var/run/docker.sock. */
    dockerSocket: Socket,
    /** Optional compose files to add, by their flag in lanes.yaml (e.g. include-dsxa). */
    include: string[] = [],
    /** Shorthand for --include=include-dsxa (the bundled DSXA scanner). */
    includeDsxa = false,
    envFile?: string,
    only: string[] = [],
    skip: string[] = [],
    dryRun = false,
    json = false,
    /** Where lanes.yaml is, relative to source, when the monorepo is below the git root. */
    path = '.',
  ): Promise<string> {
    const flags = [...include, ...(includeDsxa ? ['include-dsxa'] : [])];
    return runLaneInDagger('compose-up-local', { source, path, dockerSocket, githubApiUrl: '' }, { include: flags, envFile, only, skip, dryRun, json });
  }

  /**
   * Stop and remove exactly the compose project compose-up-local started.
   *
   * Example usage: dagger call compose-down-local --docker-socket=/var/run/docker.sock
   */
  @func()
  async composeDownLocal(
    @argument({ defaultPath: '/' }) source: Directory,
    dockerSocket: Socket,
    envFile?: string,
    dryRun = false,
    json = false,
    /** Where lanes.yaml is, relative to source, when the monorepo is below the git root. */
    path = '.',
  ): Promise<string> {
    return runLaneInDagger('compose-down-local', { source, path, dockerSocket, githubApiUrl: '' }, { envFile, dryRun, json });
  }

  /**
   * Check the dev lane, build the checked-in versions, push <dev>/<name>:<version>
   * and the immutable :<version>-<sha7>, and push each chart to the dev OCI repo.
   * Never writes a version.
   *
   * Example usage: dagger call push-all-dev --registry-username=$USER --registry-password=env://REGISTRY_PASSWORD
   */
  @func()
  async pushAllDev(
    @argument({ defaultPath: '/' }) source: Directory,
    registryUsername?: string,
    /** Registry password or token, e.g. env://REGISTRY_PASSWORD. Never a plain string. */
    registryPassword?: Secret,
    /** CA certificate of a private registry. */
    registryCa?: File,
    only: string[] = [],
    skip: string[] = [],
    buildArg: string[] = [],
    strict = false,
    jobs = 4,
    continueOnError = false,
    dryRun = false,
    json = false,
    /** Where lanes.yaml is, relative to source, when the monorepo is below the git root. */
    path = '.',
  ): Promise<string> {
    return runLaneInDagger(
      'dev',
      { source, path, registryUsername, registryPassword, registryCa, githubApiUrl: '' },
      { only, skip, strict, buildArgs: buildArgMap(buildArg), jobs, continueOnError, dryRun, json, registry: { ...(await registryOptions(registryUsername, registryPassword)), ...(registryCa ? { caFile: await caFile(registryCa) } : {}) } },
    );
  }

  /**
   * From CI, at a known commit: check every release guardrail, build and package
   * every artifact, push the tag (the lock), push images and charts, then create
   * the GitHub release with charts, a compose bundle and SHA256SUMS.
   *
   * Example usage: dagger call release --tag=v1.4.0 --ci --registry-username=$USER --registry-password=env://REGISTRY_PASSWORD --git-token=env://GITHUB_TOKEN --github-token=env://GITHUB_TOKEN
   */
  @func()
  async release(
    @argument({ defaultPath: '/' }) source: Directory,
    /** The release tag, e.g. v1.4.0; its version must be the checked-in version. */
    tag: string,
    /** Set by CI jobs: official releases come only from CI. */
    ci = false,
    /** Allow publishing from a machine that is not CI. */
    allowLocal = false,
    registryUsername?: string,
    registryPassword?: Secret,
    registryCa?: File,
    /** Token to push the release tags to origin (e.g. GITHUB_TOKEN). */
    gitToken?: Secret,
    /** Token for the GitHub release (contents: write). */
    githubToken?: Secret,
    githubApiUrl = 'https://api.github.com',
    only: string[] = [],
    skip: string[] = [],
    buildArg: string[] = [],
    strict = false,
    jobs = 4,
    dryRun = false,
    json = false,
    /** Where lanes.yaml is, relative to source, when the monorepo is below the git root. */
    path = '.',
  ): Promise<string> {
    return runLaneInDagger(
      'release',
      { source, path, registryUsername, registryPassword, registryCa, gitToken, githubToken, githubApiUrl },
      {
        tag,
        allowLocal,
        env: { CI: ci ? 'true' : '' },
        only,
        skip,
        strict,
        buildArgs: buildArgMap(buildArg),
        jobs,
        dryRun,
        json,
        registry: { ...(await registryOptions(registryUsername, registryPassword)), ...(registryCa ? { caFile: await caFile(registryCa) } : {}) },
      },
    );
  }
}

/** The plan of a lane for `plan` and `check`: the source made readable, registry credentials from their Secret. */
async function planIn(
  source: Directory,
  path: string,
  lane: string,
  opts: Omit<ComputeOptions, 'env' | 'registry'> & { ci: boolean; registryUsername?: string; registryPassword?: Secret },
): Promise<Plan> {
  const { ci, registryUsername, registryPassword, ...rest } = opts;
  const root = await materialize(source, path);
  const { plan } = await computePlan(root, laneOf(lane), { ...rest, env: { CI: ci ? 'true' : '' }, registry: await registryOptions(registryUsername, registryPassword) });
  return plan;
}

/** A File argument as a path in the runtime container, for the registry client. */
async function caFile(file: File): Promise<string> {
  const path = `/tmp/lanes-ca-${Date.now()}.crt`;
  await file.export(path);
  return path;
}



