/**
 * `rotor rotation-history --secret-id ID [--max-results N]`: Rotor's record of a secret's rotation runs
 * (rotor.ListRotationRuns), newest first, each step with its timing, outcome, error and the function's
 * output; printed like any response (--output, --query), dates as ISO 8601.
 */
import { ArgParser, type OptionSpec } from './arg-parser.js';
import { UnknownArgumentError } from './cli-errors.js';
import type { CliIo } from './cli-io.js';
import { resolveSettings, type GlobalArgs } from './global-options.js';
import { wrap } from './html-text.js';
import { openService, outputOptions } from './operation-command.js';
import { formatResponse } from './output.js';
import { rotorResponseData } from './response-data.js';

const SPECS: OptionSpec[] = [
  { flag: '--secret-id', dest: 'SecretId', nargs: 1, required: true },
  { flag: '--max-results', dest: 'MaxResults', nargs: 1, int: true },
];

export const ROTATION_HISTORY_HELP = [
  'NAME',
  '       rotation-history -',
  '',
  'DESCRIPTION',
  ...wrap(
    "Rotor's record of a secret's rotation runs (rotor.ListRotationRuns), newest first: the trigger (api or schedule), the token, the status, the attempts, and every step with its start, end, duration, outcome, error and the function's captured output.",
    '       ',
  ),
  '',
  'SYNOPSIS',
  '            rotation-history',
  '          --secret-id <value>',
  '          [--max-results <value>]   (1-100, default 20)',
  '',
].join('\n');

export async function runRotationHistory(argv: readonly string[], g: GlobalArgs, io: CliIo): Promise<number> {
  const parsed = new ArgParser(SPECS.map((s) => (argv.includes('help') || argv.includes('--help') ? { ...s, required: false } : s))).parse(argv);
  if (parsed.positionals[0] === 'help' || parsed.extras.includes('--help')) {
    io.out(`${ROTATION_HISTORY_HELP}\n`);
    return 0;
  }
  const remaining = [...parsed.extras, ...(parsed.positionals[0] !== undefined ? [parsed.positionals[0]] : [])];
  if (remaining.length > 0) throw new UnknownArgumentError(`Unknown options: ${remaining.join(', ')}`);
  const body: Record<string, unknown> = { SecretId: parsed.values.get('SecretId') };
  const max = parsed.values.get('MaxResults');
  if (max !== undefined) body['MaxResults'] = max;
  const settings = resolveSettings(g, io.env);
  const service = await openService(settings, g, io);
  try {
    const res = await service.callRotor('ListRotationRuns', body);
    io.out(await formatResponse('ListRotationRuns', rotorResponseData(res), await outputOptions(settings, g, io)));
    return 0;
  } finally {
    service.close();
  }
}
