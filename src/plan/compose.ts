import { posix } from 'node:path';
import { UsageError } from '../errors.js';
import { laneGuardrails } from '../guardrails/lane-guardrails.js';
import { workspaceFindings } from '../guardrails/workspace-findings.js';
import type { Component } from '../config/model.js';
import type { Workspace } from '../workspace/workspace.js';
import type { PlanOptions } from './options.js';
import { selectComponents } from './select.js';
import type { Plan } from './types.js';

export interface ComposeOptions extends PlanOptions {
  /** Optional compose files to include, by their flag (include-dsxa). */
  include?: string[];
  envFile?: string;
}

/**
 * The compose files of one local stack, layered as one project: the core
 * first, then the selected connectors, then the optional files asked for.
 * Each component's image variable points at its local `:latest` build.
 */
function composeStack(ws: Workspace, opts: ComposeOptions) {
  const selected = selectComponents(ws.config, opts);
  const flags = new Set(ws.config.components.map((c) => c.compose?.flag).filter(Boolean));
  for (const f of opts.include ?? []) {
    if (!flags.has(f)) throw new UsageError(`--${f}: no optional compose file has flag "${f}" in ${ws.config.file}; known: ${[...flags].join(', ') || 'none'}`);
  }
  const order = { core: 0, connector: 1, optional: 2 } as const;
  const layered = selected
    .filter((c): c is Component & { compose: NonNullable<Component['compose']> } => !!c.compose)
    .filter((c) => c.compose.role !== 'optional' || (opts.include ?? []).includes(c.compose.flag!))
    .sort((a, b) => order[a.compose.role] - order[b.compose.role] || a.index - b.index);
  const env: Record<string, string> = {};
  for (const c of layered) {
    if (c.compose.imageVar && c.image) env[c.compose.imageVar] = `${c.image.name}:latest`;
    if (c.compose.imageVar && c.external) env[c.compose.imageVar] = c.external.image;
  }
  const envFile = opts.envFile ?? ws.config.compose.envFile;
  return { selected, layered, env, envFile, files: uniqueComposeFiles(layered) };
}

/**
 * The compose files of these components, each once, in the order of its first
 * use: two components may share one file (a file defining both services), and
 * compose given `-f x -f x` merges the file with itself, and a bundle would hold it twice.
 */
export function uniqueComposeFiles(components: readonly Component[]): string[] {
  return [...new Set(components.flatMap((c) => (c.compose ? [posix.normalize(c.compose.file)] : [])))];
}

/** compose-up-local: the shared network, then `compose up -d` of the layered files. */
export function planComposeUp(ws: Workspace, opts: ComposeOptions = {}): Plan {
  const { selected, layered, env, envFile, files } = composeStack(ws, opts);
  const plan: Plan = { schemaVersion: 1, lane: 'compose-up-local', project: ws.config.project, commit: ws.repo.head, components: [], skipped: [], steps: [], findings: [] };
  plan.components = layered.map((c) => ({ name: c.name, version: ws.versions.get(c.name)?.version, images: env[c.compose.imageVar ?? ''] ? [env[c.compose.imageVar!]!] : [] }));
  plan.skipped = selected.filter((c) => !layered.includes(c as never)).map((c) => ({ component: c.name, reason: c.compose ? `optional: pass --${c.compose.flag} to include it` : 'no compose file' }));
  const network = ws.config.compose.network;
  if (network) plan.steps.push({ id: 'ensure-network', needs: [], kind: 'ensure-network', network });
  plan.steps.push({ id: 'compose-up', needs: network ? ['ensure-network'] : [], kind: 'compose-up', project: ws.config.compose.project, files, env, ...(envFile ? { envFile } : {}) });
  plan.findings = [...workspaceFindings(ws, selected), ...laneGuardrails(ws, plan, opts)];
  return plan;
}

/** compose-down-local: `compose down` of exactly the project compose-up-local started. */
export function planComposeDown(ws: Workspace, opts: ComposeOptions = {}): Plan {
  // Every optional file is layered so that services started with --include-* are removed too.
  const all = ws.config.components.map((c) => c.compose?.flag).filter((f): f is string => !!f);
  const { layered, env, envFile, files } = composeStack(ws, { ...opts, include: all });
  return {
    schemaVersion: 1,
    lane: 'compose-down-local',
    project: ws.config.project,
    commit: ws.repo.head,
    components: layered.map((c) => ({ name: c.name, images: [] })),
    skipped: [],
    steps: [{ id: 'compose-down', needs: [], kind: 'compose-down', project: ws.config.compose.project, files, env, ...(envFile ? { envFile } : {}) }],
    findings: [],
  };
}
