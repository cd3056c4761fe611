import type { Finding } from '../guardrails/finding.js';

export type Lane = 'local' | 'deploy-local' | 'compose-up-local' | 'compose-down-local' | 'dev' | 'release';

/**
 * A plan: everything a lane will do, decided before anything runs. Plain
 * JSON (see plan.schema.json); the host CLI and the Dagger module both carry
 * out exactly these steps, in dependency order.
 */
export interface Plan {
  schemaVersion: 1;
  lane: Lane;
  project: string;
  /** Full SHA the lane works from; undefined outside git. */
  commit?: string;
  tag?: string;
  components: PlannedComponent[];
  /** Components left out, each with why. */
  skipped: { component: string; reason: string }[];
  steps: Step[];
  findings: Finding[];
}

export interface PlannedComponent {
  name: string;
  version?: string;
  images: string[];
  chart?: { name: string; version: string; ref?: string };
}

interface StepBase {
  /** Unique within the plan, e.g. `build:dsx-connect`. */
  id: string;
  /** Steps that must succeed first. */
  needs: string[];
  component?: string;
  /** When set, the executor records the step as skipped with this reason and runs nothing. */
  skip?: string;
}

export type Step = StepBase &
  (
    | {
        kind: 'build-image';
        context: string;
        dockerfile: string;
        target?: string;
        buildArgs: Record<string, string>;
        labels: Record<string, string>;
        /** Every tag the built image gets; the first is the one later steps use. */
        tags: string[];
        platforms: string[];
      }
    | { kind: 'push-image'; ref: string }
    | { kind: 'package-chart'; chartPath: string; version: string; appVersion: string; annotations: Record<string, string>; output: string }
    | { kind: 'push-chart'; package: string; repository: string; ref: string }
    | { kind: 'helm-dependency-build'; chartPath: string }
    | { kind: 'helm-lint'; chartPath: string; set: Record<string, string> }
    | { kind: 'helm-deploy'; release: string; chartPath: string; namespace?: string; set: Record<string, string>; kubeContext?: string }
    | { kind: 'ensure-network'; network: string }
    | { kind: 'compose-up'; project: string; files: string[]; env: Record<string, string>; envFile?: string }
    | { kind: 'compose-down'; project: string; files: string[]; env: Record<string, string>; envFile?: string }
    | { kind: 'compose-bundle'; files: string[]; output: string }
    | { kind: 'checksums'; files: string[]; output: string }
    | { kind: 'push-tags'; tags: { name: string; commit: string }[]; remote: string }
    | {
        kind: 'github-release';
        repository: string;
        tag: string;
        name: string;
        notes: string;
        prerelease: boolean;
        assets: string[];
      }
  );

export type StepKind = Step['kind'];
