import { UsageError } from '../errors.js';
import type { Component, LanesConfig } from '../config/model.js';

export interface Selection {
  only?: string[];
  skip?: string[];
}

/** The components a lane works on, after --only and --skip; unknown names are a usage error. */
export function selectComponents(config: LanesConfig, sel: Selection): Component[] {
  const names = new Set(config.components.map((c) => c.name));
  for (const [flag, list] of [['--only', sel.only], ['--skip', sel.skip]] as const) {
    const unknown = (list ?? []).filter((n) => !names.has(n));
    if (unknown.length) throw new UsageError(`${flag}: no component named ${unknown.map((n) => `"${n}"`).join(', ')} in ${config.file}; known: ${[...names].join(', ')}`);
  }
  return config.components.filter((c) => (!sel.only?.length || sel.only.includes(c.name)) && !sel.skip?.includes(c.name));
}
