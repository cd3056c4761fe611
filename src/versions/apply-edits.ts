import { renameSync, rmSync, writeFileSync, statSync, chmodSync, accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { VersionFileError } from '../errors.js';
import type { FileEdit } from './file-edit.js';

/**
 * Writes every edit or none. New contents are staged beside their targets
 * first (same directory, so the rename is atomic); only when every file is
 * staged are they renamed into place. If a rename fails half-way, the files
 * already replaced get their old content back.
 */
export function applyEdits(root: string, edits: readonly FileEdit[]): void {
  const staged: { target: string; temp: string; edit: FileEdit }[] = [];
  const suffix = `.lanes-${process.pid}-${Date.now()}.tmp`;
  try {
    for (const edit of edits) {
      const target = join(root, edit.path);
      try {
        accessSync(target, constants.W_OK);
        // root may write anything; a file with no write bit was still made read-only on purpose.
        if ((statSync(target).mode & 0o222) === 0) throw new Error('read-only');
      } catch {
        throw new VersionFileError('E_VERSION_FILE_READONLY', edit.path, 'is not writable; make it writable (chmod u+w) and run bump again. No file was changed.');
      }
      const temp = target + suffix;
      writeFileSync(temp, edit.after);
      chmodSync(temp, statSync(target).mode);
      staged.push({ target, temp, edit });
    }
  } catch (e) {
    for (const s of staged) rmSync(s.temp, { force: true });
    if (e instanceof VersionFileError) throw e;
    throw new VersionFileError('E_VERSION_FILE_WRITE', staged.at(-1)?.edit.path ?? edits[0]?.path ?? '?', `cannot stage the new content (${(e as Error).message}). No file was changed.`);
  }
  const done: typeof staged = [];
  try {
    for (const s of staged) {
      renameSync(s.temp, s.target);
      done.push(s);
    }
  } catch (e) {
    for (const s of done) writeFileSync(s.target, s.edit.before);
    for (const s of staged) rmSync(s.temp, { force: true });
    throw new VersionFileError('E_VERSION_FILE_WRITE', '?', `writing failed (${(e as Error).message}); every file was restored to its previous content.`);
  }
}
