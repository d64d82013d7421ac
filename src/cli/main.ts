/** Entry point of the `rotor` command. */
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config.js';
import { registerServe } from './serve.js';

export async function main(argv: string[]): Promise<number | undefined> {
  const program = new Command();
  program.name('rotor').description('Rotor: a self-hosted AWS Secrets Manager with rotation at its centre').exitOverride();
  registerServe(program);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return undefined;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 252;
    if (e instanceof ConfigError) {
      process.stderr.write(`rotor: ${e.message}\n`);
      return 252;
    }
    throw e;
  }
}
