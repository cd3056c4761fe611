import type { Component } from '../config/model.js';

/** Changed files that fall under one of a component's release-relevant paths. */
export function filesUnder(component: Component, changed: readonly string[]): string[] {
  return filesUnderSorted(component, [...changed].sort());
}

/**
 * The same for a list sorted once (per release commit) and shared by every
 * component released at that commit: each source path is a binary search for
 * its range, so 1,000 components × 50,000 changed files is never scanned as
 * a product.
 */
export function filesUnderSorted(component: Component, sorted: readonly string[]): string[] {
  const out = new Set<string>();
  for (const s of component.sources) {
    if (s === '.' || s === '') return [...sorted];
    const dir = s.endsWith('/') ? s : `${s}/`;
    // The path itself (a file source), then every path starting with "<source>/".
    const exact = lowerBound(sorted, s.endsWith('/') ? s.slice(0, -1) : s);
    if (sorted[exact] === s) out.add(s);
    for (let i = lowerBound(sorted, dir); i < sorted.length && sorted[i]!.startsWith(dir); i++) out.add(sorted[i]!);
  }
  return [...out].sort();
}

function lowerBound(sorted: readonly string[], value: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
