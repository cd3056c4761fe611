import { describe, expect, it } from 'vitest';
import { setChartValues } from '../../src/charts/chart-values.js';

describe('setChartValues', () => {
  it('sets nested key paths and keeps every comment, quoting style and other value', () => {
    const before = '# the chart\nreplicaCount: 1\n\nimage:\n  repository: ux-api # local name\n  tag: ""\n  pullPolicy: IfNotPresent\n';
    const after = setChartValues(before, { 'image.repository': 'registry.example/ns/ux-api', 'image.tag': '1.2.0' });
    expect(after).toBe('# the chart\nreplicaCount: 1\n\nimage:\n  repository: registry.example/ns/ux-api # local name\n  tag: "1.2.0"\n  pullPolicy: IfNotPresent\n');
  });

  it('creates the keys a values.yaml lacks, and a values.yaml that is empty', () => {
    expect(setChartValues('', { 'app.image.repository': 'r/x' })).toBe('app:\n  image:\n    repository: r/x\n');
    expect(setChartValues('replicaCount: 2\n', { 'image.tag': '0.1.0' })).toBe('replicaCount: 2\nimage:\n  tag: 0.1.0\n');
  });

  it('changes nothing without values', () => {
    expect(setChartValues('a: 1 # keep\n', {})).toBe('a: 1 # keep\n');
  });
});
