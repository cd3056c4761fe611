/**
 * The options of every command, in one table: the CLI builds its flags from
 * it, and a test holds the Dagger module's function arguments to it, so the
 * two adapters offer the same options. An option only one adapter has says
 * why (`only`).
 */

export type OptionKind = 'boolean' | 'value' | 'list' | 'int';

export interface OptionSpec {
  /** camelCase: the CLI flag is its kebab-case (--dry-run), the Dagger argument the same name. */
  name: string;
  kind: OptionKind;
  /** The CLI's placeholder for a value (`<tag>`). */
  arg?: string;
  description: string;
  default?: string | number | boolean;
  /** Only one adapter has this option, and why. */
  only?: { adapter: 'cli' | 'dagger'; why: string };
}

const o = (name: string, kind: OptionKind, description: string, extra: Partial<OptionSpec> = {}): OptionSpec => ({ name, kind, description, ...extra });
const cliOnly = (why: string) => ({ only: { adapter: 'cli' as const, why } });
const daggerOnly = (why: string) => ({ only: { adapter: 'dagger' as const, why } });

const source = o('source', 'value', 'the monorepo: the directory holding lanes.yaml (Dagger: the repository with its .git; see --path)', { arg: '<dir>', default: '.' });
const path = o('path', 'value', 'where lanes.yaml is, relative to source, when the monorepo is below the git root', daggerOnly('a Directory below the git root has no .git; the CLI finds the git root itself from --source'));
const json = o('json', 'boolean', 'print one machine-readable JSON document instead of text');
const only = o('only', 'list', 'only these components (comma-separated)', { arg: '<names>' });
const skip = o('skip', 'list', 'leave out these components (comma-separated)', { arg: '<names>' });
const strict = o('strict', 'boolean', 'treat guardrail warnings as errors, same codes (W_CHANGED_NOT_BUMPED: changed but not bumped, W_UNLISTED_COMPONENT, W_SHALLOW_CLONE); W_DEV_OVERWRITE stays a warning: overwriting the mutable dev tag is the dev lane\'s normal job');
const tag = o('tag', 'value', 'release lane: the release tag, e.g. v1.4.0 (a product tag, or one component\'s tag)', { arg: '<tag>' });
const allowLocal = o('allowLocal', 'boolean', 'release lane: allow publishing from a machine that is not CI');
const ci = o('ci', 'boolean', 'this run is CI (CI jobs pass it): the release lane runs only in CI', daggerOnly('a Dagger function cannot see the caller\'s environment; the CLI reads CI, GITHUB_ACTIONS, GITLAB_CI…'));
const buildArg = o('buildArg', 'list', 'extra build arg for every image, NAME=value, over lanes.yaml\'s (repeatable)', { arg: '<NAME=value>' });
const registry = [
  o('registryUsername', 'value', 'registry user (CLI default: LANES_REGISTRY_USERNAME, else the Docker config file)', { arg: '<user>' }),
  o('registryPassword', 'value', 'registry password or token: env://NAME or file://PATH (a Dagger Secret; never a literal)', { arg: '<ref>' }),
  o('registryCa', 'value', 'PEM CA certificate to trust for the registry (CLI also reads /etc/docker/certs.d/<host>/ca.crt)', { arg: '<file>' }),
  o('plainHttp', 'boolean', 'talk to the registry over plain HTTP', cliOnly('inside Dagger, the engine\'s own registry configuration decides TLS')),
];
const run = [
  o('jobs', 'int', 'steps run side by side at most (independent image builds)', { arg: '<n>', default: 2 }),
  o('continueOnError', 'boolean', 'keep running independent steps after one fails'),
  o('dryRun', 'boolean', 'print the plan and do nothing'),
  buildArg,
  o('outDir', 'value', 'where packaged charts and release artifacts go, inside the monorepo (default .lanes/out)', { arg: '<dir>', ...cliOnly('the module keeps artifacts inside the engine and returns its report') }),
  o('verbose', 'boolean', 'stream the output of docker, helm and compose', cliOnly('Dagger streams every step\'s output itself (dagger call --progress=plain)')),
];
const envFile = o('envFile', 'value', 'env file passed to compose (default: compose.envFile in lanes.yaml)', { arg: '<file>' });
const dockerSocket = o('dockerSocket', 'value', 'the Docker engine to run on, e.g. /var/run/docker.sock', daggerOnly('the CLI uses the host\'s docker directly'));
const githubToken = o('githubToken', 'value', 'GitHub token for the release: env://NAME or file://PATH (CLI default: GITHUB_TOKEN or GH_TOKEN)', { arg: '<ref>' });
const githubApiUrl = o('githubApiUrl', 'value', 'GitHub API URL (GitHub Enterprise: https://HOST/api/v3; CLI default: GITHUB_API_URL)', { arg: '<url>' });
const gitlabToken = o('gitlabToken', 'value', 'GitLab token for the release (release.gitlab): env://NAME or file://PATH (CLI default: GITLAB_TOKEN, else CI_JOB_TOKEN)', { arg: '<ref>' });
const gitlabJobToken = o('gitlabJobToken', 'boolean', 'the GitLab token is a CI job token (sent as JOB-TOKEN); the CLI knows it when it takes CI_JOB_TOKEN');
/** Tokens of the release hosts: release uses them, plan and check ask the hosts with them before a release. */
const releaseHosts = [githubToken, githubApiUrl, gitlabToken, gitlabJobToken];
const gitToken = o('gitToken', 'value', 'token to push the release tags to origin (e.g. GITHUB_TOKEN)', daggerOnly('the CLI pushes with your own git credentials'));

