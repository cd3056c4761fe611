import { basename, posix } from 'node:path';
import { dag, ReturnType, type Container, type File, type Platform, type Secret, type Socket, type Directory } from '@dagger.io/dagger';
import { annotateChartYaml } from 'lanes/src/charts/annotate-chart.js';
import { composeArgs, helmDeployArgs, helmLintArgs, helmPackageArgs } from 'lanes/src/exec/command-args.js';
import { createGitHubRelease } from 'lanes/src/exec/host/github-release.js';
import { Redactor } from 'lanes/src/exec/redactor.js';
import { GuardrailError, StepError } from 'lanes/src/errors.js';
import type { Lane, Step, StepOf } from 'lanes/src/plan/types.js';
import { loginHost, parseRef } from 'lanes/src/registry/image-ref.js';
import { DOCKER_CLI_IMAGE, GIT_IMAGE, HELM_IMAGE, TOOLS_IMAGE } from './images.js';
import { shq } from './shell-quote.js';

/** What the module's functions were given: the source, and credentials as Secrets. */
export interface DaggerInputs {
  source: Directory;
  lane: Lane;
  /** Where the source was exported in the runtime container (for the GitHub upload). */
  root: string;
  registryUsername?: string;
  registryPassword?: Secret;
  registryCa?: File;
  dockerSocket?: Socket;
  kubeconfig?: Secret;
  gitToken?: Secret;
  githubToken?: Secret;
  githubApiUrl: string;
}

/**
 * Carries out plan steps as Dagger API calls. Like the host executor, it
 * decides nothing: every argument comes from the step.
 */
export class DaggerSteps {
  private readonly images = new Map<string, Container[]>();
  private readonly files = new Map<string, File>();
  private readonly charts = new Map<string, Container>();
  constructor(private readonly inputs: DaggerInputs) {}

  run(step: Step): Promise<Record<string, string>> {
    switch (step.kind) {
      case 'build-image':
        return this.build(step);
      case 'push-image':
        return this.push(step);
      case 'package-chart':
        return this.packageChart(step);
      case 'push-chart':
        return this.pushChart(step);
      case 'helm-dependency-build':
      case 'helm-lint':
      case 'helm-deploy':
        return this.helm(step);
      case 'ensure-network':
      case 'compose-up':
      case 'compose-down':
        return this.compose(step);
      case 'compose-bundle':
        return this.bundle(step);
      case 'checksums':
        return this.checksums(step);
      case 'push-tags':
        return this.pushTags(step);
      case 'github-release':
        return this.githubRelease(step);
    }
  }

  /** A tool container with the monorepo copied to /src, working there. */
  private withSource(image: string): Container {
    return dag.container().from(image).withDirectory('/src', this.inputs.source).withWorkdir('/src');
  }

  /** Directory.dockerBuild for every platform, labelled; built now (sync), so a broken image fails before any push. */
  private async build(step: StepOf<'build-image'>): Promise<Record<string, string>> {
    const { source } = this.inputs;
    let context = source.directory(step.context);
    let dockerfile = posix.relative(step.context, step.dockerfile);
    if (dockerfile.startsWith('..')) {
      context = context.withFile('.lanes.Dockerfile', source.file(step.dockerfile));
      dockerfile = '.lanes.Dockerfile';
    }
    const buildArgs = Object.entries(step.buildArgs).map(([name, value]) => ({ name, value }));
    const platforms: (string | undefined)[] = step.platforms.length ? step.platforms : [undefined];
    const variants = platforms.map((platform) => {
      let ctr = context.dockerBuild({ dockerfile, buildArgs, ...(step.target ? { target: step.target } : {}), ...(platform ? { platform: platform as Platform } : {}) });
      for (const [k, v] of Object.entries(step.labels)) ctr = ctr.withLabel(k, v);
      return ctr;
    });
    const built = await Promise.all(variants.map((v) => v.sync()));
    this.images.set(step.component!, built);
    if (this.inputs.lane === 'local') {
      // The local lane's images go to the caller's image store, under every tag.
      for (const tag of step.tags) await built[0]!.exportImage(tag);
    }
    return { tags: step.tags.join(' ') };
  }

