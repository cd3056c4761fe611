import { renameSync, rmSync, writeFileSync, statSync, chmodSync, accessSync, constants, realpathSync } from 'node:fs';
import { join, relative } from 'node:path';
import { UsageError, VersionFileError } from '../errors.js';
import type { FileEdit } from './file-edit.js';
import { NotATextFileError, readRegularFile, realPathInside } from '../workspace/repo-files.js';

/** An edit with the file it really writes: a symlinked version file is written through, and stays a symlink. */
interface Target {
  edit: FileEdit;
  /** Absolute real path. */
  real: string;
}

/**
 * Writes every edit or none. New contents are staged beside their real
 * targets first (same directory, so the rename is atomic); only when every
 * file is staged are they renamed into place. If a rename fails half-way, the
 * files already replaced get their old content back.
 *
 * A symlinked version file is written through to its target (which must be
 * inside the monorepo), so the link stays a link. Two edits of one real file
 * (two components sharing a VERSION file) are written once when they agree,
 * and refused when they do not. A file that changed, vanished or became
 * unwritable since it was read stops the whole bump before anything is
 * written; those are failures of the moment, exit 1.
 */
export function applyEdits(root: string, edits: readonly FileEdit[]): void {
  const targets = resolveTargets(root, edits);
  const staged: { target: string; temp: string; edit: FileEdit }[] = [];
  const suffix = `.lanes-${process.pid}-${Date.now()}.tmp`;
  try {
    for (const { edit, real } of targets) {
      checkStillAsRead(edit, real);
      const temp = real + suffix;
      try {
        writeFileSync(temp, edit.after, { flag: 'wx' });
        chmodSync(temp, statSync(real).mode);
      } catch (e) {
        rmSync(temp, { force: true });
        throw new VersionFileError('E_VERSION_FILE_WRITE', edit.path, `cannot stage the new content beside it (${errno(e)}): check that its directory is writable and the disk has space. No file was changed.`);
      }
      staged.push({ target: real, temp, edit });
    }
  } catch (e) {
    for (const s of staged) rmSync(s.temp, { force: true });
    throw e;
  }
  const done: typeof staged = [];
  let current: FileEdit | undefined;
  try {
    for (const s of staged) {
      current = s.edit;
      renameSync(s.temp, s.target);
      done.push(s);
    }
  } catch (e) {
    for (const s of done) writeFileSync(s.target, s.edit.before);
    for (const s of staged) rmSync(s.temp, { force: true });
    throw new VersionFileError('E_VERSION_FILE_WRITE', current?.path ?? '?', `writing failed (${errno(e)}); every file was restored to its previous content.`);
  }
}

function errno(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? (e as Error).message;
}

/** The real file of every edit, one edit per real file. */
function resolveTargets(root: string, edits: readonly FileEdit[]): Target[] {
  const byReal = new Map<string, Target>();
  for (const edit of edits) {
    let inside: string | undefined;
    let real: string;
    try {
      inside = realPathInside(root, edit.path);
      real = realpathSync(join(root, edit.path));
    } catch (e) {
      throw missingOr(edit, e);
    }
    if (inside === undefined) {
      throw new VersionFileError('E_VERSION_FILE_WRITE', edit.path, `is a symlink to ${relative(root, real)}, outside the monorepo; bump writes only inside it. No file was changed.`);
    }
    const prior = byReal.get(real);
    if (!prior) byReal.set(real, { edit, real });
    else if (prior.edit.after !== edit.after) {
      throw new UsageError(`${edit.path}${edit.path === prior.edit.path ? '' : ` (the same file as ${prior.edit.path})`} is a version file of more than one of the components being bumped, and they would write it differently; bump them one at a time. No file was changed.`);
    }
  }
  return [...byReal.values()];
}

function missingOr(edit: FileEdit, e: unknown): VersionFileError {
  const code = errno(e);
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    return new VersionFileError('E_VERSION_FILE_MISSING', edit.path, 'no longer exists (it was removed or renamed after bump read it); restore it and run bump again. No file was changed.');
  }
  return new VersionFileError('E_VERSION_FILE_READ', edit.path, `cannot be read again before writing (${code}). No file was changed.`);
}

/** The file is still a writable regular file holding what bump read; otherwise nothing is written. */
function checkStillAsRead(edit: FileEdit, real: string): void {
  let now: string;
  try {
    now = readRegularFile(real);
  } catch (e) {
    if (e instanceof NotATextFileError) throw new VersionFileError('E_VERSION_FILE_CHANGED', edit.path, `${e.reason} now; bump writes only regular files. No file was changed.`);
    const code = errno(e);
    if (code === 'EACCES' || code === 'EPERM') throw readOnly(edit);
    throw missingOr(edit, e);
  }
  if (now !== edit.before) {
    throw new VersionFileError('E_VERSION_FILE_CHANGED', edit.path, 'changed while bump was running (another process wrote it); nothing was written: run bump again.');
  }
  try {
    accessSync(real, constants.W_OK);
    // root may write anything; a file with no write bit was still made read-only on purpose.
    if ((statSync(real).mode & 0o222) === 0) throw Object.assign(new Error('read-only'), { code: 'EACCES' });
  } catch (e) {
    const code = errno(e);
    if (code === 'ENOENT') throw missingOr(edit, e);
    if (code === 'EROFS') throw new VersionFileError('E_VERSION_FILE_READONLY', edit.path, 'is on a read-only file system; bump where the monorepo can be written. No file was changed.');
    throw readOnly(edit);
  }
}

function readOnly(edit: FileEdit): VersionFileError {
  return new VersionFileError('E_VERSION_FILE_READONLY', edit.path, 'is not writable; make it writable (chmod u+w) and run bump again. No file was changed.');
}
