/**
 * The AWS CLI v2's global options, accepted anywhere on the command line (the CLI's main parser reads them
 * before the command's own parser sees the rest), and the settings derived from them, the environment and
 * the profile: endpoint, region, output format, binary format, pagination.
 */
import { ArgParser, type OptionSpec } from './arg-parser.js';
import { loadProfile } from './aws-config.js';
import { ArgParseError, ConfigurationError, invalidChoiceMessage } from './cli-errors.js';
import { OUTPUT_FORMATS, type OutputFormat } from './output-formats.js';

export const DEFAULT_ENDPOINT = 'http://127.0.0.1:4599';

const GLOBAL_SPECS: OptionSpec[] = [
  { flag: '--debug', dest: 'debug', nargs: 0 },
  { flag: '--endpoint-url', dest: 'endpoint_url', nargs: 1 },
  { flag: '--no-verify-ssl', dest: 'verify_ssl', nargs: 0, store: false },
  { flag: '--no-paginate', dest: 'paginate', nargs: 0, store: false },
  { flag: '--output', dest: 'output', nargs: 1, choices: OUTPUT_FORMATS },
  { flag: '--query', dest: 'query', nargs: 1 },
  { flag: '--profile', dest: 'profile', nargs: 1 },
  { flag: '--region', dest: 'region', nargs: 1 },
  { flag: '--version', dest: 'version', nargs: 0 },
  { flag: '--color', dest: 'color', nargs: 1, choices: ['on', 'off', 'auto'] },
  { flag: '--no-sign-request', dest: 'sign_request', nargs: 0, store: false },
  { flag: '--ca-bundle', dest: 'ca_bundle', nargs: 1 },
  { flag: '--cli-read-timeout', dest: 'read_timeout', nargs: 1, int: true },
  { flag: '--cli-connect-timeout', dest: 'connect_timeout', nargs: 1, int: true },
  { flag: '--cli-binary-format', dest: 'cli_binary_format', nargs: 1, choices: ['base64', 'raw-in-base64-out'] },
  { flag: '--no-cli-pager', dest: 'pager', nargs: 0, store: false },
  { flag: '--cli-auto-prompt', dest: 'auto_prompt', nargs: 0, store: true },
  { flag: '--no-cli-auto-prompt', dest: 'auto_prompt', nargs: 0, store: false },
];

export interface GlobalArgs {
  debug: boolean;
  endpointUrl: string | undefined;
  verifySsl: boolean;
  paginate: boolean;
  output: string | undefined;
  query: string | undefined;
  profile: string | undefined;
  region: string | undefined;
  version: boolean;
  color: 'on' | 'off' | 'auto';
  signRequest: boolean;
  caBundle: string | undefined;
  readTimeout: number | undefined;
  connectTimeout: number | undefined;
  binaryFormat: string | undefined;
}

export interface SplitArgs {
  globals: GlobalArgs;
  /** The command name (first positional) and everything that is not a global option, in order. */
  rest: string[];
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

/**
 * Takes the global options out of argv. Tokens that are not global options are kept in order for the
 * command; a global option missing its value, or with a value outside its choices, is a usage error.
 */
export function splitGlobalArgs(argv: readonly string[]): SplitArgs {
  const parser = new ArgParser(GLOBAL_SPECS);
  // Walk token by token so that unknown options keep their values next to them.
  const rest: string[] = [];
  const values = new Map<string, unknown>();
  let i = 0;
  let afterDashDash = false;
  while (i < argv.length) {
    const t = argv[i] as string;
    if (afterDashDash || !t.startsWith('-') || t === '-') {
      rest.push(t);
      i++;
      continue;
    }
    if (t === '--') {
      afterDashDash = true;
      rest.push(t);
      i++;
      continue;
    }
    const own = parser.tryOne(argv, i);
    if (own === undefined) {
      rest.push(t);
      i++;
      continue;
    }
    values.set(own.dest, own.value);
    i = own.next;
  }
  const output = str(values.get('output'));
  const query = str(values.get('query'));
  const color = str(values.get('color'));
  return {
    globals: {
      debug: values.get('debug') === true,
      endpointUrl: str(values.get('endpoint_url')),
      verifySsl: values.get('verify_ssl') !== false,
      paginate: values.get('paginate') !== false,
      output,
      query,
      profile: str(values.get('profile')),
      region: str(values.get('region')),
      version: values.get('version') === true,
      color: color === 'on' || color === 'off' ? color : 'auto',
      signRequest: values.get('sign_request') !== false,
      caBundle: str(values.get('ca_bundle')),
      readTimeout: num(values.get('read_timeout')),
      connectTimeout: num(values.get('connect_timeout')),
      binaryFormat: str(values.get('cli_binary_format')),
    },
    rest,
  };
}

export interface ResolvedSettings {
  endpoint: string;
  region: string | undefined;
  profile: string | undefined;
  output: OutputFormat;
  binaryFormat: 'base64' | 'raw-in-base64-out';
}

/** Endpoint, region, output and binary format from the flags, then the environment, then the profile. */
export function resolveSettings(g: GlobalArgs, env: NodeJS.ProcessEnv = process.env): ResolvedSettings {
  const profile = loadProfile(g.profile, env);
  const profileName = g.profile ?? env.AWS_PROFILE ?? env.AWS_DEFAULT_PROFILE;
  if (!profile.found) throw new ConfigurationError(`The config profile (${profileName ?? 'default'}) could not be found`);
  const s = profile.settings;
  const nonEmpty = (v: string | undefined) => (v === undefined || v === '' ? undefined : v);
  const endpoint =
    nonEmpty(g.endpointUrl) ??
    nonEmpty(env.ROTOR_ENDPOINT_URL) ??
    nonEmpty(env.AWS_ENDPOINT_URL_SECRETS_MANAGER) ??
    nonEmpty(env.AWS_ENDPOINT_URL) ??
    nonEmpty(s.get('endpoint_url')) ??
    DEFAULT_ENDPOINT;
  const region = nonEmpty(g.region) ?? nonEmpty(env.AWS_REGION) ?? nonEmpty(env.AWS_DEFAULT_REGION) ?? nonEmpty(s.get('region'));
  const outputRaw = g.output ?? nonEmpty(env.AWS_DEFAULT_OUTPUT) ?? nonEmpty(s.get('output')) ?? 'json';
  if (!(OUTPUT_FORMATS as readonly string[]).includes(outputRaw)) {
    throw new ArgParseError(invalidChoiceMessage('--output', outputRaw, OUTPUT_FORMATS));
  }
  const bf = g.binaryFormat ?? nonEmpty(s.get('cli_binary_format')) ?? 'base64';
  if (bf !== 'base64' && bf !== 'raw-in-base64-out') throw new ConfigurationError(`Unknown cli_binary_format: ${bf}`);
  return { endpoint, region, profile: profileName, output: outputRaw as OutputFormat, binaryFormat: bf };
}
