import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { readCacheFile, writeCacheFile } from '../cache-dir.js';
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
 * its payload (src/cache-dir.ts), so a damaged file is a miss, never a wrong
 * config. Reading or writing it never fails a command: a cache that cannot
 * be used only costs the parse it would have saved.
 */
export function fileConfigCache(dir: string, buildId: string): ValidatedConfigCache {
  const fileOf = (text: string) => join(dir, `${createHash('sha256').update(`${buildId}\0${process.version}\0`).update(text).digest('hex')}.v8`);
  return {
    get(text) {
      const payload = readCacheFile(fileOf(text));
      try {
        return payload && (deserialize(payload) as RawConfig);
      } catch {
        return undefined;
      }
    },
    set(text, config) {
      writeCacheFile(fileOf(text), serialize(config), KEEP);
    },
  };
}
