import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startFakeGitHub } from '../helpers/fake-github.js';
import { lanes } from '../helpers/cli.js';
import { addBareRemote, exampleRepo, git, PROJECT_ROOT } from '../helpers/repo.js';
import { registryEnv, testScope, uniqueNamespace, useTestRegistry } from '../helpers/testbed.js';

// The registry is only asked (plan and check look up what is there); nothing is pushed. Names: lanes-test-<run>-readme-examples-….
testScope('readme-examples');

/** Every `npx lanes …` line of the README's fenced code blocks, as written. */
function readmeLines(): string[] {
  const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/^```[a-z]*\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
  return blocks.flatMap((b) => b.split('\n')).map((l) => l.trim()).filter((l) => l.startsWith('npx lanes '));
}

/** The forms of a README line, as arguments: its comment dropped, `[--optional]` parts left out, then put in. */
function formsOf(line: string): string[][] {
  const command = line.replace(/\s+#.*$/, '');
  const plain = command.replace(/\s*\[[^\]]*\]/g, '');
  const full = command.replace(/\[([^\]]*)\]/g, '$1');
  return [...new Set([plain, full])].map((c) => c.trim().split(/\s+/).slice(2));
}

/**
 * What each command of the README needs beyond a copy of the example, and the
 * exit code the README documents for a clean copy (0: the lane may run, the
 * command did its job). A README line whose command is not here fails the
 * test: decide how it can run, and add it.
 */
const DOCUMENTED: Record<string, { exit: 0 | 1; dryForm?: string[] }> = {
  status: { exit: 0 },
  bump: { exit: 0, dryForm: ['--dry-run'] },
  plan: { exit: 0 },
  check: { exit: 0 },
};

const TOKEN = 'ghp_ReadmeExampleToken0123456789';
const gh = await startFakeGitHub({ token: TOKEN });
afterAll(() => gh.close());

/** A copy of the example with its registries on the test registry and an origin to ask for tags: as a CI job sees it. */
function exampleCopy(): string {
  const dir = exampleRepo(useTestRegistry(uniqueNamespace('readme')));
  addBareRemote(dir);
  return dir;
}

describe("the README's npx lanes examples, on a copy of the bundled example", () => {
  const lines = readmeLines();

  it('are found (the README has some)', () => {
    expect(lines.length).toBeGreaterThanOrEqual(5);
  });

  const cases = lines.flatMap((line) => formsOf(line).map((args) => ({ line, args, form: `lanes ${args.join(' ')}` })));
  it.each(cases)('$form', async ({ line, args }) => {
    const documented = DOCUMENTED[args[0]!];
    expect(documented, `no rule for "${args[0]}" in this test: add how it can run without a cluster`).toBeDefined();
    const dir = exampleCopy();
    const dry = documented!.dryForm && !args.includes('--dry-run') ? documented!.dryForm : [];
    const r = await lanes([...args, ...dry, '--source', dir], registryEnv({ GITHUB_TOKEN: TOKEN, GITHUB_API_URL: gh.url }));
    expect(r.code, `${line}\n${r.stdout}\n${r.stderr}`).toBe(documented!.exit);
    expect(git(dir, 'status', '--porcelain'), 'a README example changed the copy').toBe('');
  });
});
