import { describe, expect, it } from 'vitest';
import { COMMAND_OPTIONS } from '../../src/commands/options.js';
import { applyStrict, STRICT_KEEPS_WARNING, type Finding } from '../../src/guardrails/finding.js';
import { planLane } from '../../src/plan/plan-lane.js';
import { NO_FACTS } from '../../src/plan/lane-facts.js';
import { component, HEAD, pureWorkspace } from '../helpers/pure-workspace.js';

const warning = (code: Finding['code']): Finding => ({ code, severity: 'warning', message: code });

describe('--strict', () => {
  it('turns W_CHANGED_NOT_BUMPED, W_UNLISTED_COMPONENT and W_SHALLOW_CLONE into errors with the same codes', () => {
    const strict = applyStrict([warning('W_CHANGED_NOT_BUMPED'), warning('W_UNLISTED_COMPONENT'), warning('W_SHALLOW_CLONE')], true);
    expect(strict.map((f) => [f.code, f.severity])).toEqual([
      ['W_CHANGED_NOT_BUMPED', 'error'],
      ['W_UNLISTED_COMPONENT', 'error'],
      ['W_SHALLOW_CLONE', 'error'],
    ]);
  });

  it('leaves W_DEV_OVERWRITE a warning: overwriting the mutable dev tag is the dev lane\'s job', () => {
    expect(applyStrict([warning('W_DEV_OVERWRITE')], true)).toEqual([warning('W_DEV_OVERWRITE')]);
    expect([...STRICT_KEEPS_WARNING]).toEqual(['W_DEV_OVERWRITE']);
  });

  it('on push-all-dev over an earlier push of the same version: may run, unless a version was not bumped', () => {
    const ws = pureWorkspace([component('api', 0)]);
    const published = new Map([['r.example/dev/api:1.0.0', { ref: 'r.example/dev/api:1.0.0', exists: true }]]);
    const plan = planLane(ws, 'dev', { strict: true }, { ...NO_FACTS, published });
    expect(plan.findings).toEqual([expect.objectContaining({ code: 'W_DEV_OVERWRITE', severity: 'warning' })]);

    ws.lastRelease.set('api', { version: '1.0.0', tag: 'api-v1.0.0', commit: HEAD } as never);
    ws.changedSinceRelease.set('api', ['api/main.py']);
    const changed = planLane(ws, 'dev', { strict: true }, { ...NO_FACTS, published });
    expect(changed.findings.map((f) => [f.code, f.severity])).toEqual([
      ['W_CHANGED_NOT_BUMPED', 'error'],
      ['W_DEV_OVERWRITE', 'warning'],
    ]);
  });

  it('says exactly that in its help text', () => {
    const help = COMMAND_OPTIONS['push-all-dev'].options.find((o) => o.name === 'strict')!.description;
    expect(help).toContain('W_CHANGED_NOT_BUMPED');
    expect(help).toContain('W_DEV_OVERWRITE stays a warning');
  });
});
