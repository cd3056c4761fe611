import type { Component } from '../config/model.js';

/** Changed files that fall under one of a component's release-relevant paths. */
export function filesUnder(component: Component, changed: readonly string[]): string[] {
  return changed.filter((file) => component.sources.some((s) => file === s || file.startsWith(s.endsWith('/') ? s : `${s}/`)));
}
