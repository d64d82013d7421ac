/**
 * Entry point of the `rotor` command. Commander holds the command table: `serve`, one command per Secrets
 * Manager operation (named as the AWS CLI names them), `rotation-history`, `completion`, `help`. Global
 * options (--output, --query, --endpoint-url, …) are accepted anywhere, as the AWS CLI accepts them, and
 * are taken out before Commander dispatches; each operation command parses its own options the AWS CLI's
 * way (operation-command.ts). Exit codes are the AWS CLI v2's: 252 usage, 253 configuration, 254 service
 * error, 255 other. Everything heavy (the SDK, the server) is imported only by the command that needs it.
 */
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config.js';
import { OPERATION_NAMES, type OperationName } from '../api/model.js';
import { xformName } from './aws-name.js';
import { ArgParseError, CliError, EXIT_OTHER, EXIT_USAGE, GeneralError, invalidChoiceMessage } from './cli-errors.js';
import { processIo, type CliIo } from './cli-io.js';
import { splitGlobalArgs, type GlobalArgs } from './global-options.js';
import { registerServe } from './serve.js';

const ROTOR_COMMANDS = ['rotation-history', 'serve', 'completion', 'help'] as const;

export function commandNames(): string[] {
  return [...OPERATION_NAMES.map((op) => xformName(op, '-')), ...ROTOR_COMMANDS];
}

/** `rotor serve …`: exactly the Commander program it always was. */
async function runServe(argv: string[]): Promise<number | undefined> {
  const program = new Command();
  program.name('rotor').description('Rotor: a self-hosted AWS Secrets Manager with rotation at its centre').exitOverride();
  registerServe(program);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return undefined;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : EXIT_USAGE;
    if (e instanceof ConfigError) {
      process.stderr.write(`rotor: ${e.message}\n`);
      return EXIT_USAGE;
    }
    throw e;
  }
}

function buildProgram(g: GlobalArgs, io: CliIo, result: { code: number }): Command {
  const program = new Command();
  program
    .name('rotor')
    .exitOverride()
    .enablePositionalOptions()
    .helpOption(false)
    .helpCommand(false)
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: () => undefined, outputError: () => undefined });
  const passthrough = (name: string) =>
    program.command(name).helpOption(false).allowUnknownOption().allowExcessArguments().passThroughOptions().argument('[args...]');

  for (const op of OPERATION_NAMES) {
    passthrough(xformName(op, '-')).action(async (args: string[]) => {
      const { runOperation } = await import('./operation-command.js');
      result.code = await runOperation(op as OperationName, args, g, io);
    });
  }
  passthrough('rotation-history').action(async (args: string[]) => {
    const { runRotationHistory } = await import('./rotation-history.js');
    result.code = await runRotationHistory(args, g, io);
  });
  passthrough('completion').action(async (args: string[]) => {
    const shell = args[0];
    if (shell !== 'bash') throw new ArgParseError(invalidChoiceMessage('shell', shell ?? '', ['bash']));
    const { bashCompletion } = await import('./completion.js');
    io.out(bashCompletion());
    result.code = 0;
  });
  passthrough('help').action(async () => {
    const { mainHelp } = await import('./help.js');
    io.out(mainHelp());
    result.code = 0;
  });
  return program;
}

export async function main(argv: string[], io: CliIo = processIo): Promise<number | undefined> {
  if (argv[0] === 'serve') return runServe(argv);
  try {
    const { globals, rest } = splitGlobalArgs(argv);
    if (globals.version) {
      const { versionLine } = await import('./version.js');
      io.out(versionLine());
      return 0;
    }
    if (globals.query !== undefined) {
      const { compileQuery } = await import('./query.js');
      await compileQuery(globals.query);
    }
    const command = rest[0] === '--help' || rest[0] === '-h' ? 'help' : rest[0];
    if (command === undefined) throw new ArgParseError('the following arguments are required: command');
    if (command === 'serve') return await runServe(rest);
    if (!commandNames().includes(command)) throw new ArgParseError(invalidChoiceMessage('command', command, commandNames()));
    const result = { code: 0 };
    await buildProgram(globals, io, result).parseAsync([command, ...rest.slice(1)], { from: 'user' });
    return result.code;
  } catch (e) {
    if (e instanceof CliError) {
      io.err(e.render());
      return e.exitCode;
    }
    if (e instanceof CommanderError) {
      io.err(new ArgParseError(e.message.replace(/^error: /, '')).render());
      return EXIT_USAGE;
    }
    io.err(new GeneralError(e instanceof Error ? e.message : String(e)).render());
    return EXIT_OTHER;
  }
}
