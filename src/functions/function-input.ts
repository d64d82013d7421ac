/**
 * Input validation for the Lambda REST operations Rotor serves, with the constraints of the Lambda API
 * reference (2015-03-31) and messages worded as Lambda's ("1 validation error detected: …"). Everything
 * arrives as untrusted JSON, so each member is type-checked before use: bad input is a 400, never a 500.
 */
import { FUNCTION_NAME_RE } from './function-name.js';
import { lambdaErr } from './lambda-errors.js';
import { isRuntime, RUNTIMES, type RuntimeName } from './runtimes.js';
import { RESERVED_ENV_KEYS } from './worker-env.js';
import { isWebhookRuntime, webhookSettings, WEBHOOK_RUNTIME } from './webhook-config.js';
import type { AddPermissionInput } from './function-policy.js';

type Json = Record<string, unknown>;

const ROLE_RE = /^arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-_/]+$/;
const HANDLER_RE = /^[^\s]{1,128}$/;
const ENV_KEY_RE = /^[a-zA-Z]([a-zA-Z0-9_])+$/;
const STATEMENT_ID_RE = /^[a-zA-Z0-9-_.]{1,100}$/;
const ACTION_RE = /^(lambda:[*]|lambda:[a-zA-Z]+|[*])$/;
const ACCOUNT_RE = /^\d{12}$/;
const BASE64_RE = /^[A-Za-z0-9+/]*={0,2}$/;
/** Lambda's limit on the Variables map, measured on its JSON text. */
const ENV_MAX_BYTES = 4096;

function constraint(value: unknown, member: string, rule: string): Error {
  const shown = value === undefined || value === null ? 'null' : `'${String(value).slice(0, 200)}'`;
  return lambdaErr.invalidParameter(
    `1 validation error detected: Value ${shown} at '${member}' failed to satisfy constraint: ${rule}`,
  );
}

export function asObject(body: unknown): Json {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw lambdaErr.invalidContent('Could not parse request body into json: the body must be a JSON object');
  }
  return body as Json;
}

function optString(o: Json, key: string): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw lambdaErr.invalidContent(`Could not parse request body into json: ${key} must be a string`);
  return v;
}

function reqString(o: Json, key: string, member: string): string {
  const v = optString(o, key);
  if (v === undefined) throw constraint(undefined, member, 'Member must not be null');
  return v;
}

function optInt(o: Json, key: string, member: string, min: number, max: number): number | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    throw lambdaErr.invalidContent(`Could not parse request body into json: ${key} must be an integer`);
  }
  if (v < min) throw constraint(v, member, `Member must have value greater than or equal to ${min}`);
  if (v > max) throw constraint(v, member, `Member must have value less than or equal to ${max}`);
  return v;
}

function checkRole(role: string): string {
  if (!ROLE_RE.test(role) || role.length > 2048) {
    throw constraint(role, 'role', 'Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+');
  }
  return role;
}

function checkHandler(h: string): string {
  if (!HANDLER_RE.test(h)) throw constraint(h, 'handler', 'Member must satisfy regular expression pattern: [^\\s]+');
  return h;
}

function checkRuntime(r: string): RuntimeName {
  if (!isRuntime(r)) {
    throw lambdaErr.invalidParameter(
      `Value ${r.slice(0, 100)} at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: [${Object.keys(RUNTIMES).join(', ')}] or be a valid ARN`,
    );
  }
  return r;
}

function checkDescription(d: string): string {
  if (d.length > 256) throw constraint(d, 'description', 'Member must have length less than or equal to 256');
  return d;
}

function parseEnvironment(v: unknown): Record<string, string> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw lambdaErr.invalidContent('Could not parse request body into json: Environment must be an object');
  }
  const vars = (v as Json).Variables;
  if (vars === undefined || vars === null) return {};
  if (typeof vars !== 'object' || Array.isArray(vars)) {
    throw lambdaErr.invalidContent('Could not parse request body into json: Environment.Variables must be an object');
  }
  const out: Record<string, string> = {};
  const reserved: string[] = [];
  for (const [k, val] of Object.entries(vars as Json)) {
    if (typeof val !== 'string') {
      throw lambdaErr.invalidContent(`Could not parse request body into json: the value of ${k.slice(0, 100)} must be a string`);
    }
    if (!ENV_KEY_RE.test(k)) {
      throw constraint(k, 'environment.variables', 'Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+');
    }
    if (RESERVED_ENV_KEYS.has(k)) reserved.push(k);
    out[k] = val;
  }
  if (reserved.length > 0) {
    throw lambdaErr.invalidParameter(
      `Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: ${reserved.join(', ')}`,
    );
  }
  if (Buffer.byteLength(JSON.stringify(out)) > ENV_MAX_BYTES) {
    throw lambdaErr.invalidParameter(
      'Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit.',
    );
  }
  return out;
}

