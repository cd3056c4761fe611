/**
 * lanes as Dagger functions: the same commands as `npx lanes`, run in Dagger.
 * Each function is a thin adapter: its arguments become the options of a
 * shared command from the lanes core (dagger/core/lanes-core.js, bundled from
 * src/), and the command's report comes back as text (or JSON with --json).
 * Only the executor — how a plan step becomes Dagger API calls — is this
 * module's own.
 */
import { posix } from 'node:path';
import { object, func, argument, type Directory, type File, type Secret, type Socket } from '@dagger.io/dagger';
import {
  bumpCommand,
  bumpRequest,
  bumpTargets,
  checkCommand,
  initCommand,
  initUndecidedLines,
  parseLane,
  planCommand,
  renderBumpReport,
  renderCheckReport,
  renderPlanReport,
  renderStatusReport,
  statusCommand,
} from '../core/lanes-core.js';
import { laneOptions, reported, runLane } from './adapter.js';
import { commandContext } from './context.js';

/** Paths never worth uploading as the source: dependencies and lanes' own output. */
const IGNORE = ['**/node_modules', '.lanes'];

/**
 * Explicit-version build and release lanes for container monorepos: local
 * builds and stacks, dev pushes, and CI releases of exactly the checked-in
 * versions, with guardrails that fail instead of overwriting a release.
 */
@object()
export class Lanes {
  /**
   * Scan the repository (Dockerfiles, Helm charts, version files, compose
   * files and their image variables, env pins, existing tags) and return the
   * source with a commented lanes.yaml added, every point it could not decide
   * marked UNDECIDED: a function cannot write your files, so export the
   * result. Refuses when lanes.yaml exists, unless --force.
   *
   * Example usage: dagger call init --source=. export --path=.
   */
  @func()
  async init(
    /** The repository with its .git (pass --source=. when calling lanes as a remote module). */
    @argument({ defaultPath: '/', ignore: IGNORE }) source: Directory,
    /** Where to write lanes.yaml, relative to source, when the monorepo is below the git root. */
    path = '.',
    /** Replace an existing lanes.yaml. */
    force = false,
  ): Promise<Directory> {
    return reported(async () => {
      const ctx = await commandContext({ source, path });
      const report = await initCommand(ctx, { force, returnOnly: true });
      // The undecided points, for the call's log; the Directory is the result.
      for (const line of initUndecidedLines(report)) console.error(line);
      return source.withNewFile(posix.join(path, report.file), report.yaml);
    });
  }

  /**
   * Show every component: checked-in version, whether its version files agree,
   * last release, changes since, and whether it needs a bump. Read-only.
   *
   * Example usage: dagger call status --source=.
   */
  @func()
  async status(
    /** The repository with its .git (pass --source=. when calling lanes as a remote module). */
    @argument({ defaultPath: '/', ignore: IGNORE }) source: Directory,
    /** Where lanes.yaml is, relative to source, when the monorepo is below the git root. */
    path = '.',
    /** Also ask the dev and release registries whether each checked-in version is published there. */
    published = false,
    /** Print one machine-readable JSON document instead of text. */
    json = false,
    /** Registry user for the look-ups. */
    registryUsername?: string,
    /** Registry password or token, e.g. env://REGISTRY_PASSWORD. */
    registryPassword?: Secret,
    /** PEM CA certificate to trust for the registry. */
    registryCa?: File,
  ): Promise<string> {
    return reported(async () => {
      const ctx = await commandContext({ source, path, registryUsername, registryPassword, registryCa });
      return ctx.redactor.redact(renderStatusReport(await statusCommand(ctx, { published }), json));
    });
  }