  private async push(step: StepOf<'push-image'>): Promise<Record<string, string>> {
    const variants = this.images.get(step.component!);
    if (!variants) throw new StepError(`${step.id}: the image of ${step.component} was not built in this run`);
    let ctr = variants[0]!;
    const { registryUsername, registryPassword } = this.inputs;
    if (registryUsername && registryPassword) ctr = ctr.withRegistryAuth(loginHost(parseRef(step.ref).registry), registryUsername, registryPassword);
    const published = await ctr.publish(step.ref, variants.length > 1 ? { platformVariants: variants } : undefined);
    return { ref: step.ref, digest: published.slice(published.indexOf('@') + 1) };
  }

  private async packageChart(step: StepOf<'package-chart'>): Promise<Record<string, string>> {
    const { source } = this.inputs;
    const chartYaml = await source.file(posix.join(step.chartPath, 'Chart.yaml')).contents();
    const packaged = dag
      .container()
      .from(HELM_IMAGE)
      .withDirectory('/chart', source.directory(step.chartPath))
      .withNewFile('/chart/Chart.yaml', annotateChartYaml(chartYaml, step.annotations))
      .withExec(['helm', ...helmPackageArgs('/chart', step, '/out')])
      .file(`/out/${basename(step.output)}`);
    this.files.set(step.output, await packaged.sync());
    return { package: step.output };
  }

