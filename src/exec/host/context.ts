import type { Redactor } from '../redactor.js';
import type { ReleaseHostAccess } from '../../publish/preflight.js';

/** What every host step handler needs: where the monorepo is and how to reach registries and GitHub. */
export interface HostContext {
  root: string;
  redactor: Redactor;
  env: NodeJS.ProcessEnv;
  /** Credentials for the target registry (dev or release), when given explicitly or by environment. */
  registryAuth?: { username: string; password: string };
  /** Extra CA for the registry (helm needs it passed; docker reads /etc/docker/certs.d). */
  registryCa?: string;
  plainHttp?: boolean;
  helm: string;
  docker: string;
  /** Tokens for the GitHub and GitLab releases. */
  releaseHosts: ReleaseHostAccess;
  kubeconfig?: string;
  /** Image IDs this run built, by component: a push sends exactly that image, never whatever its tag names by then. */
  built?: Map<string, string>;
  /** Stream command output (--verbose). */
  onOutput?: (chunk: string) => void;
}