  /**
   * Write a new version into every version file of the named components (all
   * or none) and return the changed source: a function cannot write your
   * files, so export the result. The only function that changes versions.
   *
   * Example usage: dagger call bump --components=dsx-connect --minor export --path=.
   */
  @func()
  async bump(
    @argument({ defaultPath: '/', ignore: IGNORE }) source: Directory,
    /** Where lanes.yaml is, relative to source, when the monorepo is below the git root. */
    path = '.',
    /** The components to bump, as named in lanes.yaml. */
    components: string[] = [],
    /** Bump every component whose sources changed since its last release. */
    changed = false,
    /** Set this exact version (one component). */
    version?: string,
    /** Increase the patch number (1.4.0 -> 1.4.1). */
    patch = false,
    /** Increase the minor number (1.4.0 -> 1.5.0). */
    minor = false,
    /** Increase the major number (1.4.0 -> 2.0.0). */
    major = false,
    /** Make or advance a prerelease with this id (rc, beta). */
    pre?: string,
    /** Allow a version that is not greater than the current or last released one. */
    allowDowngrade = false,
  ): Promise<Directory> {
    return reported(async () => {
      const ctx = await commandContext({ source, path });
      const report = await bumpCommand(ctx, bumpTargets(components, changed), bumpRequest({ version, patch, minor, major, pre }), { allowDowngrade, dryRun: true });
      let out = source;
      for (const edit of report.bumps.flatMap((b) => b.edits)) out = out.withNewFile(posix.join(path, edit.path), edit.after);
      // The diff, for the call's log; the Directory is the result.
      console.error(renderBumpReport(report, false));
      return out;
    });
  }

  /**
   * Print the plan of a lane (components, versions, image and chart references,
   * every step in order, guardrail findings) without running it. Fails when a
   * guardrail error would stop the lane.
   *
   * Example usage: dagger call plan --lane=release --tag=v1.4.0 --json
   */
  @func()
  async plan(
    @argument({ defaultPath: '/', ignore: IGNORE }) source: Directory,
    /** local, dev or release (or deploy-local, compose-up-local, compose-down-local). */
    lane: string,
    /** Where lanes.yaml is, relative to source, when the monorepo is below the git root. */
    path = '.',
    /** Release lane: the release tag, e.g. v1.4.0 (a product tag, or one component's tag). */
    tag?: string,
    /** Only these components. */
    only: string[] = [],
    /** Leave out these components. */
    skip: string[] = [],
    /** Treat warnings as errors. */
    strict = false,
    /** Release lane: allow publishing from a machine that is not CI. */
    allowLocal = false,
    /** This run is CI (CI jobs pass it; a function cannot see your environment). */
    ci = false,
    /** Extra build args for every image, NAME=value. */
    buildArg: string[] = [],
    /** Print one machine-readable JSON document instead of text. */
    json = false,
    /** Registry user for "already published" look-ups. */
    registryUsername?: string,
    /** Registry password or token, e.g. env://REGISTRY_PASSWORD. */
    registryPassword?: Secret,
    /** PEM CA certificate to trust for the registry. */
    registryCa?: File,
    /** GitHub token for the release (contents: write), e.g. env://GITHUB_TOKEN; plan and check ask GitHub with it. */
    githubToken?: Secret,
    /** GitHub API URL (GitHub Enterprise: https://HOST/api/v3). */
    githubApiUrl = 'https://api.github.com',
    /** GitLab token for the release (release.gitlab), e.g. env://GITLAB_TOKEN or env://CI_JOB_TOKEN. */
    gitlabToken?: Secret,
    /** The GitLab token is a CI job token (CI_JOB_TOKEN): sent as JOB-TOKEN. */
    gitlabJobToken = false,
  ): Promise<string> {
    return reported(async () => {
      const ctx = await commandContext({ source, path, registryUsername, registryPassword, registryCa, ci, githubToken, githubApiUrl, gitlabToken, gitlabJobToken });
      const { plan } = await planCommand(ctx, parseLane(lane, '--lane'), laneOptions({ tag, only, skip, strict, allowLocal, buildArg }));
      const text = ctx.redactor.redact(renderPlanReport(plan, json));
      if (plan.findings.some((f) => f.severity === 'error')) throw new Error(text);
      return text;
    });
  }

