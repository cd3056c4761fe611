import { describe, expect, it } from 'vitest';
import { planComposeDown, planComposeUp, uniqueComposeFiles } from '../../src/plan/compose.js';
import { component, pureWorkspace } from '../helpers/pure-workspace.js';

/** Two connectors whose services live in one compose file, behind a core of its own. */
const ws = pureWorkspace([
  component('core', 0, { compose: { file: 'deploy/core.yaml', role: 'core', imageVar: 'CORE_IMAGE' } }),
  component('a', 1, { compose: { file: 'deploy/connectors.yaml', role: 'connector', imageVar: 'A_IMAGE' } }),
  component('b', 2, { compose: { file: './deploy/connectors.yaml', role: 'connector', imageVar: 'B_IMAGE' } }),
  component('c', 3, { compose: { file: 'deploy/c.yaml', role: 'connector' } }),
]);

describe('a compose file shared by two components', () => {
  it('is passed to compose up once, where it is first used', () => {
    const up = planComposeUp(ws).steps.find((s) => s.kind === 'compose-up')!;
    expect(up).toMatchObject({ files: ['deploy/core.yaml', 'deploy/connectors.yaml', 'deploy/c.yaml'], env: { CORE_IMAGE: 'core:latest', A_IMAGE: 'a:latest', B_IMAGE: 'b:latest' } });
  });

  it('is passed to compose down once', () => {
    expect(planComposeDown(ws).steps[0]).toMatchObject({ kind: 'compose-down', files: ['deploy/core.yaml', 'deploy/connectors.yaml', 'deploy/c.yaml'] });
  });

  it('is listed once for the release bundle (uniqueComposeFiles keeps the first position)', () => {
    expect(uniqueComposeFiles(ws.config.components)).toEqual(['deploy/core.yaml', 'deploy/connectors.yaml', 'deploy/c.yaml']);
  });
});
