import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { keepNewest } from '../cache-dir.js';
import type { RawConfig } from './schema.js';

/**
 * lanes.yaml as read and validated on an earlier run: the same bytes, read
 * by the same build of lanes, give the same value, so an unchanged lanes.yaml
 * is not parsed and validated again (~25 ms of `lanes status` on 200
 * components, Node 20). Only the YAML and the schema are skipped: the checks
 * that look at the disk (files exist, symlinks stay inside, charts) run on
 * every load. Only a lanes.yaml that passed the schema is ever kept.
 */
export interface ValidatedConfigCache {
  get(text: string): RawConfig | undefined;
  set(text: string, config: RawConfig): void;
}

let current: ValidatedConfigCache | undefined;

/**
 * Makes loadConfig use `cache` (the CLI does, when it runs from its bundle;
 * undefined: none). Process-wide, as the CLI runs one command per process.
 */
export function useValidatedConfigCache(cache: ValidatedConfigCache | undefined): void {
  current = cache;
}

/** The cache loadConfig uses, if any. */
export function validatedConfigCache(): ValidatedConfigCache | undefined {
  return current;
}

/** How many validated lanes.yaml files the directory keeps (edits, branches, several monorepos). */
const KEEP = 32;

/**
 * A ValidatedConfigCache in `dir`: one file per (build, Node, lanes.yaml
 * bytes), named by their SHA-256 — a build of lanes with another schema
 * never reads what this one validated. Each file starts with the SHA-256 of
 * its payload, so a damaged file is a miss, never a wrong config. Reading
 * or writing it never fails a command: a cache that cannot be used only
 * costs the parse it would have saved.
 */
export function fileConfigCache(dir: string, buildId: string): ValidatedConfigCache {
  const fileOf = (text: string) => join(dir, `${createHash('sha256').update(`${buildId}\0${process.version}\0`).update(text).digest('hex')}.v8`);
  return {
    get(text) {
      try {
        const file = fileOf(text);
        // Never a FIFO or a device, which would hang the read.
        if (!statSync(file).isFile()) return undefined;
        const stored = readFileSync(file);
        const payload = stored.subarray(32);
        if (!createHash('sha256').update(payload).digest().equals(stored.subarray(0, 32))) return undefined;
        return deserialize(payload) as RawConfig;
      } catch {
        return undefined;
      }
    },
    set(text, config) {
      try {
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        const payload = serialize(config);
        const file = fileOf(text);
        // Written aside and renamed: a concurrent run reads the old file or the new one, never half of one.
        const partial = `${file}.${process.pid}.partial`;
        writeFileSync(partial, Buffer.concat([createHash('sha256').update(payload).digest(), payload]), { mode: 0o600, flag: 'wx' });
        renameSync(partial, file);
        keepNewest(dir, KEEP, '.v8');
      } catch {
        // ignored: the cache is an optimisation
      }
    },
  };
}
