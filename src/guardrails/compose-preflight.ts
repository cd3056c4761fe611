import { posix } from 'node:path';
import type { Component, LanesConfig } from '../config/model.js';
import type { Plan } from '../plan/types.js';
import type { Finding } from './finding.js';

/** A compose file as read before compose-up-local: its parsed YAML, or why it could not be read. */
export interface ComposeFileFact {
  doc?: unknown;
  error?: string;
}

/** What compose-up-local checks before anything starts. */
export interface ComposeFacts {
  files: ReadonlyMap<string, ComposeFileFact>;
  /** `repository:tag` of every image in the local store; undefined when the executor cannot look. */
  localImages?: ReadonlySet<string>;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The external networks a compose file declares, by the name Docker knows them by. */
function externalNetworks(doc: unknown): string[] {
  const networks = isRecord(doc) && isRecord(doc.networks) ? doc.networks : {};
  return Object.entries(networks).flatMap(([key, value]) => (isRecord(value) && value.external ? [typeof value.name === 'string' ? value.name : key] : []));
}

/** Every service's `image:` of a compose file. */
function serviceImages(doc: unknown): string[] {
  const services = isRecord(doc) && isRecord(doc.services) ? doc.services : {};
  return Object.values(services).flatMap((s) => (isRecord(s) && typeof s.image === 'string' ? [s.image] : []));
}

/**
 * compose-up-local's preflight, before the network or any container is
 * touched: the compose files' shared network is lanes.yaml's, every image
 * variable lanes sets is used by a service (a misspelt one leaves compose on
 * the file's default image, pulled from a registry), and every image lanes
 * points compose at is in the local store (compose would otherwise pull a
 * local name such as `ux-api:latest` from Docker Hub: a stranger's image).
 */
export function composePreflight(config: LanesConfig, plan: Plan, facts: ComposeFacts): Finding[] {
  const findings: Finding[] = [];
  const up = plan.steps.find((s) => s.kind === 'compose-up');
  if (!up || up.kind !== 'compose-up') return findings;
  const network = config.compose.network;
  for (const file of up.files) {
    const fact = facts.files.get(file);
    if (fact?.error) {
      findings.push({ code: 'E_COMPOSE_FILE', severity: 'error', message: `${file}: ${fact.error}; compose could not start it either` });
      continue;
    }
    const declared = externalNetworks(fact?.doc);
    const other = declared.filter((n) => n !== network);
    if (network && other.length) {
      findings.push({ code: 'E_COMPOSE_NETWORK', severity: 'error', message: `${file} joins the external network ${other.join(', ')}, but ${config.file} compose.network is ${network}: lanes creates ${network}, so the stack would not start (or not reach the others); use one name in both` });
    }
  }
  // Facts are keyed by the normalised path, as the compose step lists the files.
  const factOf = (c: Component) => facts.files.get(posix.normalize(c.compose!.file));
  for (const c of config.components) {
    const variable = c.compose?.imageVar;
    if (!variable || !(variable in up.env)) continue;
    const images = serviceImages(factOf(c)?.doc);
    const used = images.some((image) => new RegExp(`\\$\\{?${variable}(?![A-Za-z0-9_])`).test(image));
    if (!used && factOf(c)?.doc) {
      findings.push({ code: 'E_COMPOSE_IMAGE_VAR', severity: 'error', component: c.name, message: `${c.name}: compose.imageVar ${variable} (${config.file} components[${c.index}].compose.imageVar) is used by no service image in ${c.compose!.file} (${images.join(', ') || 'no image:'}); compose would run the file's default image instead of the local build: fix the name` });
    }
  }
  if (facts.localImages) {
    for (const c of config.components) {
      const variable = c.compose?.imageVar;
      const image = c.image && variable ? up.env[variable] : undefined;
      if (!image || facts.localImages.has(image)) continue;
      findings.push({ code: 'E_LOCAL_IMAGE_MISSING', severity: 'error', component: c.name, message: `${c.name}: ${image} is not in the local image store; run lanes build-all-local first (compose would try to pull ${image} from a registry: someone else's image, or none)` });
    }
  }
  return findings;
}
