import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';
import { COMMAND_OPTIONS, optionsFor, type CommandName } from '../../src/commands/options.js';
import { PROJECT_ROOT } from '../helpers/repo.js';

const COMMANDS = Object.keys(COMMAND_OPTIONS) as CommandName[];
const camel = (kebab: string) => kebab.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** The Dagger function name of a command: build-all-local -> buildAllLocal. */
const functionOf = (command: CommandName) => camel(command);

/** Every @func() method of the module's class with its parameter names, read the way the runtime's scan reads them: from the source. */
function moduleFunctions(): Map<string, string[]> {
  const file = join(PROJECT_ROOT, 'dagger/src/index.ts');
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const out = new Map<string, string[]>();
  source.forEachChild((node) => {
    if (!ts.isClassDeclaration(node)) return;
    for (const member of node.members) {
      if (!ts.isMethodDeclaration(member) || !ts.getDecorators(member)?.some((d) => d.getText().startsWith('@func'))) continue;
      out.set(member.name.getText(), member.parameters.map((p) => p.name.getText()));
    }
  });
  return out;
}

/** The flags commander knows for each command, as camelCase names, plus its positional arguments. */
function cliOptions(): Map<string, string[]> {
  const program = buildProgram({ out: () => {}, err: () => {} }, async () => {});
  return new Map(
    program.commands.map((c) => [
      c.name(),
      [...c.options.map((o) => o.attributeName()), ...c.registeredArguments.map((a) => (a.name() === 'lane' ? 'lane' : a.name()))],
    ]),
  );
}

describe('the CLI and the Dagger module offer the same options', () => {
  const functions = moduleFunctions();
  const cli = cliOptions();

  it('every command is both a CLI command and a Dagger function, and nothing else is', () => {
    expect([...cli.keys()].sort()).toEqual([...COMMANDS].sort());
    expect([...functions.keys()].sort()).toEqual(COMMANDS.map(functionOf).sort());
  });

  for (const command of COMMANDS) {
    it(`${command}: the CLI's flags are the table's, less the Dagger-only ones`, () => {
      expect(new Set(cli.get(command))).toEqual(new Set(optionsFor(command, 'cli').map((o) => o.name)));
    });

    it(`${command}: the Dagger function's arguments are the table's, less the CLI-only ones`, () => {
      expect(new Set(functions.get(functionOf(command)))).toEqual(new Set(optionsFor(command, 'dagger').map((o) => o.name)));
    });
  }

  it('says why for every option only one adapter has', () => {
    for (const command of COMMANDS) {
      for (const opt of COMMAND_OPTIONS[command].options) {
        if ('only' in opt && opt.only) expect(opt.only.why.length, `${command} --${opt.name}`).toBeGreaterThan(20);
      }
    }
  });
});
