import { describe, expect, it } from 'vitest';
import { factRequest } from '../../src/plan/fact-request.js';
import type { LaneFacts } from '../../src/plan/lane-facts.js';
import { planLane } from '../../src/plan/plan-lane.js';
import type { Lane } from '../../src/plan/types.js';
import type { Workspace } from '../../src/workspace/workspace.js';
import { component, HEAD, pureWorkspace } from '../helpers/pure-workspace.js';

function workspace(): Workspace {
  const versions = { core: '1.5.0', conn: '0.2.0', ui: '2.0.0' };
  return pureWorkspace(Object.keys(versions).map((name, i) => component(name, i)), { release: { tag: 'v{version}', versionOf: 'core', componentTag: '{component}-v{version}', github: 'o/demo' } }, versions);
}

/** Facts of every shape a registry and a remote can give: nothing there, all there (this commit or another), some there. */
function factVariants(refs: string[]): LaneFacts[] {
  const base = { ci: true, remote: 'origin', notes: '' };
  const published = (pick: (i: number) => boolean, revision?: string) => new Map(refs.filter((_, i) => pick(i)).map((ref) => [ref, { ref, exists: true, ...(revision ? { revision } : {}) }]));
  return [
    { ...base, remoteTags: new Map(), published: new Map() },
    { ...base, remoteTags: new Map(), published: published(() => true, HEAD) },
    { ...base, remoteTags: new Map(), published: published(() => true, 'b'.repeat(40)) },
    { ...base, remoteTags: new Map([['conn-v0.2.0', 'c'.repeat(40)]]), published: published((i) => i % 2 === 0) },
  ];
}

describe('factRequest', () => {
  it('compose-up-local reads the compose files and asks which images are local', () => {
    expect(factRequest(workspace(), 'compose-up-local', {}).compose).toEqual({ files: [], localImages: true });
  });

  for (const lane of ['dev', 'release'] as Lane[]) {
    it(`${lane}: asks about every reference the final plan can push, whatever the facts turn out to be`, () => {
      const ws = workspace();
      const opts = { tag: 'v1.5.0' };
      const asked = new Set(factRequest(ws, lane, opts).refs.map((r) => r.ref));
      expect(asked.size).toBeGreaterThan(0);
      for (const facts of factVariants([...asked])) {
        const pushed = planLane(ws, lane, opts, facts).steps.flatMap((s) => (s.kind === 'push-image' || s.kind === 'push-chart' ? [s.ref] : []));
        expect(pushed.filter((ref) => !asked.has(ref))).toEqual([]);
      }
    });
  }

  it('release: reads the revision of what is there (to recognise a rerun of this commit), asks the remote about the tags, and wants notes', () => {
    const request = factRequest(workspace(), 'release', { tag: 'v1.5.0' });
    expect(request.refs.every((r) => r.withRevision)).toBe(true);
    expect(request.remoteTags).toContain('v1.5.0');
    expect(request.notesFor).toBe('v1.5.0');
  });

  it('local lanes need nothing from outside', () => {
    for (const lane of ['local', 'deploy-local', 'compose-down-local'] as Lane[]) {
      expect(factRequest(workspace(), lane, {})).toEqual({ refs: [], remoteTags: [], ci: false });
    }
  });
});
