import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { EXAMPLE, makeRepo, PROJECT_ROOT } from '../helpers/repo.js';

/** The CLI as a process, for what only a real process shows: pipes, exit codes, streams. */
describe('lanes as a process', () => {
  it('stops quietly when the reader of its output goes away (status --json | head)', () => {
    // More JSON than a pipe holds, so the write is still going when head has gone.
    const files: Record<string, string> = { 'lanes.yaml': `project: big\ncomponents:\n${[...Array(400).keys()].map((i) => `  - { name: c${i}, path: c${i}, version: { file: c${i}/VERSION } }\n`).join('')}` };
    for (let i = 0; i < 400; i++) files[`c${i}/VERSION`] = '1.0.0\n';
    const repo = makeRepo(files);
    const r = spawnSync('bash', ['-c', `set -o pipefail; node bin/lanes.js status --source '${repo}' --json | head -c 20 >/dev/null`], { cwd: PROJECT_ROOT, encoding: 'utf8' });
    expect(r.stderr).not.toMatch(/EPIPE|at .*\(|internal error/);
    expect(r.status).toBe(0);
  });

  it('prints plain progress lines when stderr is not a terminal', () => {
    const r = spawnSync('node', ['bin/lanes.js', 'compose-down-local', '--source', EXAMPLE, '--dry-run'], { cwd: PROJECT_ROOT, encoding: 'utf8', env: { ...process.env, CI: '' } });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('\x1b[');
  });
});