  /**
   * Run every guardrail of a lane. Fails (like the CLI's exit 1) on any error,
   * or any warning with --strict; each finding has a stable code.
   *
   * Example usage: dagger call check --lane=dev
   */
  @func()
  async check(
    @argument({ defaultPath: '/', ignore: IGNORE }) source: Directory,
    /** local, dev or release (or deploy-local, compose-up-local, compose-down-local). */
    lane: string,
    /** Where lanes.yaml is, relative to source, when the monorepo is below the git root. */
    path = '.',
    /** Release lane: the release tag, e.g. v1.4.0. */
    tag?: string,
    /** Only these components. */
    only: string[] = [],
    /** Leave out these components. */
    skip: string[] = [],
    /** Treat warnings as errors. */
    strict = false,
    /** Release lane: allow publishing from a machine that is not CI. */
    allowLocal = false,
    /** This run is CI (CI jobs pass it; a function cannot see your environment). */
    ci = false,
    /** Extra build args for every image, NAME=value. */
    buildArg: string[] = [],
    /** Print one machine-readable JSON document instead of text. */
    json = false,
    /** Registry user for "already published" look-ups. */
    registryUsername?: string,
    /** Registry password or token, e.g. env://REGISTRY_PASSWORD. */
    registryPassword?: Secret,
    /** PEM CA certificate to trust for the registry. */
    registryCa?: File,
    /** GitHub token for the release (contents: write), e.g. env://GITHUB_TOKEN; plan and check ask GitHub with it. */
    githubToken?: Secret,
    /** GitHub API URL (GitHub Enterprise: https://HOST/api/v3). */
    githubApiUrl = 'https://api.github.com',
    /** GitLab token for the release (release.gitlab), e.g. env://GITLAB_TOKEN or env://CI_JOB_TOKEN. */
    gitlabToken?: Secret,
    /** The GitLab token is a CI job token (CI_JOB_TOKEN): sent as JOB-TOKEN. */
    gitlabJobToken = false,
  ): Promise<string> {
    return reported(async () => {
      const ctx = await commandContext({ source, path, registryUsername, registryPassword, registryCa, ci, githubToken, githubApiUrl, gitlabToken, gitlabJobToken });
      const report = await checkCommand(ctx, parseLane(lane, '--lane'), laneOptions({ tag, only, skip, strict, allowLocal, buildArg }));
      const text = ctx.redactor.redact(renderCheckReport(report, json));
      if (!report.ok) throw new Error(text);
      return text;
    });
  }

  /**
   * Build every image and load it into your Docker image store (through
   * --docker-socket) as <name>:latest and <name>:<version>, with OCI labels.
   * Never pushes, never bumps.
   *
   * Example usage: dagger call build-all-local --docker-socket=/var/run/docker.sock
   */
  @func()
  async buildAllLocal(
    @argument({ defaultPath: '/', ignore: IGNORE }) source: Directory,
    /** Your Docker engine, to load the images into: /var/run/docker.sock. */
    dockerSocket?: Socket,
    /** Where lanes.yaml is, relative to source, when the monorepo is below the git root. */
    path = '.',
    /** Only these components. */
    only: string[] = [],
    /** Leave out these components. */
    skip: string[] = [],
    /** Extra build args for every image, NAME=value. */
    buildArg: string[] = [],
    /** Steps run side by side at most (independent image builds). */
    jobs = 2,
    /** Keep running independent steps after one fails. */
    continueOnError = false,
    /** Print the plan and do nothing. */
    dryRun = false,
    /** Print one machine-readable JSON document instead of text. */
    json = false,
  ): Promise<string> {
    return runLane('local', { source, path }, { dockerSocket }, laneOptions({ only, skip, buildArg, jobs, continueOnError, dryRun }), json);
  }

