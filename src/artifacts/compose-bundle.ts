import { gzipSync } from 'node:zlib';
import { StepError } from '../errors.js';

/**
 * The release's compose bundle: a reproducible tar.gz of the compose files
 * (ustar, sorted, fixed mtime/owner/mode, stored gzip without a timestamp). The same
 * files give the same bytes on any machine and in either executor, so its
 * checksum can be checked by anyone who rebuilds it from the tagged commit.
 */
export function composeBundle(files: readonly { path: string; data: Uint8Array }[]): Buffer {
  const blocks: Buffer[] = [];
  const unique = new Map(files.map((f) => [f.path, f.data]));
  for (const path of [...unique.keys()].sort()) {
    const data = Buffer.from(unique.get(path)!);
    blocks.push(tarHeader(path, data.length), data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  // Stored blocks: compressed bytes may change with the zlib build, these do not (see reproducible-tgz.ts).
  return gzipSync(Buffer.concat(blocks), { level: 0 });
}

function tarHeader(name: string, size: number): Buffer {
  if (Buffer.byteLength(name) > 100) throw new StepError(`compose file path too long for the release bundle (ustar allows 100 bytes): ${name}`);
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