function parseArchitectures(v: unknown): string[] {
  if (!Array.isArray(v) || v.length !== 1 || (v[0] !== 'x86_64' && v[0] !== 'arm64')) {
    throw constraint(JSON.stringify(v), 'architectures', "Member must satisfy constraint: [Member must satisfy enum value set: [x86_64, arm64]], Member must have length less than or equal to 1");
  }
  return [v[0]];
}

/** Decodes Code.ZipFile / ZipFile (base64 in the JSON body, as the CLI and SDKs send a blob). */
function parseZip(v: unknown): Buffer {
  if (typeof v !== 'string') {
    throw lambdaErr.invalidParameter('Rotor accepts function code only as ZipFile (S3 and image packages are not supported).');
  }
  const text = v.replace(/\s+/g, '');
  if (text.length === 0 || !BASE64_RE.test(text) || text.length % 4 === 1) {
    throw lambdaErr.invalidParameter('Could not unzip uploaded file. Please check your file, then try to upload again.');
  }
  return Buffer.from(text, 'base64');
}

function checkPackageType(o: Json): void {
  const pt = o.PackageType;
  if (pt !== undefined && pt !== null && pt !== 'Zip') {
    throw lambdaErr.invalidParameter('Rotor supports only PackageType Zip.');
  }
}

export interface CreateFunctionInput {
  name: string;
  runtime: RuntimeName;
  role: string;
  handler: string;
  zip: Buffer;
  timeout: number;
  memorySize: number;
  description: string;
  environment?: Record<string, string>;
  architectures: string[];
}

export function parseCreateFunction(body: unknown): CreateFunctionInput {
  const o = asObject(body);
  const name = reqString(o, 'FunctionName', 'functionName');
  if (!FUNCTION_NAME_RE.test(name)) {
    throw constraint(name, 'functionName', 'Member must satisfy regular expression pattern: [a-zA-Z0-9-_]+ and have length between 1 and 64');
  }
  checkPackageType(o);
  const role = checkRole(reqString(o, 'Role', 'role'));
  const runtime = optString(o, 'Runtime');
  const handler = optString(o, 'Handler');
  if (runtime !== undefined && isRuntime(runtime) && isWebhookRuntime(runtime)) {
    return parseCreateWebhook(o, name, runtime, role, handler);
  }
  if (runtime === undefined || handler === undefined) {
    throw lambdaErr.invalidParameter('Runtime and Handler are mandatory parameters for functions created with deployment packages.');
  }
  const code = o.Code;
  if (typeof code !== 'object' || code === null || Array.isArray(code)) {
    throw constraint(undefined, 'code', 'Member must not be null');
  }
  const input: CreateFunctionInput = {
    name,
    runtime: checkRuntime(runtime),
    role,
    handler: checkHandler(handler),
    zip: parseZip((code as Json).ZipFile),
    timeout: optInt(o, 'Timeout', 'timeout', 1, 900) ?? 3,
    memorySize: optInt(o, 'MemorySize', 'memorySize', 128, 10240) ?? 128,
    description: checkDescription(optString(o, 'Description') ?? ''),
    architectures: o.Architectures === undefined || o.Architectures === null ? ['x86_64'] : parseArchitectures(o.Architectures),
  };
  if (o.Environment !== undefined && o.Environment !== null) input.environment = parseEnvironment(o.Environment);
  return input;
}

/**
 * CreateFunction for Runtime rotor.webhook1: no code (Code absent, or empty — the AWS CLI needs
 * `--code '{}'`), Handler optional, and the webhook's URL and secret required in Environment.Variables.
 */
function parseCreateWebhook(o: Json, name: string, runtime: RuntimeName, role: string, handler: string | undefined): CreateFunctionInput {
  const code = o.Code;
  if (code !== undefined && code !== null) {
    if (typeof code !== 'object' || Array.isArray(code)) {
      throw lambdaErr.invalidContent('Could not parse request body into json: Code must be an object');
    }
    if (Object.values(code as Json).some((v) => v !== undefined && v !== null)) {
      throw lambdaErr.invalidParameter(
        `Functions with Runtime ${WEBHOOK_RUNTIME} have no code: omit Code (with the AWS CLI, pass --code '{}').`,
      );
    }
  }
  const input: CreateFunctionInput = {
    name,
    runtime,
    role,
    handler: handler === undefined || handler === '' ? '' : checkHandler(handler),
    zip: Buffer.alloc(0),
    timeout: optInt(o, 'Timeout', 'timeout', 1, 900) ?? 3,
    memorySize: optInt(o, 'MemorySize', 'memorySize', 128, 10240) ?? 128,
    description: checkDescription(optString(o, 'Description') ?? ''),
    architectures: o.Architectures === undefined || o.Architectures === null ? ['x86_64'] : parseArchitectures(o.Architectures),
  };
  const environment = o.Environment !== undefined && o.Environment !== null ? parseEnvironment(o.Environment) : undefined;
  webhookSettings(environment);
  if (environment !== undefined) input.environment = environment;
  return input;
}