  /**
   * helm dependency build, helm lint, then helm upgrade --install each chart
   * from its local directory with the local image (pullPolicy Never). The
   * kubeconfig must reach the cluster from inside the engine.
   *
   * Example usage: dagger call deploy-all-local --kubeconfig=file:$HOME/.kube/config --kube-context=kind-dsx
   */
  @func()
  async deployAllLocal(
    @argument({ defaultPath: '/', ignore: IGNORE }) source: Directory,
    /** The kubeconfig to deploy with (a Secret: it holds credentials). */
    kubeconfig?: Secret,
    /** kubeconfig context to deploy to. */
    kubeContext?: string,
    /** Namespace to install into. */
    namespace?: string,
    /** Where lanes.yaml is, relative to source, when the monorepo is below the git root. */
    path = '.',
    /** Only these components. */
    only: string[] = [],
    /** Leave out these components. */
    skip: string[] = [],
    /** Extra build args (unused by helm; accepted like every lane). */
    buildArg: string[] = [],
    /** Steps run side by side at most. */
    jobs = 2,
    /** Keep running independent steps after one fails. */
    continueOnError = false,
    /** Print the plan and do nothing. */
    dryRun = false,
    /** Print one machine-readable JSON document instead of text. */
    json = false,
  ): Promise<string> {
    return runLane('deploy-local', { source, path }, { kubeconfig }, laneOptions({ only, skip, buildArg, jobs, continueOnError, dryRun, kubeContext, namespace }), json);
  }

  /**
   * Start the local stack on your Docker engine: the shared network, then the
   * core compose file layered with the connectors' (and optional ones) as one
   * compose project, using the local :latest images. Relative bind mounts in
   * the compose files resolve on the Docker host, as with any remote engine.
   *
   * Example usage: dagger call compose-up-local --docker-socket=/var/run/docker.sock --include-dsxa
   */
  @func()
  async composeUpLocal(
    @argument({ defaultPath: '/', ignore: IGNORE }) source: Directory,
    /** Your Docker engine: /var/run/docker.sock. */
    dockerSocket?: Socket,
    /** Optional compose files to add, by their flag in lanes.yaml (e.g. include-dsxa). */
    include: string[] = [],
    /** Shorthand for --include=include-dsxa (the bundled DSXA scanner). */
    includeDsxa = false,
    /** Env file passed to compose (default: compose.envFile in lanes.yaml). */
    envFile?: string,
    /** Where lanes.yaml is, relative to source, when the monorepo is below the git root. */
    path = '.',
    /** Only these components. */
    only: string[] = [],
    /** Leave out these components. */
    skip: string[] = [],
    /** Extra build args (unused by compose; accepted like every lane). */
    buildArg: string[] = [],
    /** Steps run side by side at most. */
    jobs = 2,
    /** Keep running independent steps after one fails. */
    continueOnError = false,
    /** Print the plan and do nothing. */
    dryRun = false,
    /** Print one machine-readable JSON document instead of text. */
    json = false,
  ): Promise<string> {
    const flags = [...include, ...(includeDsxa ? ['include-dsxa'] : [])];
    return runLane('compose-up-local', { source, path }, { dockerSocket }, laneOptions({ include: flags.length ? flags : undefined, envFile, only, skip, buildArg, jobs, continueOnError, dryRun }), json);
  }

  /**
   * Stop and remove exactly the compose project compose-up-local started.
   *
   * Example usage: dagger call compose-down-local --docker-socket=/var/run/docker.sock
   */
  @func()
  async composeDownLocal(
    @argument({ defaultPath: '/', ignore: IGNORE }) source: Directory,
    /** Your Docker engine: /var/run/docker.sock. */
    dockerSocket?: Socket,
    /** Env file passed to compose (default: compose.envFile in lanes.yaml). */
    envFile?: string,
    /** Where lanes.yaml is, relative to source, when the monorepo is below the git root. */
    path = '.',
    /** Only these components. */
    only: string[] = [],
    /** Leave out these components. */
    skip: string[] = [],
    /** Extra build args (unused by compose; accepted like every lane). */
    buildArg: string[] = [],
    /** Steps run side by side at most. */
    jobs = 2,
    /** Keep running independent steps after one fails. */
    continueOnError = false,
    /** Print the plan and do nothing. */
    dryRun = false,
    /** Print one machine-readable JSON document instead of text. */
    json = false,
  ): Promise<string> {
    return runLane('compose-down-local', { source, path }, { dockerSocket }, laneOptions({ envFile, only, skip, buildArg, jobs, continueOnError, dryRun }), json);
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
    @argument({ defaultPath: '/', ignore: IGNORE }) source: Directory,
    /** Registry user. */
    registryUsername?: string,
    /** Registry password or token, e.g. env://REGISTRY_PASSWORD. Never a plain string. */
    registryPassword?: Secret,
    /** PEM CA certificate of a private registry. */
    registryCa?: File,
    /** Where lanes.yaml is, relative to source, when the monorepo is below the git root. */
    path = '.',
    /** Only these components. */
    only: string[] = [],
    /** Leave out these components. */
    skip: string[] = [],
    /** Extra build args for every image, NAME=value. */
    buildArg: string[] = [],
    /** Treat warnings (changed but not bumped) as errors. */
    strict = false,
    /** Steps run side by side at most (independent image builds). */
    jobs = 2,
    /** Keep running independent steps after one fails. */
    continueOnError = false,
    /** Print the plan and do nothing. */
    dryRun = false,
    /** Print one machine-readable JSON document instead of text. */
    json = false,
  ): Promise<string> {
    return runLane('dev', { source, path, registryUsername, registryPassword }, { registryCa }, laneOptions({ only, skip, buildArg, strict, jobs, continueOnError, dryRun }), json);
  }

