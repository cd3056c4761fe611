import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { introspect } from '../helpers/introspect-module.js';
import { PROJECT_ROOT } from '../helpers/repo.js';

const camel = (kebab: string) => kebab.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** `release --source=. --tag=${{ github.ref_name }} --ci` -> function and flags. */
function parseCall(line: string): { fn: string; flags: Record<string, string | true> } {
  const words = line.replace(/\$\{\{[^}]*\}\}/g, 'EXPR').replace(/^dagger call\s+(-m\s+\S+\s+)?/, '').trim().split(/\s+/);
  const [fn, ...rest] = words;
  const flags: Record<string, string | true> = {};
  for (const w of rest) {
    const m = /^--([a-z][a-z0-9-]*)(?:=(.*))?$/.exec(w);
    if (!m) throw new Error(`not a --flag: ${w} in ${line}`);
    flags[m[1]!] = m[2] ?? true;
  }
  return { fn: fn!, flags };
}

function workflowCalls(): { file: string; line: string }[] {
  const calls: { file: string; line: string }[] = [];
  for (const file of ['.github/workflows/ci.yml', '.github/workflows/release.yml']) {
    const doc = parse(readFileSync(join(PROJECT_ROOT, file), 'utf8'));
    for (const job of Object.values<any>(doc.jobs)) {
      for (const step of job.steps ?? []) {
        if (String(step.uses ?? '').startsWith('dagger/dagger-for-github@')) {
          expect(step.with.verb).toBe('call');
          calls.push({ file, line: step.with.args });
        }
      }
    }
  }
  const gitlab = parse(readFileSync(join(PROJECT_ROOT, 'docs/gitlab-ci.example.yml'), 'utf8'));
  for (const job of Object.values<any>(gitlab)) {
    for (const line of job?.script ?? []) if (String(line).startsWith('dagger call')) calls.push({ file: 'docs/gitlab-ci.example.yml', line });
  }
  return calls;
}

describe('CI definitions', () => {
  it('are valid YAML that call the official Dagger action on pull requests and tags', () => {
    const ci = parse(readFileSync(join(PROJECT_ROOT, '.github/workflows/ci.yml'), 'utf8'));
    const release = parse(readFileSync(join(PROJECT_ROOT, '.github/workflows/release.yml'), 'utf8'));
    expect(Object.keys(ci.on)).toContain('pull_request');
    expect(release.on.push.tags).toEqual(['v*']);
    expect(ci.jobs.test.steps.map((s: any) => s.run).filter(Boolean)).toEqual(['npm ci', 'npm test']);
  });

  it('call only functions that exist, with arguments they accept', async () => {
    const lanes = await introspect();
    const calls = workflowCalls();
    expect(calls.map((c) => parseCall(c.line).fn)).toEqual(['check', 'release', 'check', 'release']);
    for (const { file, line } of calls) {
      const { fn, flags } = parseCall(line);
      const method = lanes.methods[camel(fn)];
      expect(method, `${file}: ${fn}`).toBeDefined();
      for (const flag of Object.keys(flags)) expect(Object.keys(method.arguments), `${file}: ${fn} --${flag}`).toContain(camel(flag));
      for (const [name, arg] of Object.entries<any>(method.arguments)) {
        const required = !arg.isOptional && arg.defaultValue === undefined && !arg.defaultPath;
        if (required) expect(Object.keys(flags).map(camel), `${file}: ${fn} needs --${name}`).toContain(name);
      }
    }
  });

  it('pass secrets as env:// references, never as values', () => {
    for (const { line } of workflowCalls()) {
      const { flags } = parseCall(line);
      for (const [flag, value] of Object.entries(flags)) {
        if (/password|token/.test(flag)) expect(value, flag).toMatch(/^env:\/\/[A-Z_]+$/);
      }
    }
  });

  it('release from the tag that triggered the run, marked as CI', () => {
    const release = workflowCalls().find((c) => c.file.endsWith('release.yml'))!;
    expect(release.line).toContain('--tag=${{ github.ref_name }}');
    expect(parseCall(release.line).flags.ci).toBe(true);
  });
});
