/**
 * One Secrets Manager operation as a command (`rotor rotate-secret …`), in the AWS CLI's order:
 * parse (usage errors, `help`, unknown options) → unpack each option (file://, shorthand, JSON) →
 * --cli-input-json/yaml (command-line values win) → --generate-cli-skeleton → blobs decoded, idempotency
 * tokens filled with a UUID, parameters validated against the model → the call through the SDK
 * (auto-paginated where there is a paginator) → output.
 */
import { randomUUID } from 'node:crypto';
import { getShape, idempotencyTokenMembers, outputShapeOf, type OperationName } from '../api/model.js';
import { ArgParser, type OptionSpec } from './arg-parser.js';
import { operationArguments } from './argument-table.js';
import { decodeInputBlobs } from './binary-format.js';
import { ParamError, ParamSyntaxError, ParamValidationError, UnknownArgumentError } from './cli-errors.js';
import { debugLogger, type CliIo } from './cli-io.js';
import type { GlobalArgs, ResolvedSettings } from './global-options.js';
import { resolveSettings } from './global-options.js';
import { operationHelp } from './help.js';
import { formatPaged, formatResponse, type OutputOptions } from './output.js';
import { paginate, type PaginationConfig } from './paginate.js';
import { paginatorFor } from './paginators.js';
import { getParamFile } from './param-file.js';
import { validateParams } from './param-validator.js';
import { pyJsonLoads } from './python-json.js';
import { pyTypeName } from './python-repr.js';
import { responseData } from './response-data.js';
import { inputSkeleton, outputSample, yamlInputSkeleton } from './skeleton.js';
import { unpackArgument } from './unpack-argument.js';
import { createService, type Service } from './sdk-client.js';
import { compileQuery } from './query.js';

/** Rotor's additions to rotate-secret. */
const WAIT_SPECS: OptionSpec[] = [
  { flag: '--wait', dest: 'rotor_wait', nargs: 0 },
  { flag: '--wait-timeout', dest: 'rotor_wait_timeout', nargs: 1, int: true },
];

export async function outputOptions(settings: ResolvedSettings, g: GlobalArgs, io: CliIo): Promise<OutputOptions> {
  return {
    format: settings.output,
    query: g.query === undefined ? undefined : await compileQuery(g.query),
    color: g.color,
    isTty: io.isTty,
    width: io.isTty && io.columns !== undefined ? io.columns : 80,
  };
}

export async function openService(settings: ResolvedSettings, g: GlobalArgs, io: CliIo): Promise<Service> {
  return createService({
    endpoint: settings.endpoint,
    region: settings.region,
    profile: settings.profile,
    verifySsl: g.verifySsl,
    caBundle: g.caBundle,
    readTimeoutSec: g.readTimeout,
    connectTimeoutSec: g.connectTimeout,
    signRequest: g.signRequest,
    debug: debugLogger(io, g.debug),
  });
}

function loadCliInput(kind: 'json' | 'yaml', raw: string, yamlParse: (s: string) => unknown): Record<string, unknown> {
  const name = `cli-input-${kind}`;
  const data = getParamFile(raw);
  const text = data === undefined ? raw : typeof data === 'string' ? data : new TextDecoder().decode(data);
  let loaded: unknown;
  try {
    loaded = kind === 'json' ? pyJsonLoads(text) : yamlParse(text);
  } catch {
    throw new ParamError(name, `Invalid ${kind.toUpperCase()} received.`);
  }
  if (typeof loaded !== 'object' || loaded === null || Array.isArray(loaded)) {
    throw new ParamError(`--${name}`, `Invalid type: expecting map, received ${pyTypeName(loaded)}`);
  }
  return loaded as Record<string, unknown>;
}

function validate(params: Record<string, unknown>, inputShape: string | undefined): void {
  if (inputShape === undefined) return;
  const report = validateParams(params, inputShape);
  if (report !== undefined) throw new ParamValidationError(report);
}

/** What the command line asked for, ready to call. */
interface Prepared {
  params: Record<string, unknown>;
  skeleton: string | undefined;
  paginate: boolean;
  pagination: PaginationConfig;
  wait: { enabled: boolean; timeoutSec: number };
}

