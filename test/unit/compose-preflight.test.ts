import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { composePreflight, type ComposeFacts } from '../../src/guardrails/compose-preflight.js';
import type { Component, LanesConfig } from '../../src/config/model.js';
import type { Plan } from '../../src/plan/types.js';

const core: Component = {
  name: 'core',
  index: 0,
  path: 'core',
  sources: ['core'],
  versionFiles: [],
  image: { name: 'ux-api', dockerfile: 'core/Dockerfile', context: 'core', buildArgs: {}, platforms: [] },
  compose: { file: 'core/compose.yaml', role: 'core', imageVar: 'CORE_IMAGE' },
};
const config = { root: '/r', file: 'lanes.yaml', project: 'p', registries: {}, release: { tag: 'v{version}', componentTag: '{component}-v{version}' }, compose: { network: 'shared-net', project: 'p' }, components: [core] } as LanesConfig;
const plan = { steps: [{ id: 'compose-up', needs: [], kind: 'compose-up', project: 'p', files: ['core/compose.yaml'], env: { CORE_IMAGE: 'ux-api:latest' } }] } as unknown as Plan;

const composeFile = (image: string, network = 'shared-net') => parse(`services:\n  api:\n    image: ${image}\n    networks: [${network}]\nnetworks:\n  ${network}:\n    external: true\n`);
const facts = (doc: unknown, localImages?: string[]): ComposeFacts => ({ files: new Map([['core/compose.yaml', { doc }]]), ...(localImages ? { localImages: new Set(localImages) } : {}) });
const codes = (f: ComposeFacts) => composePreflight(config, plan, f).map((x) => x.code);

describe('compose-up-local preflight', () => {
  it('passes a stack whose network, image variable and local image are right', () => {
    expect(codes(facts(composeFile('${CORE_IMAGE:-org/ux-api:1.0.0}'), ['ux-api:latest']))).toEqual([]);
  });

  it('stops on a compose file joining another external network than compose.network (E_COMPOSE_NETWORK)', () => {
    expect(codes(facts(composeFile('${CORE_IMAGE}', 'other-net'), ['ux-api:latest']))).toEqual(['E_COMPOSE_NETWORK']);
  });

  it('stops on an image variable no service uses: compose would run the default image (E_COMPOSE_IMAGE_VAR)', () => {
    const found = composePreflight(config, plan, facts(composeFile('${COER_IMAGE:-org/ux-api:1.0.0}'), ['ux-api:latest']));
    expect(found.map((f) => f.code)).toEqual(['E_COMPOSE_IMAGE_VAR']);
    expect(found[0]!.message).toContain('components[0].compose.imageVar');
  });

  it('does not take a longer variable for the one lanes sets (CORE_IMAGE_TAG is not CORE_IMAGE)', () => {
    expect(codes(facts(composeFile('org/ux-api:${CORE_IMAGE_TAG}'), ['ux-api:latest']))).toEqual(['E_COMPOSE_IMAGE_VAR']);
  });

  it('stops when the local image is not built: compose would pull a stranger\'s ux-api:latest (E_LOCAL_IMAGE_MISSING)', () => {
    expect(codes(facts(composeFile('${CORE_IMAGE}'), []))).toEqual(['E_LOCAL_IMAGE_MISSING']);
  });

  it('reports a compose file that is not YAML (E_COMPOSE_FILE)', () => {
    expect(composePreflight(config, plan, { files: new Map([['core/compose.yaml', { error: 'bad indentation' }]]) }).map((f) => f.code)).toContain('E_COMPOSE_FILE');
  });
});
