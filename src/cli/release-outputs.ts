import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ReleaseManifest } from '../artifacts/release-manifest.js';
import type { Redactor } from '../exec/redactor.js';

/**
 * A successful release's outputs for the CI job that ran it: artifacts.json
 * (schema: artifacts.schema.json) and the release notes as RELEASE_NOTES.md,
 * in the output directory. Returns the paths written, relative to the root.
 */
export function writeReleaseOutputs(root: string, outDir: string, manifest: ReleaseManifest, redactor: Redactor): string[] {
  mkdirSync(join(root, outDir), { recursive: true });
  const files: [string, string][] = [
    [join(outDir, 'artifacts.json'), `${JSON.stringify(manifest, null, 2)}\n`],
    [join(outDir, 'RELEASE_NOTES.md'), manifest.notes],
  ];
  for (const [path, text] of files) writeFileSync(join(root, path), redactor.redact(text));
  return files.map(([path]) => path);
}
