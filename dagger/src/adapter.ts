import { dag, type File, type Secret, type Socket } from '@dagger.io/dagger';
import { DOCKER_CLI_IMAGE } from './images.js';
import {
  IMAGE_LIST_ARGS,
  LanesError,
  parseImageList,
  parseBuildArgs,
  parseNames,
  positiveInt,
  renderLaneReport,
  runLaneCommand,
  type Lane,
  type RunOptions,
} from '../core/lanes-core.js';
import { commandContext, type SourceArgs } from './context.js';
import { daggerExecutor } from './executor.js';

/**
 * Runs a command body and turns a lanes error into the failure `dagger call`
 * shows: `error[CODE]: message`, the same first line as the CLI's.
 */
export async function reported<T>(body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (e) {
    if (e instanceof LanesError) throw new Error(`error[${e.code}]: ${e.message}`);
    throw e;
  }
}

/** The lane options of a function's arguments, parsed by the same rules as the CLI's flags. */
export function laneOptions(args: { only?: string[]; skip?: string[]; buildArg?: string[]; jobs?: number } & Omit<RunOptions, 'only' | 'skip' | 'buildArgs' | 'jobs'>): RunOptions {
  const { only, skip, buildArg, jobs, ...rest } = args;
  return {
    ...rest,
    // The module builds every platform of an image (the host CLI cannot): see E_MULTI_PLATFORM_HOST.
    executor: 'dagger',
    only: only?.length ? parseNames('--only', only) : undefined,
    skip: skip?.length ? parseNames('--skip', skip) : undefined,
    buildArgs: parseBuildArgs(buildArg),
    ...(jobs !== undefined ? { jobs: positiveInt('--jobs', jobs) } : {}),
  };
}

/** The Secrets, Sockets and Files a lane may need besides the source. */
export interface ReachArgs {
  registryCa?: File;
  dockerSocket?: Socket;
  kubeconfig?: Secret;
}

/**
 * A lane as a Dagger function: the shared run-lane command with the Dagger
 * executor. Returns the report the CLI would print; a failed or blocked lane
 * fails the call with that report, as the CLI exits 1.
 */
export function runLane(lane: Lane, source: SourceArgs, reach: ReachArgs, opts: RunOptions, json: boolean): Promise<string> {
  return reported(async () => {
    const ctx = await commandContext({ ...source, registryCa: reach.registryCa });
    // compose-up-local's preflight asks your Docker which images it has, through the same socket compose will use.
    if (reach.dockerSocket) ctx.localImages = () => localImages(reach.dockerSocket!);
    const report = await runLaneCommand(ctx, lane, opts, () =>
      daggerExecutor({
        source: source.source,
        path: source.path,
        root: ctx.root,
        lane,
        redactor: ctx.redactor,
        registryUsername: source.registryUsername,
        registryPassword: source.registryPassword,
        registryCa: reach.registryCa,
        dockerSocket: reach.dockerSocket,
        kubeconfig: reach.kubeconfig,
        gitAuth: ctx.gitAuth,
        releaseHosts: ctx.releaseHosts ?? {},
      }),
    );
    const text = ctx.redactor.redact(renderLaneReport(report, json));
    if (!report.ok) throw new Error(report.blocked ? `${text}\n\n${lane}: stopped before doing anything: fix the errors above` : text);
    return text;
  });
}

/** `repository:tag` of every image in the caller's Docker, listed through its socket. */
async function localImages(socket: Socket): Promise<Set<string>> {
  const listed = await dag
    .container()
    .from(DOCKER_CLI_IMAGE)
    .withUnixSocket('/var/run/docker.sock', socket)
    .withExec(['docker', ...IMAGE_LIST_ARGS])
    .stdout();
  return parseImageList(listed);
}