  /** `helm registry login` (password from a Secret variable, on stdin) and `helm push`, in one container. */
  private async pushChart(step: StepOf<'push-chart'>): Promise<Record<string, string>> {
    const pkg = this.files.get(step.package);
    if (!pkg) throw new StepError(`${step.id}: ${step.package} was not packaged in this run`);
    const host = step.repository.replace(/^oci:\/\//, '').split('/')[0]!;
    const { registryUsername, registryPassword, registryCa } = this.inputs;
    let ctr = dag.container().from(HELM_IMAGE).withFile('/work/chart.tgz', pkg);
    const caFlag = registryCa ? ' --ca-file /work/ca.crt' : '';
    if (registryCa) ctr = ctr.withMountedFile('/work/ca.crt', registryCa);
    let script = `helm push /work/chart.tgz ${shq(step.repository)}${caFlag} 2>&1`;
    if (registryUsername && registryPassword) {
      ctr = ctr.withEnvVariable('REGISTRY_USER', registryUsername).withSecretVariable('REGISTRY_PASSWORD', registryPassword);
      script = `printf %s "$REGISTRY_PASSWORD" | helm registry login ${shq(host)} --username "$REGISTRY_USER" --password-stdin${caFlag} && ${script}`;
    }
    const out = await ctr.withExec(['sh', '-c', script]).stdout();
    const digest = /Digest: (sha256:[0-9a-f]{64})/.exec(out)?.[1];
    if (!digest) throw new StepError(`helm push ${step.package} reported no digest; the push cannot be verified`);
    return { ref: step.ref, digest };
  }

  /** helm dependency build, lint and upgrade --install share one container per chart, in plan order. */
  private async helm(step: StepOf<'helm-dependency-build'> | StepOf<'helm-lint'> | StepOf<'helm-deploy'>): Promise<Record<string, string>> {
    let ctr = this.charts.get(step.component!) ?? this.withSource(HELM_IMAGE);
    if (step.kind === 'helm-dependency-build') {
      ctr = ctr.withExec(['sh', '-c', `grep -q '^dependencies:' ${shq(posix.join(step.chartPath, 'Chart.yaml'))} && helm dependency build ${shq(step.chartPath)} || true`]);
    } else if (step.kind === 'helm-lint') {
      ctr = ctr.withExec(['helm', ...helmLintArgs(step)]);
    } else {
      if (!this.inputs.kubeconfig) throw new StepError('deploy-all-local needs a cluster: pass --kubeconfig=file:$HOME/.kube/config (a Secret); --dry-run renders the manifests without one');
      ctr = ctr.withMountedSecret('/root/.kube/config', this.inputs.kubeconfig).withExec(['helm', ...helmDeployArgs(step)]);
    }
    this.charts.set(step.component!, await ctr.sync());
    return {};
  }

  /** Compose and networks on the caller's Docker engine, through its socket. */
  private async compose(step: StepOf<'ensure-network'> | StepOf<'compose-up'> | StepOf<'compose-down'>): Promise<Record<string, string>> {
    if (!this.inputs.dockerSocket) throw new StepError(`${step.id} runs on your Docker engine: pass --docker-socket=/var/run/docker.sock`);
    let ctr = this.withSource(DOCKER_CLI_IMAGE).withUnixSocket('/var/run/docker.sock', this.inputs.dockerSocket);
    if (step.kind === 'ensure-network') {
      await ctr.withExec(['sh', '-c', `docker network inspect ${shq(step.network)} >/dev/null 2>&1 || docker network create ${shq(step.network)}`]).sync();
      return { network: step.network };
    }
    for (const [k, v] of Object.entries(step.env)) ctr = ctr.withEnvVariable(k, v);
    await ctr.withExec(['docker', 'compose', ...composeArgs(step)]).sync();
    return { project: step.project };
  }

  private async bundle(step: StepOf<'compose-bundle'>): Promise<Record<string, string>> {
    const tar = this.withSource(TOOLS_IMAGE)
      .withExec(['tar', '-czf', `/out/${basename(step.output)}`, ...[...step.files].sort()], { expect: ReturnType.Success })
      .file(`/out/${basename(step.output)}`);
    this.files.set(step.output, await tar.sync());
    return { file: step.output };
  }

  private async checksums(step: StepOf<'checksums'>): Promise<Record<string, string>> {
    let ctr = dag.container().from(TOOLS_IMAGE).withWorkdir('/out');
    for (const f of step.files) ctr = ctr.withFile(`/out/${basename(f)}`, this.files.get(f)!);
    const sums = ctr.withExec(['sh', '-c', `sha256sum ${step.files.map((f) => shq(basename(f))).join(' ')} > SHA256SUMS`]).file('/out/SHA256SUMS');
    this.files.set(step.output, await sums.sync());
    return { file: step.output };
  }

  /** Tags at the planned commit, pushed atomically: the release's lock. */
  private async pushTags(step: StepOf<'push-tags'>): Promise<Record<string, string>> {
    let ctr = this.withSource(GIT_IMAGE)
      .withEnvVariable('GIT_COMMITTER_NAME', 'lanes')
      .withEnvVariable('GIT_COMMITTER_EMAIL', 'lanes@localhost');
    let auth = '';
    if (this.inputs.gitToken) {
      ctr = ctr.withSecretVariable('GIT_TOKEN', this.inputs.gitToken);
      auth = `-c http.extraheader="AUTHORIZATION: basic $(printf 'x-access-token:%s' "$GIT_TOKEN" | base64 | tr -d '\\n')" `;
    }
    const script = [
      ...step.tags.map((t) => `git -c safe.directory='*' tag -a ${shq(t.name)} -m ${shq(`Release ${t.name}`)} ${shq(t.commit)}`),
      `git -c safe.directory='*' ${auth}push --atomic ${shq(step.remote)} ${step.tags.map((t) => shq(`refs/tags/${t.name}`)).join(' ')}`,
    ].join(' && ');
    const run = ctr.withExec(['sh', '-c', script], { expect: ReturnType.Any });
    const [code, stderr] = await Promise.all([run.exitCode(), run.stderr()]);
    if (code !== 0) {
      if (/already exists|rejected|fetch first/.test(stderr)) throw new GuardrailError(`E_TAG_EXISTS: the remote refused ${step.tags.map((t) => t.name).join(', ')}: another release pushed it first. Nothing was published by this run.`);
      throw new StepError(`pushing the release tags failed (exit ${code}): ${stderr.trim().split('\n').slice(-3).join(' ')}`);
    }
    return { tags: step.tags.map((t) => t.name).join(' ') };
  }

  /** The same REST calls as the CLI, from the module runtime, with the assets exported next to the source copy. */
  private async githubRelease(step: StepOf<'github-release'>): Promise<Record<string, string>> {
    for (const asset of step.assets) await this.files.get(asset)!.export(posix.join(this.inputs.root, asset));
    const token = this.inputs.githubToken ? await this.inputs.githubToken.plaintext() : undefined;
    const redactor = new Redactor();
    redactor.add(token);
    return createGitHubRelease(
      { root: this.inputs.root, redactor, env: {}, helm: 'helm', docker: 'docker', github: { token, apiUrl: this.inputs.githubApiUrl } },
      step,
    );
  }
}
