import { LanesError } from '../errors.js';
import { mapConcurrent } from './concurrency.js';
import { RegistryClient, type RegistryClientOptions } from './oci-client.js';

/** What the registry says about one reference. */
export interface PublishedFact {
  ref: string;
  exists: boolean;
  digest?: string;
  /** org.opencontainers.image.revision of what is there (image label or chart annotation), when asked for. */
  revision?: string;
  /** The build-inputs digest (BUILD_INPUTS_KEY) of what is there, asked for with the revision; absent when it carries none. */
  buildInputs?: string;
  /** Set when the registry could not be asked; the other fields are then meaningless. */
  error?: { code: string; message: string };
}

export const REVISION_KEY = 'org.opencontainers.image.revision';
/**
 * Image label and chart annotation holding the digest of an artifact's build
 * inputs (plan/image-labels.ts buildInputsDigest): two artifacts of one commit
 * are the same release only if this matches too.
 */
export const BUILD_INPUTS_KEY = 'lanes.build-inputs';

/**
 * Looks up many references at once, `concurrency` at a time, over one shared
 * client. A failure is recorded per reference, so one unreachable registry
 * becomes a finding instead of hiding every other answer.
 */
export async function lookUpPublished(
  client: RegistryClient,
  refs: readonly { ref: string; withRevision?: boolean }[],
  concurrency = 16,
): Promise<Map<string, PublishedFact>> {
  const facts = await mapConcurrent(refs, concurrency, async ({ ref, withRevision }): Promise<PublishedFact> => {
    try {
      const m = await client.manifest(ref);
      if (!m.exists || !withRevision) return { ref, ...m };
      const config = await client.config(ref);
      const labels = (config?.config as { Labels?: Record<string, string> } | undefined)?.Labels;
      const annotations = config?.annotations as Record<string, string> | undefined;
      const buildInputs = labels?.[BUILD_INPUTS_KEY] ?? annotations?.[BUILD_INPUTS_KEY];
      return { ref, ...m, revision: labels?.[REVISION_KEY] ?? annotations?.[REVISION_KEY], ...(buildInputs ? { buildInputs } : {}) };
    } catch (e) {
      if (e instanceof LanesError) return { ref, exists: false, error: { code: e.code, message: e.message } };
      throw e;
    }
  });
  return new Map(facts.map((f) => [f.ref, f]));
}

/** lookUpPublished over a client made for this one batch, closed afterwards. */
export async function lookUpWithNewClient(
  opts: RegistryClientOptions | undefined,
  refs: readonly { ref: string; withRevision?: boolean }[],
  concurrency = 16,
): Promise<Map<string, PublishedFact>> {
  if (refs.length === 0) return new Map();
  const client = new RegistryClient(opts);
  try {
    return await lookUpPublished(client, refs, concurrency);
  } finally {
    await client.close();
  }
}
