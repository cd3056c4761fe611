import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { composeBundle as bundleBytes } from '../../artifacts/compose-bundle.js';
import { sha256, sha256File, sha256sums } from '../../artifacts/checksums.js';
import type { StepOf } from '../../plan/types.js';
import type { StepOutputs } from '../executor.js';
import type { HostContext } from './context.js';

/** Writes the release's compose bundle under the output directory. */
export function composeBundle(ctx: HostContext, step: StepOf<'compose-bundle'>): StepOutputs['compose-bundle'] {
  const bytes = bundleBytes(step.files.map((path) => ({ path, data: readFileSync(join(ctx.root, path)) })));
  write(join(ctx.root, step.output), bytes);
  return { file: step.output, sha256: sha256(bytes) };
}

/** Writes SHA256SUMS of the release assets. */
export async function checksums(ctx: HostContext, step: StepOf<'checksums'>): Promise<StepOutputs['checksums']> {
  const entries = await Promise.all(step.files.map(async (file) => ({ file, sha256: await sha256File(join(ctx.root, file)) })));
  const text = sha256sums(entries);
  write(join(ctx.root, step.output), text);
  return { file: step.output, sha256: sha256(text) };
}

function write(path: string, data: Uint8Array | string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, data);
}
