import type { Selection } from './select.js';

/** Options every planner takes. */
export interface PlanOptions extends Selection {
  /** Extra build args for every image (e.g. BASE_IMAGE=…), over lanes.yaml's. */
  buildArgs?: Record<string, string>;
  /** Fallback `created` label outside git (ISO 8601). */
  now?: string;
  /** Where packaged charts and release artifacts go, relative to the root. */
  outDir?: string;
  strict?: boolean;
  /**
   * What will carry the plan out: 'host' (the CLI: docker, helm, compose on
   * this machine; the default) or 'dagger' (the Dagger module). Only what an
   * executor cannot do depends on it (several platforms in one image: Dagger only).
   */
  executor?: Executor;
}

export type Executor = 'host' | 'dagger';

export const DEFAULT_OUT_DIR = '.lanes/out';