  /**
   * From CI, at a known commit: check every release guardrail, build and
   * package every artifact, push the tag (the lock), push images and charts,
   * then create the GitHub release with charts, a compose bundle and SHA256SUMS.
   *
   * Example usage: dagger call release --tag=v1.4.0 --ci --registry-username=$USER --registry-password=env://REGISTRY_PASSWORD --git-token=env://GITHUB_TOKEN --github-token=env://GITHUB_TOKEN
   */
  @func()
  async release(
    @argument({ defaultPath: '/', ignore: IGNORE }) source: Directory,
    /** The release tag, e.g. v1.4.0 (product) or a component's own tag; its version must be the checked-in version. */
    tag: string,
    /** This run is CI (CI jobs pass it): official releases come only from CI. */
    ci = false,
    /** Allow publishing from a machine that is not CI. */
    allowLocal = false,
    /** Registry user. */
    registryUsername?: string,
    /** Registry password or token, e.g. env://REGISTRY_PASSWORD. */
    registryPassword?: Secret,
    /** PEM CA certificate of a private registry. */
    registryCa?: File,
    /** Token to push the release tags to origin (e.g. env://GITHUB_TOKEN). */
    gitToken?: Secret,
    /** GitHub token for the release (contents: write), e.g. env://GITHUB_TOKEN; plan and check ask GitHub with it. */
    githubToken?: Secret,
    /** GitHub API URL (GitHub Enterprise: https://HOST/api/v3). */
    githubApiUrl = 'https://api.github.com',
    /** GitLab token for the release (release.gitlab), e.g. env://GITLAB_TOKEN or env://CI_JOB_TOKEN. */
    gitlabToken?: Secret,
    /** The GitLab token is a CI job token (CI_JOB_TOKEN): sent as JOB-TOKEN. */
    gitlabJobToken = false,
    /** Where lanes.yaml is, relative to source, when the monorepo is below the git root. */
    path = '.',
    /** Only these components. */
    only: string[] = [],
    /** Leave out these components. */
    skip: string[] = [],
    /** Extra build args for every image, NAME=value. */
    buildArg: string[] = [],
    /** Treat warnings as errors. */
    strict = false,
    /** Steps run side by side at most (independent image builds). */
    jobs = 2,
    /** Keep running independent steps after one fails. */
    continueOnError = false,
    /** Print the plan and do nothing. */
    dryRun = false,
    /** Print one machine-readable JSON document instead of text. */
    json = false,
  ): Promise<string> {
    return runLane(
      'release',
      { source, path, registryUsername, registryPassword, gitToken, ci, githubToken, githubApiUrl, gitlabToken, gitlabJobToken },
      { registryCa },
      laneOptions({ tag, allowLocal, only, skip, buildArg, strict, jobs, continueOnError, dryRun }),
      json,
    );
  }
}
