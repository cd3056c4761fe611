import { randomUUID } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join, posix } from 'node:path';
import { dag, ReturnType, type Container, type Directory, type File, type Platform, type Secret, type Socket } from '@dagger.io/dagger';
import {
  annotateChartYaml,
  composeArgs,
  composeBundle,
  helmDeployArgs,
  helmLintArgs,
  helmPackageArgs,
  lockLost,
  loginHost,
  parseRef,
  publishGitHubRelease,
  publishGitLabRelease,
  refusedAsExisting,
  remoteSaid,
  reproducibleTgz,
  type ReleaseHostAccess,
  sha256,
  sha256sums,
  setChartValues,
  StepError,
  tagMessage,
  tagsNotHeld,
  type Executor,
  type Lane,
  type Redactor,
  type StepOf,
  type StepOutputs,
} from '../core/lanes-core.js';
import { withGitAuth } from './git-runner.js';
import { DOCKER_CLI_IMAGE, GIT_IMAGE, HELM_IMAGE } from './images.js';

/** What the functions were given: the source, where the core exported it, and credentials as Secrets. */
export interface DaggerInputs {
  /** The git root, with its .git. */
  source: Directory;
  /** Where lanes.yaml is inside source ('.' at the top). */
  path: string;
  /** The monorepo root as exported into the runtime container: artifacts are written under it, as the host writes them under the repo. */
  root: string;
  lane: Lane;
  redactor: Redactor;
  registryUsername?: string;
  registryPassword?: Secret;
  registryCa?: File;
  dockerSocket?: Socket;
  kubeconfig?: Secret;
  /** The git Authorization header (see gitAuthHeader), for the tag push. */
  gitAuth?: Secret;
  /** Tokens of the release hosts, as the command context holds them. */
  releaseHosts: ReleaseHostAccess;
}

/**
 * The plan's steps as Dagger API calls. Like the host executor it decides
 * nothing (every argument comes from the step) and returns the same typed
 * outputs; release artifacts are made by the same pure builders, so the
 * bundle and SHA256SUMS are byte for byte those of `npx lanes release`.
 */