export const COMMAND_OPTIONS = {
  init: {
    description: 'Scan an existing repository (Dockerfiles, Helm charts, version files, compose files and their image variables, env pins, existing tags) and write a commented lanes.yaml that `lanes check local` accepts; what it cannot decide is marked UNDECIDED in the file and listed on stderr. Never overwrites lanes.yaml without --force.',
    options: [
      source,
      path,
      o('dryRun', 'boolean', 'print the proposed lanes.yaml, write nothing', cliOnly('a Dagger function never writes your files: init returns the source Directory with lanes.yaml added, to export or not')),
      o('force', 'boolean', 'replace an existing lanes.yaml'),
      o('json', 'boolean', 'print the proposed config and the undecided points as one JSON document (writes lanes.yaml unless --dry-run)', cliOnly('the Dagger function returns a Directory, not text')),
    ],
  },
  status: { description: 'Show every component: checked-in version, whether its version files agree, last release, changes since, and whether it needs a bump.', options: [source, path, o('published', 'boolean', 'also ask the dev and release registries whether each checked-in version is published there'), json, ...registry] },
  bump: {
    description: 'Write a new version into every version file of the named components (all or none). The only command that changes versions.',
    options: [
      source,
      path,
      o('components', 'list', 'the components to bump, as named in lanes.yaml'),
      o('changed', 'boolean', 'bump every component whose sources changed since its last release (W_CHANGED_NOT_BUMPED)'),
      o('version', 'value', 'set this exact version (one component)', { arg: '<X.Y.Z>' }),
      o('patch', 'boolean', 'increase the patch number (1.4.0 -> 1.4.1)'),
      o('minor', 'boolean', 'increase the minor number (1.4.0 -> 1.5.0)'),
      o('major', 'boolean', 'increase the major number (1.4.0 -> 2.0.0)'),
      o('pre', 'value', 'make or advance a prerelease (1.4.0 -> 1.4.1-rc.0 -> 1.4.1-rc.1)', { arg: '<id>' }),
      o('allowDowngrade', 'boolean', 'allow a version that is not greater than the current or last released one'),
      o('dryRun', 'boolean', 'show the diff (a patch `git apply` accepts), write nothing', cliOnly('a Dagger function never writes your files: bump returns the changed Directory, to export or not')),
      o('json', 'boolean', 'print one machine-readable JSON document instead of text', cliOnly('the Dagger function returns a Directory, not text')),
    ],
  },
  plan: { description: 'Print the plan of a lane (components, versions, image and chart references, every step in order, guardrail findings) without running it. Exit 0 when the lane may run, 1 when a guardrail error would stop it.', options: [source, path, o('lane', 'value', 'local, dev or release (or deploy-local, compose-up-local, compose-down-local)'), tag, only, skip, strict, allowLocal, ci, buildArg, json, ...registry, ...releaseHosts] },
  check: { description: 'Run every guardrail of a lane and report each finding with its code; exit 1 on any error (or any warning with --strict).', options: [source, path, o('lane', 'value', 'local, dev or release (or deploy-local, compose-up-local, compose-down-local)'), tag, only, skip, strict, allowLocal, ci, buildArg, json, ...registry, ...releaseHosts] },
  'build-all-local': { description: 'Build every image into the local Docker image store as <name>:latest and <name>:<version>, with OCI labels. Never pushes, never bumps.', options: [source, path, only, skip, json, ...run, dockerSocket] },
  'deploy-all-local': {
    description: 'helm dependency build, helm lint, then helm upgrade --install each chart from its local directory with the local image (pullPolicy Never). --dry-run renders the manifests instead.',
    options: [source, path, only, skip, json, ...run, o('kubeContext', 'value', 'kubeconfig context to deploy to', { arg: '<name>' }), o('kubeconfig', 'value', 'kubeconfig file (CLI default: KUBECONFIG or ~/.kube/config; Dagger: a Secret)', { arg: '<file>' }), o('namespace', 'value', 'namespace to install into', { arg: '<ns>' })],
  },
  'compose-up-local': {
    description: "Start the local stack: the shared network, then the core compose file layered with the connectors' (and optional ones, e.g. --include-dsxa) as one compose project, using the local :latest images.",
    options: [source, path, only, skip, json, ...run, o('include', 'list', 'optional compose files to add, by their flag in lanes.yaml (e.g. include-dsxa); the CLI also takes --include-<flag>', { arg: '<flags>' }), o('includeDsxa', 'boolean', 'shorthand for --include include-dsxa (the bundled DSXA scanner)', daggerOnly('the CLI takes --include-<flag> for any flag named in lanes.yaml')), envFile, dockerSocket],
  },
  'compose-down-local': { description: 'Stop and remove exactly the compose project compose-up-local started.', options: [source, path, only, skip, json, ...run, envFile, dockerSocket] },
  'push-all-dev': { description: 'Run `check dev`, build the checked-in versions, push <dev>/<name>:<version> and the immutable :<version>-<sha7>, and push each chart at its checked-in version to the dev OCI repo. Never writes a version.', options: [source, path, only, skip, json, strict, ...run, ...registry] },
  release: {
    description: 'From CI, at a known commit: check every release guardrail, build and package every artifact, push the tag (the lock), push images and charts, then create the GitHub release with charts, a compose bundle and SHA256SUMS.',
    options: [source, path, { ...tag, description: "the release tag, e.g. v1.4.0 (product) or a component's own tag; its version must be the checked-in version" }, only, skip, json, strict, allowLocal, ci, ...run, ...registry, ...releaseHosts, gitToken],
  },
} as const satisfies Record<string, { description: string; options: readonly OptionSpec[] }>;

export type CommandName = keyof typeof COMMAND_OPTIONS;

/** The options of a command that one adapter offers. */
export function optionsFor(command: CommandName, adapter: 'cli' | 'dagger'): OptionSpec[] {
  return (COMMAND_OPTIONS[command].options as readonly OptionSpec[]).filter((opt) => !opt.only || opt.only.adapter === adapter);
}
