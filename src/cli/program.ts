import { Command, Option } from 'commander';
import { COMMAND_OPTIONS, optionsFor, type CommandName, type OptionSpec } from '../commands/options.js';
import { positiveInt } from '../commands/inputs.js';
import { packageVersion } from '../package-version.js';

/** Flags as commander hands them over: every option of the table, by its camelCase name. */
export type Flags = Record<string, unknown> & { source: string };

export type Action = (command: CommandName, flags: Flags, positionals: string[]) => Promise<void>;

const EXAMPLES: Partial<Record<CommandName, string>> = {
  status: 'lanes status\n  lanes status --published --json',
  bump: 'lanes bump dsx-connect --minor\n  lanes bump aws-s3-connector --version 0.6.0 --dry-run\n  lanes bump --changed --patch',
  plan: 'lanes plan dev\n  lanes plan release --tag v1.4.0 --json',
  check: 'lanes check dev --strict\n  lanes check release --tag v1.4.0',
  'build-all-local': 'lanes build-all-local --only dsx-connect --build-arg BASE_IMAGE=python:3.12-slim',
  'compose-up-local': 'lanes compose-up-local --include-dsxa',
  release: 'CI=true lanes release --tag v1.4.0',
};

const collect = (v: string, prev: string[] = []) => [...prev, v];

/** A commander option from the table: kebab-case flag, the table's help text, parsers for lists and numbers. */
function toOption(spec: OptionSpec): Option {
  const flag = `--${spec.name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  const opt = new Option(spec.kind === 'boolean' ? flag : `${flag} ${spec.arg ?? '<value>'}`, spec.description);
  if (spec.kind === 'list') opt.argParser(collect);
  if (spec.kind === 'int') opt.argParser((v) => positiveInt(flag, v));
  if (spec.default !== undefined) opt.default(spec.default);
  return opt;
}

/**
 * The commander program: one command per row of COMMAND_OPTIONS, its flags
 * from the table. Commander only parses; `action` does the work.
 */
export function buildProgram(out: { out: (s: string) => void; err: (s: string) => void }, action: Action): Command {
  const program = new Command('lanes')
    .description('Explicit-version build and release pipeline for container monorepos.\nVersions change only with `lanes bump`; every lane computes a plan, checks its guardrails, then runs it.')
    .version(packageVersion())
    // `bump --version X` is the subcommand's; lanes' own --version only before a command.
    .enablePositionalOptions()
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    // Commander's own usage errors carry the code every other usage error has.
    .configureOutput({ writeOut: (s) => out.out(s.replace(/\n$/, '')), writeErr: (s) => out.err(s.replace(/\n$/, '')), outputError: (s, write) => write(s.replace(/^error: /, 'error[E_USAGE]: ')) })
    .addHelpText('after', '\nExit codes: 0 success, 1 a guardrail or step failed, 2 bad usage or bad lanes.yaml.\nEvery command also runs as a Dagger function: dagger call <command> (see README).');

  for (const name of Object.keys(COMMAND_OPTIONS) as CommandName[]) {
    const cmd = program.command(name).description(COMMAND_OPTIONS[name].description);
    if (name === 'plan' || name === 'check') cmd.argument('<lane>', 'local, dev or release (or deploy-local, compose-up-local, compose-down-local)');
    if (name === 'bump') cmd.argument('[components...]', 'the components to bump, as named in lanes.yaml');
    for (const spec of optionsFor(name, 'cli')) {
      // Positional in the CLI: the lane of plan/check, bump's components.
      if (spec.name === 'lane' || spec.name === 'components') continue;
      const opt = toOption(spec);
      if (name === 'release' && spec.name === 'tag') opt.makeOptionMandatory();
      cmd.addOption(opt);
    }
    if (EXAMPLES[name]) cmd.addHelpText('after', `\nExamples:\n  ${EXAMPLES[name]}`);
    cmd.action(async (...args: unknown[]) => {
      const command = args.at(-1) as Command;
      const positionals = args.slice(0, -2).flatMap((a) => (Array.isArray(a) ? (a as string[]) : [a as string]));
      await action(name, command.opts() as Flags, positionals);
    });
  }
  return program;
}
