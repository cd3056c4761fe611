import type { GitRunner } from '../git/run-git.js';
import type { Redactor } from '../exec/redactor.js';
import type { RegistryClientOptions } from '../registry/oci-client.js';
import type { ReleaseHostAccess } from '../publish/preflight.js';

/**
 * What every command is given by its adapter (the CLI or the Dagger module):
 * where the monorepo is and how to reach the outside world. Commands read
 * nothing else — no process.env, no global git switch.
 */
export interface CommandContext {
  /** The directory holding lanes.yaml. */
  root: string;
  /** How git runs: the host's binary (CLI) or a container on the source Directory (Dagger). */
  git: GitRunner;
  /** The environment the lane sees: CI detection, credentials from LANES_REGISTRY_*. */
  env: NodeJS.ProcessEnv;
  /** How to reach registries for "already published" look-ups. */
  registry: RegistryClientOptions;
  /** Every secret the adapter knows, hidden from all output. */
  redactor: Redactor;
  /** Tokens for GitHub and GitLab releases: asked before a release, used by its last steps. */
  releaseHosts?: ReleaseHostAccess;
  /** Lists the images in the local store (`repository:tag`), for compose-up-local's preflight; absent when the adapter cannot. */
  localImages?: () => Promise<Set<string>>;
}
