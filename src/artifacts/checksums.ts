import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';

export function sha256(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * SHA256SUMS in the `sha256sum` format (`<hex>  <name>`, one per line, in the
 * plan's order), so users verify the release assets with `sha256sum -c`.
 */
export function sha256sums(entries: readonly { file: string; sha256: string }[]): string {
  return entries.map((e) => `${e.sha256}  ${basename(e.file)}`).join('\n') + '\n';
}
