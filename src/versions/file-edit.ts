/** A change to one file, staged in memory: the writer (apply-edits.ts) owns the disk. */
export interface FileEdit {
  /** Relative to the monorepo root. */
  path: string;
  before: string;
  after: string;
}