async function prepare(op: OperationName, argv: readonly string[], g: GlobalArgs): Promise<Prepared | 'help'> {
  const table = operationArguments(op);
  // OverrideRequiredArgsArgument: --cli-input-* or an input skeleton make the required options optional.
  const skelAt = argv.indexOf('--generate-cli-skeleton');
  const relax = argv.includes('--cli-input-json') || argv.includes('--cli-input-yaml') || (skelAt >= 0 && argv[skelAt + 1] !== 'output');
  const specs = [...table.specs, ...(op === 'RotateSecret' ? WAIT_SPECS : [])].map((s) => (relax ? { ...s, required: false } : s));
  // `help` wins over missing required options (the AWS CLI shows the page for `rotate-secret help`).
  const loose = new ArgParser(specs.map((s) => ({ ...s, required: false }))).parse(argv);
  const first = loose.positionals[0];
  if (first === 'help' || loose.extras.includes('--help') || loose.extras.includes('-h')) return 'help';
  const parsed = relax ? loose : new ArgParser(specs).parse(argv);
  const remaining = [...parsed.extras];
  if (first !== undefined) remaining.push(first);
  if (remaining.length > 0) throw new UnknownArgumentError(`Unknown options: ${remaining.join(', ')}`);
  const v = parsed.values;

  // Pagination switches (operation-args-parsed).
  const pager = paginatorFor(op);
  let doPaginate = g.paginate;
  if (pager !== undefined) {
    for (const m of table.members) if ((m.member === pager.inputToken || m.member === pager.limitKey) && v.has(m.member)) doPaginate = false;
    if (!doPaginate) {
      const used = ['starting_token', 'page_size', 'max_items'].filter((k) => {
        const x = v.get(k);
        return x !== undefined && x !== 0 && x !== '';
      });
      if (used.length > 0) {
        throw new ParamSyntaxError(`Cannot specify --no-paginate along with pagination arguments: ${used.map((p) => `--${p.replace(/_/g, '-')}`).join(', ')}`);
      }
    }
  }

  // Build the call parameters from the member options, in the model's order.
  const params: Record<string, unknown> = {};
  for (const m of table.members) {
    const raw = v.get(m.member);
    if (raw === undefined) continue;
    params[m.member] = unpackArgument(m, raw);
  }

  // --cli-input-json / --cli-input-yaml: only keys not given on the command line.
  const json = v.get('cli_input_json');
  const yaml = v.get('cli_input_yaml');
  if (typeof json === 'string' || typeof yaml === 'string') {
    if (typeof json === 'string' && typeof yaml === 'string') throw new ParamSyntaxError('Only one --cli-input- parameter may be specified.');
    const yamlParse = typeof yaml === 'string' ? (await import('yaml')).parse : () => undefined;
    const loaded = loadCliInput(typeof json === 'string' ? 'json' : 'yaml', (json ?? yaml) as string, yamlParse);
    for (const [k, x] of Object.entries(loaded)) if (!(k in params)) params[k] = x;
  }
  if (pager !== undefined && (pager.inputToken in params || (pager.limitKey !== undefined && pager.limitKey in params))) doPaginate = false;

  const num = (k: string) => {
    const x = v.get(k);
    return typeof x === 'number' ? x : undefined;
  };
  const st = v.get('starting_token');
  const skeleton = v.get('generate_cli_skeleton');
  return {
    params,
    skeleton: typeof skeleton === 'string' ? skeleton : undefined,
    paginate: pager !== undefined && doPaginate,
    pagination: { maxItems: num('max_items'), pageSize: num('page_size'), startingToken: typeof st === 'string' ? st : undefined },
    wait: { enabled: v.get('rotor_wait') === true, timeoutSec: num('rotor_wait_timeout') ?? 300 },
  };
}

/** Runs `rotor <operation> …argv`; returns the exit code (errors are thrown as CliError). */
export async function runOperation(op: OperationName, argv: readonly string[], g: GlobalArgs, io: CliIo): Promise<number> {
  const prepared = await prepare(op, argv, g);
  if (prepared === 'help') {
    io.out(operationHelp(op));
    return 0;
  }
  const table = operationArguments(op);
  const { params } = prepared;

  if (prepared.skeleton === 'input') {
    io.out(`${JSON.stringify(inputSkeleton(table.inputShape), null, 4)}\n`);
    return 0;
  }
  if (prepared.skeleton === 'yaml-input') {
    io.out(yamlInputSkeleton(table.inputShape));
    return 0;
  }
  const settings = resolveSettings(g, io.env);
  const out = await outputOptions(settings, g, io);
  const outShape = outputShapeOf(op);

  const finish = (p: Record<string, unknown>) => {
    if (table.inputShape !== undefined) decodeInputBlobs(p, table.inputShape, settings.binaryFormat);
    for (const t of idempotencyTokenMembers(op)) if (!(t in p)) p[t] = randomUUID();
    validate(p, table.inputShape);
  };

  if (prepared.skeleton === 'output') {
    // The AWS CLI validates the inputs, then prints a stubbed response built from member names — which
    // fails its own output validation for rotate-secret and most others (spec §12.2). Rotor prints a valid one.
    finish(params);
    io.out(await formatResponse(op, responseData(outputSample(outShape), outShape), out));
    return 0;
  }

  const pager = paginatorFor(op);
  const service = await openService(settings, g, io);
  try {
    if (prepared.paginate && pager !== undefined) {
      const order = op === 'ListSecrets' ? undefined : memberOrder(outShape);
      const paged = await paginate(pager, params, prepared.pagination, async (p) => {
        finish(p);
        return responseData(await service.call(op, p), outShape);
      }, order);
      io.out(await formatPaged(op, paged, out));
      return 0;
    }
    finish(params);
    const response = responseData(await service.call(op, params), outShape);
    io.out(await formatResponse(op, response, out));
    if (op === 'RotateSecret' && prepared.wait.enabled) {
      const { followRotation } = await import('./rotation-wait.js');
      return await followRotation(service, response, params, prepared.wait.timeoutSec, io);
    }
    return 0;
  } finally {
    service.close();
  }
}

/** The output structure's member names, to print an aggregated page in the model's order. */
function memberOrder(shapeName: string | undefined): string[] | undefined {
  if (shapeName === undefined) return undefined;
  const s = getShape(shapeName);
  return s.type === 'structure' ? Object.keys(s.members) : undefined;
}
