/**
 * The Lambda-compatible registry with the built-in rotators in it (the one thing src/app.ts wires): the
 * rotation engine's FunctionInvoker dispatches `rotor-builtin-*` names to the built-ins first, and the
 * Lambda REST API shows them — ListFunctions lists them among the user's functions (Runtime
 * `rotor.builtin`), GetFunction / GetFunctionConfiguration describe them, CreateFunction refuses the
 * reserved prefix, and other operations on them answer that they cannot be changed.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Scope } from '../domain/types.js';
import { lambdaTimestamp, type FunctionConfiguration } from '../functions/function-record.js';
import { LAMBDA_PATH_PREFIX, type FunctionRegistry } from '../functions/registry.js';
import { authorizeLambdaRequest } from '../functions/lambda-authz.js';
import { BUILTIN_PREFIX, parseBuiltinRef } from './builtin-name.js';
import { createBuiltinRotators, withBuiltinInvoker, type BuiltinRotators, type BuiltinRotatorsDeps } from './builtin-invoker.js';

export const BUILTIN_RUNTIME = 'rotor.builtin';
/** Fixed: a built-in changes only with Rotor itself. */
const BUILTIN_MODIFIED = Date.UTC(2026, 0, 1);

function configurationOf(b: ReturnType<BuiltinRotators['list']>[number]): FunctionConfiguration {
  return {
    FunctionName: b.functionName,
    FunctionArn: b.arn,
    Runtime: BUILTIN_RUNTIME,
    Role: '',
    CodeSize: 0,
    Description: b.description,
    Timeout: 60,
    MemorySize: 128,
    LastModified: lambdaTimestamp(BUILTIN_MODIFIED),
    CodeSha256: '',
    Version: '$LATEST',
    TracingConfig: { Mode: 'PassThrough' },
    RevisionId: `builtin-${b.name}`,
    State: 'Active',
    LastUpdateStatus: 'Successful',
    PackageType: 'Zip',
    Architectures: [process.arch === 'arm64' ? 'arm64' : 'x86_64'],
    EphemeralStorage: { Size: 512 },
    LoggingConfig: { LogFormat: 'Text', LogGroup: `/aws/lambda/${b.functionName}` },
  };
}

function reply(res: ServerResponse, status: number, json: unknown, errorCode?: string): void {
  const payload = JSON.stringify(json);
  res.writeHead(status, {
    'x-amzn-RequestId': randomUUID(),
    'Content-Type': 'application/json',
    'Content-Length': String(Buffer.byteLength(payload)),
    ...(errorCode !== undefined ? { 'x-amzn-ErrorType': errorCode } : {}),
  });
  res.end(payload);
}

function lambdaError(res: ServerResponse, status: number, code: string, message: string): void {
  reply(res, status, { Type: 'User', message }, code);
}

/** MaxItems and Marker as the registry reads them; undefined ⇒ let the registry answer (with its error). */
function pageParams(q: URLSearchParams): { limit: number; after: string | undefined } | undefined {
  const raw = q.get('MaxItems');
  const limit = raw === null || raw === '' ? 50 : Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) return undefined;
  const marker = q.get('Marker');
  if (marker === null || marker === '') return { limit, after: undefined };
  const after = Buffer.from(marker, 'base64url').toString('utf8');
  return /^[a-zA-Z0-9-_]{1,64}$/.test(after) ? { limit, after } : undefined;
}

export function withBuiltinRotators(registry: FunctionRegistry, deps: BuiltinRotatorsDeps): FunctionRegistry {
  const builtins = createBuiltinRotators(deps);
  const invoker = withBuiltinInvoker(registry, builtins);

  async function list(scope: Scope): Promise<FunctionConfiguration[]> {
    const all = [...(await registry.list(scope)), ...builtins.list(scope).map(configurationOf)];
    return all.sort((a, b) => (a.FunctionName < b.FunctionName ? -1 : a.FunctionName > b.FunctionName ? 1 : 0));
  }

  /** True when the request was about a built-in (or ListFunctions) and has been answered. */
  async function handleBuiltin(req: IncomingMessage, res: ServerResponse, body: Buffer, scope: Scope): Promise<boolean> {
    const url = new URL(req.url ?? '/', 'http://rotor.invalid');
    const method = req.method ?? 'GET';
    const rest = url.pathname.startsWith(LAMBDA_PATH_PREFIX) ? url.pathname.slice(LAMBDA_PATH_PREFIX.length) : undefined;
    if (rest === undefined) return false;
    const segments = rest.split('/').filter((s) => s !== '');
    if (segments.length === 0) {
      if (method === 'GET') {
        const page = pageParams(url.searchParams);
        if (!page) return false;
        const all = (await list(scope)).filter((f) => page.after === undefined || f.FunctionName > page.after);
        const shown = all.slice(0, page.limit);
        const out: { Functions: FunctionConfiguration[]; NextMarker?: string } = { Functions: shown };
        const last = shown[shown.length - 1];
        if (all.length > page.limit && last) out.NextMarker = Buffer.from(last.FunctionName).toString('base64url');
        reply(res, 200, out);
        return true;
      }
      if (method === 'POST') {
        let name: unknown;
        try {
          name = (JSON.parse(body.toString('utf8')) as { FunctionName?: unknown }).FunctionName;
        } catch {
          return false;
        }
        if (typeof name !== 'string' || parseBuiltinRef(scope, name).kind === 'other') return false;
        lambdaError(res, 400, 'InvalidParameterValueException', `Function names starting with "${BUILTIN_PREFIX}" are reserved for Rotor's built-in rotators.`);
        return true;
      }
      return false;
    }
    let first: string;
    try {
      first = decodeURIComponent(segments[0] ?? '');
    } catch {
      return false;
    }
    const ref = parseBuiltinRef(scope, first);
    if (ref.kind === 'other') return false;
    const found = ref.kind === 'builtin' ? builtins.list(scope).find((b) => b.name === ref.name) : undefined;
    if (!found) {
      lambdaError(res, 404, 'ResourceNotFoundException', `Function not found: arn:aws:lambda:${scope.region}:${scope.accountId}:function:${ref.functionName}`);
      return true;
    }
    const sub = segments.slice(1).join('/');
    if (method === 'GET' && sub === '') {
      reply(res, 200, { Configuration: configurationOf(found) });
      return true;
    }
    if (method === 'GET' && sub === 'configuration') {
      reply(res, 200, configurationOf(found));
      return true;
    }
    lambdaError(res, 400, 'InvalidParameterValueException', `${found.functionName} is one of Rotor's built-in rotators: it can be named as a RotationLambdaARN but not changed, invoked or given permissions.`);
    return true;
  }

  return {
    ...registry,
    canSecretsManagerInvoke: invoker.canSecretsManagerInvoke,
    invoke: invoker.invoke,
    list,
    async handleHttp(req, res, body, caller) {
      const { authorize, ...who } = caller;
      const scope = { accountId: caller.accountId, region: caller.region };
      // Authorized once, here, before built-ins answer (ListFunctions, GetFunction of a built-in).
      const denied = authorize ? authorizeLambdaRequest(req, body, scope, authorize) : undefined;
      if (denied) {
        lambdaError(res, denied.status, denied.code, denied.message);
        return;
      }
      if (await handleBuiltin(req, res, body, scope)) return;
      await registry.handleHttp(req, res, body, who);
    },
  };
}
