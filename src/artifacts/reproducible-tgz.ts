import { gunzipSync, gzipSync } from 'node:zlib';

/**
 * A .tgz made reproducible: every tar entry's modification time set to 0 and
 * its checksum recomputed, then gzipped again without a timestamp. `helm
 * package` stamps the time of packaging into each entry, so the same commit
 * would give a different chart every run — and a rerun could neither verify
 * what an earlier run published nor produce SHA256SUMS that match it.
 *
 * Gzip level 0 (stored blocks) on purpose: compressed output may change with
 * the zlib build (Node 20 on a laptop, Node 24 in the Dagger runtime), stored
 * blocks do not. Charts are a few kilobytes.
 */
export function reproducibleTgz(tgz: Uint8Array): Buffer {
  const tar = Buffer.from(gunzipSync(tgz));
  for (let offset = 0; offset + 512 <= tar.length; ) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    header.write('00000000000\0', 136, 12, 'ascii');
    header.fill(0x20, 148, 156);
    const sum = header.reduce((a, b) => a + b, 0);
    header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
    const size = parseInt(header.subarray(124, 136).toString('ascii').replace(/\0.*$/, '').trim() || '0', 8);
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return gzipSync(tar, { level: 0 });
}
