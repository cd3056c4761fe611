import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { annotateChartYaml } from '../../charts/annotate-chart.js';
import { setChartValues } from '../../charts/chart-values.js';
import { helmDeployArgs, helmLintArgs, helmPackageArgs, helmTemplateArgs } from '../command-args.js';
import { ExecError, StepError } from '../../errors.js';
import type { StepOf } from '../../plan/types.js';
import type { HostContext } from './context.js';
import { run } from './run-command.js';
import type { StepOutputs } from '../executor.js';
import { sha256 } from '../../artifacts/checksums.js';
import { reproducibleTgz } from '../../artifacts/reproducible-tgz.js';
import { credentialHelperConfig } from './credential-helper.js';
import { removeSecretDir } from './temp-secrets.js';

/**
 * `helm package --version --app-version` of a copy of the chart carrying the
 * plan's annotations (the source chart is never modified), made
 * byte-reproducible (reproducibleTgz), then a check that the package says what
 * the plan says.
 */
export async function packageChart(ctx: HostContext, step: StepOf<'package-chart'>): Promise<StepOutputs['package-chart']> {
  const work = mkdtempSync(join(tmpdir(), 'lanes-chart-'));
  try {
    const copy = join(work, 'chart');
    cpSync(join(ctx.root, step.chartPath), copy, { recursive: true });
    const chartFile = join(copy, 'Chart.yaml');
    writeFileSync(chartFile, annotateChartYaml(readFileSync(chartFile, 'utf8'), step.annotations));
    if (step.values && Object.keys(step.values).length) {
      const valuesFile = join(copy, 'values.yaml');
      writeFileSync(valuesFile, setChartValues(existsSync(valuesFile) ? readFileSync(valuesFile, 'utf8') : '', step.values));
    }
    const out = join(ctx.root, dirname(step.output));
    mkdirSync(out, { recursive: true });
    const { stdout } = await run(ctx, ctx.helm, helmPackageArgs(copy, step, out));
    const written = /saved it to: (.+\.tgz)/.exec(stdout)?.[1]?.trim() ?? join(ctx.root, step.output);
    const bytes = reproducibleTgz(readFileSync(written));
    writeFileSync(join(ctx.root, step.output), bytes);
    const shown = await run(ctx, ctx.helm, ['show', 'chart', join(ctx.root, step.output)]);
    if (!new RegExp(`^version: ${step.version.replace(/[.+]/g, '\\$&')}$`, 'm').test(shown.stdout)) {
      throw new StepError(`${step.output} does not carry version ${step.version}; helm show chart says:\n${shown.stdout}`);
    }
    return { file: step.output, sha256: sha256(bytes) };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * `helm push` to the OCI repository. With credentials given to lanes, helm
 * gets a throw-away registry config naming a credential helper that answers
 * from helm's environment (credential-helper.ts): no `helm registry login`,
 * so the password is never written to disk nor onto a command line. Without,
 * helm uses the user's own `helm registry login`.
 */
export async function pushChart(ctx: HostContext, step: StepOf<'push-chart'>): Promise<StepOutputs['push-chart']> {
  const host = step.repository.replace(/^oci:\/\//, '').split('/')[0]!;
  const auth = ctx.registryAuth ? credentialHelperConfig('lanes-helm-', host, ctx.registryAuth, ctx.env) : undefined;
  const registryConfig = auth ? ['--registry-config', auth.configFile] : [];
  const tls = [...(ctx.registryCa ? ['--ca-file', ctx.registryCa] : []), ...(ctx.plainHttp ? ['--plain-http'] : [])];
  try {
    const { stdout, stderr } = await run(ctx, ctx.helm, ['push', join(ctx.root, step.package), step.repository, ...registryConfig, ...tls], auth ? { env: auth.env } : {});
    const digest = /Digest: (sha256:[0-9a-f]{64})/.exec(stdout + stderr)?.[1];
    if (!digest) throw new StepError(`helm push ${step.package} reported no digest; the push cannot be verified`);
    return { ref: step.ref, digest };
  } finally {
    if (auth) removeSecretDir(auth.dir);
  }
}

export async function dependencyBuild(ctx: HostContext, step: StepOf<'helm-dependency-build'>): Promise<StepOutputs['helm-dependency-build']> {
  const chart = readFileSync(join(ctx.root, step.chartPath, 'Chart.yaml'), 'utf8');
  // Nothing to fetch: skip the command rather than have helm touch the chart directory.
  if (!/^dependencies:/m.test(chart)) return { dependencies: 'none' };
  await run(ctx, ctx.helm, ['dependency', 'build', step.chartPath]);
  return { dependencies: 'built' };
}

export async function lint(ctx: HostContext, step: StepOf<'helm-lint'>): Promise<StepOutputs['helm-lint']> {
  await run(ctx, ctx.helm, helmLintArgs(step));
  return { chartPath: step.chartPath };
}

export async function deploy(ctx: HostContext, step: StepOf<'helm-deploy'>): Promise<StepOutputs['helm-deploy']> {
  const env = ctx.kubeconfig ? { ...ctx.env, KUBECONFIG: ctx.kubeconfig } : ctx.env;
  try {
    await run(ctx, ctx.helm, helmDeployArgs(step), { env, stream: true });
  } catch (e) {
    if (e instanceof ExecError && /cluster unreachable|no configuration has been provided|connection refused|context .* (does not exist|not found)/i.test(e.stderr)) {
      throw new StepError(
        `no Kubernetes cluster is reachable${step.kubeContext ? ` with --kube-context ${step.kubeContext}` : ''} (helm: ${e.stderr.trim().split('\n').pop()}); start one (kind, minikube, Docker Desktop) or set KUBECONFIG / --kubeconfig; --dry-run renders the manifests without a cluster`,
      );
    }
    throw e;
  }
  return { release: step.release };
}

/** `helm template` of a deploy step: what --dry-run of deploy-all-local writes out. */
export async function renderManifests(ctx: HostContext, step: StepOf<'helm-deploy'>, outFile: string): Promise<string> {
  const { stdout } = await run(ctx, ctx.helm, helmTemplateArgs(step));
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, stdout);
  return stdout;
}

