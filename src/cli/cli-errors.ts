/**
 * The AWS CLI v2's error classes and exit codes (awscli/errorhandler.py, constants.py):
 * 252 usage and parameter errors, 253 configuration, 254 service (client) errors, 255 anything else.
 * Each error renders its stderr text exactly as the AWS CLI does ("\n<message>\n" for most).
 */

import { pyStrRepr } from './python-repr.js';

export const EXIT_USAGE = 252;
export const EXIT_CONFIG = 253;
export const EXIT_SERVICE = 254;
export const EXIT_OTHER = 255;

export const PROG = 'rotor';

export const USAGE =
  `${PROG} [options] <command> [parameters]\n` +
  'To see help text, you can run:\n\n' +
  `  ${PROG} help\n` +
  `  ${PROG} <command> help\n`;

export abstract class CliError extends Error {
  abstract readonly exitCode: number;
  /** What goes to stderr. */
  render(): string {
    return `\n${this.message}\n`;
  }
}

/** argparse's error(): the usage block, then "<prog>: error: <message>". */
export class ArgParseError extends CliError {
  readonly exitCode = EXIT_USAGE;
  override render(): string {
    return `\nusage: ${USAGE}\n${PROG}: error: ${this.message}\n\n`;
  }
}

/** "Unknown options: --a, b": usage then the message (UnknownArgumentErrorHandler). */
export class UnknownArgumentError extends CliError {
  readonly exitCode = EXIT_USAGE;
  override render(): string {
    return `\nusage: ${USAGE}\n${this.message}\n\n`;
  }
}

/** awscli ParamError: "Error parsing parameter '--x': <message>". */
export class ParamError extends CliError {
  readonly exitCode = EXIT_USAGE;
  constructor(
    readonly cliName: string,
    readonly detail: string,
  ) {
    super(`Error parsing parameter '${cliName}': ${detail}`);
  }
}

/** A local usage problem whose text is given whole (ParamSyntaxError, customisation ParamValidationError). */
export class ParamSyntaxError extends CliError {
  readonly exitCode = EXIT_USAGE;
}

/** botocore ParamValidationError: "Parameter validation failed:\n<report>". */
export class ParamValidationError extends CliError {
  readonly exitCode = EXIT_USAGE;
  constructor(report: string) {
    super(`Parameter validation failed:\n${report}`);
  }
}

/**
 * A Python ValueError raised while unpacking a number (e.g. "invalid literal for int() with base 10: 'abc'").
 * The AWS CLI exits 255 here (GeneralExceptionHandler); Rotor treats it as the usage error it is: 252.
 */
export class NumberParseError extends CliError {
  readonly exitCode = EXIT_USAGE;
}

export class ConfigurationError extends CliError {
  readonly exitCode = EXIT_CONFIG;
}

/** The service answered with an error: "An error occurred (Code) when calling the Op operation: Message". */
export class ServiceError extends CliError {
  readonly exitCode = EXIT_SERVICE;
  constructor(
    readonly code: string,
    readonly operation: string,
    readonly serviceMessage: string,
  ) {
    super(`An error occurred (${code}) when calling the ${operation} operation: ${serviceMessage}`);
  }
}

/** Anything else (connection refused, invalid base64, a failed --wait): 255. */
export class GeneralError extends CliError {
  readonly exitCode: number = EXIT_OTHER;
}

/** An error that already wrote what it had to say; only the exit code remains. */
export class SilentExit extends CliError {
  constructor(readonly exitCode: number) {
    super('');
  }
  override render(): string {
    return '';
  }
}

/** argparse's "Invalid choice" text for a value outside `choices` (two per line, padded to 40). */
export function invalidChoiceMessage(argName: string, value: string, choices: readonly string[]): string {
  const lines = ['Invalid choice, valid choices are:\n'];
  for (let i = 0; i < choices.length; i += 2) {
    lines.push(choices.slice(i, i + 2).map((c) => c.padEnd(40)).join(' | '));
  }
  const close = closeMatches(value, choices);
  if (close.length > 0) {
    lines.push(`\n\nInvalid choice: ${pyStrRepr(value)}, maybe you meant:\n`);
    for (const c of close) lines.push(`  * ${c}`);
  }
  return `argument ${argName}: ${lines.join('\n')}`;
}

/** difflib.get_close_matches(word, possibilities, n=3, cutoff=0.8), using the same ratio. */
export function closeMatches(word: string, possibilities: readonly string[], cutoff = 0.8, n = 3): string[] {
  const scored: [number, string][] = [];
  for (const p of possibilities) {
    const r = ratio(word, p);
    if (r >= cutoff) scored.push([r, p]);
  }
  scored.sort((a, b) => (b[0] - a[0] !== 0 ? b[0] - a[0] : a[1] < b[1] ? 1 : a[1] > b[1] ? -1 : 0));
  return scored.slice(0, n).map(([, p]) => p);
}

/** SequenceMatcher(None, a, b).ratio(): 2·M / (|a|+|b|), M from recursive longest matching blocks. */
function ratio(a: string, b: string): number {
  const total = a.length + b.length;
  if (total === 0) return 1;
  return (2 * matches(a, b)) / total;
}

function matches(a: string, b: string): number {
  if (a.length === 0 || b.length === 0) return 0;
  let best = 0;
  let bi = 0;
  let bj = 0;
  for (let i = 0; i < a.length; i++) {
    for (let j = 0; j < b.length; j++) {
      let k = 0;
      while (i + k < a.length && j + k < b.length && a[i + k] === b[j + k]) k++;
      if (k > best) {
        best = k;
        bi = i;
        bj = j;
      }
    }
  }
  if (best === 0) return 0;
  return best + matches(a.slice(0, bi), b.slice(0, bj)) + matches(a.slice(bi + best), b.slice(bj + best));
}