export interface ConfigurationUpdate {
  role?: string;
  handler?: string;
  runtime?: RuntimeName;
  timeout?: number;
  memorySize?: number;
  description?: string;
  environment?: Record<string, string>;
  revisionId?: string;
}

export function parseConfigurationUpdate(body: unknown): ConfigurationUpdate {
  const o = asObject(body);
  const u: ConfigurationUpdate = {};
  const role = optString(o, 'Role');
  if (role !== undefined) u.role = checkRole(role);
  const handler = optString(o, 'Handler');
  if (handler !== undefined) u.handler = checkHandler(handler);
  const runtime = optString(o, 'Runtime');
  if (runtime !== undefined) u.runtime = checkRuntime(runtime);
  const timeout = optInt(o, 'Timeout', 'timeout', 1, 900);
  if (timeout !== undefined) u.timeout = timeout;
  const memorySize = optInt(o, 'MemorySize', 'memorySize', 128, 10240);
  if (memorySize !== undefined) u.memorySize = memorySize;
  const description = optString(o, 'Description');
  if (description !== undefined) u.description = checkDescription(description);
  if (o.Environment !== undefined && o.Environment !== null) u.environment = parseEnvironment(o.Environment);
  const revisionId = optString(o, 'RevisionId');
  if (revisionId !== undefined) u.revisionId = revisionId;
  return u;
}

export interface CodeUpdate {
  zip: Buffer;
  revisionId?: string;
}

export function parseCodeUpdate(body: unknown): CodeUpdate {
  const o = asObject(body);
  const u: CodeUpdate = { zip: parseZip(o.ZipFile) };
  const revisionId = optString(o, 'RevisionId');
  if (revisionId !== undefined) u.revisionId = revisionId;
  return u;
}

export function parseAddPermission(body: unknown): AddPermissionInput & { revisionId?: string } {
  const o = asObject(body);
  const sid = reqString(o, 'StatementId', 'statementId');
  if (!STATEMENT_ID_RE.test(sid)) {
    throw constraint(sid, 'statementId', 'Member must satisfy regular expression pattern: ([a-zA-Z0-9-_.]+)');
  }
  const action = reqString(o, 'Action', 'action');
  if (!ACTION_RE.test(action)) {
    throw constraint(action, 'action', 'Member must satisfy regular expression pattern: (lambda:[*]|lambda:[a-zA-Z]+|[*])');
  }
  const principal = reqString(o, 'Principal', 'principal');
  if (!/^[^\s]+$/.test(principal)) {
    throw constraint(principal, 'principal', 'Member must satisfy regular expression pattern: [^\\s]+');
  }
  const input: AddPermissionInput & { revisionId?: string } = { StatementId: sid, Action: action, Principal: principal };
  const sourceArn = optString(o, 'SourceArn');
  if (sourceArn !== undefined) {
    if (!/^arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9-])+:([a-z]{2}(-gov)?-[a-z]+-\d{1})?:(\d{12})?:(.*)$/.test(sourceArn)) {
      throw constraint(sourceArn, 'sourceArn', 'Member must satisfy regular expression pattern: arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\\-])+:([a-z]{2}(-gov)?-[a-z]+-\\d{1})?:(\\d{12})?:(.*)');
    }
    input.SourceArn = sourceArn;
  }
  const sourceAccount = optString(o, 'SourceAccount');
  if (sourceAccount !== undefined) {
    if (!ACCOUNT_RE.test(sourceAccount)) {
      throw constraint(sourceAccount, 'sourceAccount', 'Member must satisfy regular expression pattern: \\d{12}');
    }
    input.SourceAccount = sourceAccount;
  }
  const org = optString(o, 'PrincipalOrgID');
  if (org !== undefined) input.PrincipalOrgID = org;
  const token = optString(o, 'EventSourceToken');
  if (token !== undefined) input.EventSourceToken = token;
  const revisionId = optString(o, 'RevisionId');
  if (revisionId !== undefined) input.revisionId = revisionId;
  return input;
}
