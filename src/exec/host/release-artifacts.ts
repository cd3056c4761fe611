import { createHash } from 'node:crypto';
import { createReadStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { StepOf } from '../../plan/types.js';
import type { HostContext } from './context.js';

/**
 * A reproducible tar.gz of the compose files (ustar, fixed mtime and owner,
 * gzip without a timestamp): the same commit always gives the same bytes,
 * so its checksum can be checked by anyone who rebuilds it.
 */
export function composeBundle(ctx: HostContext, step: StepOf<'compose-bundle'>): Record<string, string> {
  const blocks: Buffer[] = [];
  for (const file of [...step.files].sort()) {
    const data = readFileSync(join(ctx.root, file));
    blocks.push(tarHeader(file, data.length), data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  const out = join(ctx.root, step.output);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, gzipSync(Buffer.concat(blocks), { level: 9 }));
  return { file: step.output };
}

function tarHeader(name: string, size: number): Buffer {
  if (Buffer.byteLength(name) > 100) throw new Error(`compose file path too long for the bundle: ${name}`);
  const h = Buffer.alloc(512);
  const put = (s: string, offset: number, len: number) => h.write(s, offset, len, 'utf8');
  const octal = (n: number, len: number) => n.toString(8).padStart(len - 1, '0') + '\0';
  put(name, 0, 100);
  put(octal(0o644, 8), 100, 8);
  put(octal(0, 8), 108, 8);
  put(octal(0, 8), 116, 8);
  put(octal(size, 12), 124, 12);
  put(octal(0, 12), 136, 12);
  put('        ', 148, 8);
  put('0', 156, 1);
  put('ustar\0', 257, 6);
  put('00', 263, 2);
  const sum = h.reduce((a, b) => a + b, 0);
  put(octal(sum, 7) + ' ', 148, 8);
  return h;
}

/** SHA256SUMS in the `sha256sum` format, so users verify with `sha256sum -c`. */
export async function checksums(ctx: HostContext, step: StepOf<'checksums'>): Promise<Record<string, string>> {
  const lines: string[] = [];
  for (const file of step.files) {
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(join(ctx.root, file))) hash.update(chunk as Buffer);
    lines.push(`${hash.digest('hex')}  ${basename(file)}`);
  }
  const out = join(ctx.root, step.output);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, lines.join('\n') + '\n');
  return { file: step.output };
}