export function daggerExecutor(inputs: DaggerInputs): Executor {
  const monorepo = inputs.path === '.' ? inputs.source : inputs.source.directory(inputs.path);
  /** Built images by component: one Container per platform. */
  const images = new Map<string, Container[]>();
  /** Packaged charts by their plan path: the reproducible bytes, pushed as they are. */
  const charts = new Map<string, Buffer>();
  const local = (planPath: string) => join(inputs.root, planPath);

  /** A container of `image` with the monorepo at /src, working there. */
  const withMonorepo = (image: string) => dag.container().from(image).withDirectory('/src', monorepo).withWorkdir('/src');

  /** Runs a command; a non-zero exit is an E_EXEC-like step failure carrying the command's own words. */
  const exec = async (ctr: Container, args: string[], what = args.join(' ')): Promise<{ ctr: Container; stdout: string }> => {
    const ran = ctr.withExec(args, { expect: ReturnType.Any });
    const [code, stdout, stderr] = await Promise.all([ran.exitCode(), ran.stdout(), ran.stderr()]);
    if (code !== 0) throw new StepError(`\`${what}\` failed (exit ${code}):\n${inputs.redactor.redact((stderr || stdout).trim().split('\n').slice(-6).join('\n'))}`);
    return { ctr: ran, stdout };
  };

  /** The chart's values.yaml as the source has it ('' when it has none). */
  const chartValuesYaml = async (chartPath: string) => ((await monorepo.directory(chartPath).entries()).includes('values.yaml') ? monorepo.file(posix.join(chartPath, 'values.yaml')).contents() : '');

  const needSocket = (what: string) => {
    if (!inputs.dockerSocket) throw new StepError(`${what} runs on your Docker engine: pass --docker-socket=/var/run/docker.sock`);
    return inputs.dockerSocket;
  };

  /** `helm registry login` (password from a Secret variable, on stdin) before `args`, in one container. */
  const withHelmLogin = (ctr: Container, host: string): { ctr: Container; login: string } => {
    const { registryUsername, registryPassword } = inputs;
    if (!registryUsername || !registryPassword) return { ctr, login: '' };
    return {
      ctr: ctr.withEnvVariable('REGISTRY_USER', registryUsername).withSecretVariable('REGISTRY_PASSWORD', registryPassword),
      login: `printf %s "$REGISTRY_PASSWORD" | helm registry login ${host} --username "$REGISTRY_USER" --password-stdin $CA_FLAG >/dev/null && `,
    };
  };

  return {
    /** Directory.dockerBuild for every platform, labelled; built now (sync), so a broken image fails before any push. */
    'build-image': async (step) => {
      let context = inputs.source.directory(posix.join(inputs.path, step.context));
      let dockerfile = posix.relative(step.context, step.dockerfile);
      if (dockerfile.startsWith('..')) {
        context = context.withFile('.lanes.Dockerfile', monorepo.file(step.dockerfile));
        dockerfile = '.lanes.Dockerfile';
      }
      const buildArgs = Object.entries(step.buildArgs).map(([name, value]) => ({ name, value }));
      const platforms: (string | undefined)[] = step.platforms.length ? step.platforms : [undefined];
      const built = await Promise.all(
        platforms.map((platform) => {
          let ctr = context.dockerBuild({ dockerfile, buildArgs, ...(step.target ? { target: step.target } : {}), ...(platform ? { platform: platform as Platform } : {}) });
          for (const [k, v] of Object.entries(step.labels)) ctr = ctr.withLabel(k, v);
          return ctr.sync();
        }),
      );
      images.set(step.component!, built);
      if (inputs.lane !== 'local') return { tags: step.tags };
      // A function has no image store of its own (exportImage would fail): load into the caller's Docker through its socket.
      const socket = needSocket('build-all-local');
      const script = ['set -e', 'id=$(docker load -i /lanes/image.tar | sed -n "s/^Loaded image ID: //p")', '[ -n "$id" ]', ...step.tags.map((t) => `docker tag "$id" '${t}'`), 'printf %s "$id"'].join('\n');
      const loader = dag.container().from(DOCKER_CLI_IMAGE).withUnixSocket('/var/run/docker.sock', socket).withMountedFile('/lanes/image.tar', built[0]!.asTarball());
      const { stdout } = await exec(loader, ['sh', '-c', script], `docker load + docker tag ${step.tags.join(' ')}`);
      return { tags: step.tags, imageId: stdout.trim().split('\n').pop()! };
    },

    /** Published from an empty container with every platform as a variant: publishing from one variant would send it twice. */
    'push-image': async (step) => {
      const variants = images.get(step.component!);
      if (!variants) throw new StepError(`${step.id}: the image of ${step.component} was not built in this run`);
      let ctr = variants.length > 1 ? dag.container() : variants[0]!;
      const { registryUsername, registryPassword } = inputs;
      if (registryUsername && registryPassword) ctr = ctr.withRegistryAuth(loginHost(parseRef(step.ref).registry), registryUsername, registryPassword);
      const published = await ctr.publish(step.ref, variants.length > 1 ? { platformVariants: variants } : undefined);
      return { ref: step.ref, digest: published.slice(published.indexOf('@') + 1) };
    },

    /** helm package of the chart with the plan's annotations, checked with helm show chart; the .tgz goes where the host puts it too. */
    'package-chart': async (step) => {
      const chartYaml = await monorepo.file(posix.join(step.chartPath, 'Chart.yaml')).contents();
      const name = basename(step.output);
      const ctr = dag
        .container()
        .from(HELM_IMAGE)
        .withDirectory('/chart', monorepo.directory(step.chartPath))
        .withNewFile('/chart/Chart.yaml', annotateChartYaml(chartYaml, step.annotations))
        .withNewFile('/chart/values.yaml', setChartValues(await chartValuesYaml(step.chartPath), step.values ?? {}))
        .withDirectory('/out', dag.directory());
      const packaged = await exec(ctr, ['helm', ...helmPackageArgs('/chart', step, '/out')]);
      // helm names the file <chart>-<version>.tgz; the plan's name is the same, so this fails only if the chart name differs.
      const shown = await exec(packaged.ctr, ['helm', 'show', 'chart', `/out/${name}`]);
      if (!new RegExp(`^version: ${step.version.replace(/[.+]/g, '\\$&')}$`, 'm').test(shown.stdout)) throw new StepError(`${step.output} does not carry version ${step.version}; helm show chart says:\n${shown.stdout}`);
      await mkdir(dirname(local(step.output)), { recursive: true });
      await packaged.ctr.file(`/out/${name}`).export(local(step.output));
      // The same normalisation as the host's, so both executors publish the same bytes.
      const bytes = reproducibleTgz(await readFile(local(step.output)));
      await writeFile(local(step.output), bytes);
      charts.set(step.output, bytes);
      return { file: step.output, sha256: sha256(bytes) };
    },

    'push-chart': async (step) => {
      const pkg = charts.get(step.package);
      if (!pkg) throw new StepError(`${step.id}: ${step.package} was not packaged in this run`);
      const host = step.repository.replace(/^oci:\/\//, '').split('/')[0]!;
      // Bytes reach the container as base64 text: withNewFile takes a string, and the package must stay byte for byte what was checksummed.
      let ctr = dag.container().from(HELM_IMAGE).withNewFile('/work/chart.tgz.b64', pkg.toString('base64')).withEnvVariable('CA_FLAG', inputs.registryCa ? '--ca-file /work/ca.crt' : '');
      if (inputs.registryCa) ctr = ctr.withMountedFile('/work/ca.crt', inputs.registryCa);
      const login = withHelmLogin(ctr, host);
      const { stdout } = await exec(login.ctr, ['sh', '-c', `base64 -d /work/chart.tgz.b64 > /work/chart.tgz && ${login.login}helm push /work/chart.tgz '${step.repository}' $CA_FLAG 2>&1`], `helm push ${step.package} ${step.repository}`);
      const digest = /Digest: (sha256:[0-9a-f]{64})/.exec(stdout)?.[1];
      if (!digest) throw new StepError(`helm push ${step.package} reported no digest; the push cannot be verified`);
      return { ref: step.ref, digest };
    },

    'helm-dependency-build': async (step) => {
      const chart = await monorepo.file(posix.join(step.chartPath, 'Chart.yaml')).contents();
      // Nothing to fetch: same rule as the host executor.
      if (!/^dependencies:/m.test(chart)) return { dependencies: 'none' };
      await exec(withMonorepo(HELM_IMAGE), ['helm', 'dependency', 'build', step.chartPath]);
      return { dependencies: 'built' };
    },

    'helm-lint': async (step) => {
      await exec(withMonorepo(HELM_IMAGE), ['helm', ...helmLintArgs(step)]);
      return { chartPath: step.chartPath };
    },

    'helm-deploy': async (step) => {
      if (!inputs.kubeconfig) throw new StepError('deploy-all-local needs a cluster: pass --kubeconfig=file:$HOME/.kube/config (a Secret); --dry-run renders the manifests without one');
      await exec(withMonorepo(HELM_IMAGE).withMountedSecret('/root/.kube/config', inputs.kubeconfig), ['helm', ...helmDeployArgs(step)]);
      return { release: step.release };
    },

    'ensure-network': async (step) => {
      const ctr = dag.container().from(DOCKER_CLI_IMAGE).withUnixSocket('/var/run/docker.sock', needSocket(step.id));
      const { stdout } = await exec(ctr, ['sh', '-c', `docker network inspect '${step.network}' >/dev/null 2>&1 && echo existed || docker network create '${step.network}'`], `docker network create ${step.network}`);
      return { network: step.network, created: !stdout.startsWith('existed') };
    },

    'compose-up': async (step) => {
      let ctr = withMonorepo(DOCKER_CLI_IMAGE).withUnixSocket('/var/run/docker.sock', needSocket(step.id));
      for (const [k, v] of Object.entries(step.env)) ctr = ctr.withEnvVariable(k, v);
      await exec(ctr, ['docker', 'compose', ...composeArgs(step)]);
      return { project: step.project };
    },

    'compose-down': async (step) => {
      let ctr = withMonorepo(DOCKER_CLI_IMAGE).withUnixSocket('/var/run/docker.sock', needSocket(step.id));
      for (const [k, v] of Object.entries(step.env)) ctr = ctr.withEnvVariable(k, v);
      await exec(ctr, ['docker', 'compose', ...composeArgs(step)]);
      return { project: step.project };
    },

    /** The same bytes as the host executor's: one pure builder, fed the files as the source has them. */
    'compose-bundle': async (step) => {
      const files = await Promise.all(step.files.map(async (path) => ({ path, data: await readFile(local(path)) })));
      const bytes = composeBundle(files);
      await writeArtifact(local(step.output), bytes);
      return { file: step.output, sha256: sha256(bytes) };
    },

    checksums: async (step) => {
      const entries = await Promise.all(step.files.map(async (file) => ({ file, sha256: sha256(await readFile(local(file))) })));
      const text = sha256sums(entries);
      await writeArtifact(local(step.output), text);
      return { file: step.output, sha256: sha256(text) };
    },

    /** Tags at the planned commit, pushed atomically from the full source (with .git): the release's lock. */
    'push-tags': async (step) => {
      let ctr = dag
        .container()
        .from(GIT_IMAGE)
        .withMountedDirectory('/src', inputs.source)
        .withWorkdir(inputs.path === '.' ? '/src' : `/src/${inputs.path}`)
        .withEnvVariable('GIT_COMMITTER_NAME', 'lanes')
        .withEnvVariable('GIT_COMMITTER_EMAIL', 'lanes@localhost');
      if (inputs.gitAuth) ctr = withGitAuth(ctr, inputs.gitAuth);
      const git = ['git', '-c', 'safe.directory=*'];
      const names = step.tags.map((t) => t.name);
      const runId = randomUUID();
      for (const t of step.tags) ctr = (await exec(ctr, [...git, 'tag', '-f', '-a', t.name, '-m', tagMessage(t.name, runId), t.commit])).ctr;
      const push = ctr.withExec([...git, 'push', '--atomic', step.remote, ...names.map((n) => `refs/tags/${n}`)], { expect: ReturnType.Any });
      const [code, stderr] = await Promise.all([push.exitCode(), push.stderr()]);
      if (code !== 0) {
        const said = remoteSaid(inputs.redactor.redact(stderr));
        if (refusedAsExisting(stderr)) throw lockLost(`the remote refused ${names.join(', ')}: a tag of that name is already there (another release pushed it first). Nothing was published by this run. The remote said: ${said}`);
        throw new StepError(`pushing ${names.join(', ')} to ${step.remote} failed (exit ${code}); nothing was published by this run. The remote said: ${said}`);
      }
      // Read the lock back from the remote, as the host executor does.
      const ours = (await exec(push, [...git, 'rev-parse', ...names.map((n) => `refs/tags/${n}`)])).stdout.trim().split('\n');
      const { stdout: held } = await exec(push, [...git, 'ls-remote', '--tags', step.remote, ...names.map((n) => `refs/tags/${n}`)], `git ls-remote --tags ${step.remote}`);
      const lost = tagsNotHeld(new Map(names.map((n, i) => [n, ours[i]!])), held);
      if (lost.length) throw lockLost(`${lost.join(', ')} on ${step.remote} ${lost.length === 1 ? 'is' : 'are'} not the tag this run pushed: another release holds the lock. Nothing was published by this run.`);
      return { tags: names };
    },

    /** The same REST clients as the CLI, from the module runtime, reading the assets the steps above wrote. */
    'github-release': (step) => publishGitHubRelease({ ...(inputs.releaseHosts.github ?? { apiUrl: 'https://api.github.com' }), redactor: inputs.redactor, readAsset: (path) => readFile(local(path)) }, step),
    'gitlab-release': (step) => publishGitLabRelease({ ...inputs.releaseHosts.gitlab, redactor: inputs.redactor, readAsset: (path) => readFile(local(path)) }, step),
  } satisfies { [K in keyof StepOutputs]: (step: StepOf<K>) => Promise<StepOutputs[K]> };
}

async function writeArtifact(path: string, data: Uint8Array | string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, data);
}
