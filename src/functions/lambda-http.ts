/**
 * The Lambda REST API subset (paths under /2015-03-31/functions) that the AWS CLI v2 and the SDKs send to
 * manage and invoke functions. Authentication happened before: the caller arrives as account + Region +
 * principal. Responses and errors are REST-JSON as Lambda sends them (errors: status, `x-amzn-ErrorType`,
 * `{"Type":"User","message":…}`).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Scope } from '../domain/types.js';
import {
  parseAddPermission,
  parseCodeUpdate,
  parseConfigurationUpdate,
  parseCreateFunction,
} from './function-input.js';
import { resolveFunctionName } from './function-name.js';
import type { FunctionOperations } from './function-operations.js';
import { policyDocument } from './function-policy.js';
import { toConfiguration, type FunctionRecord } from './function-record.js';
import { authorizeLambdaRequest, LAMBDA_PATH_PREFIX, type LambdaAuthorize } from './lambda-authz.js';
import { LambdaError, lambdaErr } from './lambda-errors.js';
import { isWebhookRuntime } from './webhook-config.js';
import type { PoolInvokeResult, PoolLogger } from './worker-pool.js';

export { LAMBDA_PATH_PREFIX };

/** Lambda's synchronous request limit for Invoke (6 MB). */
const MAX_INVOKE_REQUEST_BYTES = 6_291_456;
/** X-Amz-Log-Result carries the last 4 KB of the log. */
const LOG_TAIL_BYTES = 4096;

export interface LambdaCaller {
  accountId: string;
  region: string;
  principalArn: string;
  /**
   * Authorization of the request's `lambda:*` (and `iam:PassRole`) actions (lambda-authz.ts), supplied by
   * the embedding (src/app.ts). Absent: no authorization here (direct use in tests, or a wrapper that
   * already authorized the request and strips it before delegating).
   */
  authorize?: LambdaAuthorize;
}

interface Reply {
  status: number;
  json?: unknown;
  raw?: string;
  headers?: Record<string, string>;
}

interface RouteInput {
  scope: Scope;
  name: string;
  sid: string;
  query: URLSearchParams;
  body: Buffer;
  headers: IncomingMessage['headers'];
}

export interface LambdaHttpDeps {
  ops: FunctionOperations;
  invoke(fn: FunctionRecord, event: unknown): Promise<PoolInvokeResult>;
  codeLocation(fn: FunctionRecord): Promise<string>;
  logger?: PoolLogger;
}

type RouteKey =
  | 'POST /'
  | 'GET /'
  | 'GET /{name}'
  | 'DELETE /{name}'
  | 'GET /{name}/configuration'
  | 'PUT /{name}/configuration'
  | 'PUT /{name}/code'
  | 'POST /{name}/invocations'
  | 'POST /{name}/policy'
  | 'GET /{name}/policy'
  | 'DELETE /{name}/policy/{sid}';

function jsonBody(body: Buffer): unknown {
  if (body.length === 0) return {};
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch (e) {
    throw lambdaErr.invalidContent(`Could not parse request body into json: ${e instanceof Error ? e.message : 'malformed JSON'}`);
  }
}

function header(headers: IncomingMessage['headers'], name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function parseMaxItems(q: URLSearchParams): number {
  const raw = q.get('MaxItems');
  if (raw === null || raw === '') return 50;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 10_000) {
    throw lambdaErr.invalidParameter(
      `1 validation error detected: Value '${raw.slice(0, 50)}' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 10000`,
    );
  }
  return n;
}

function decodeMarker(marker: string | null): string | undefined {
  if (marker === null || marker === '') return undefined;
  const name = Buffer.from(marker, 'base64url').toString('utf8');
  if (!/^[a-zA-Z0-9-_]{1,64}$/.test(name)) throw lambdaErr.invalidParameter('Invalid marker');
  return name;
}

function framedLogs(r: PoolInvokeResult, memorySize: number): string {
  const body = r.logs === '' || r.logs.endsWith('\n') ? r.logs : `${r.logs}\n`;
  return (
    `START RequestId: ${r.requestId} Version: $LATEST\n${body}END RequestId: ${r.requestId}\n` +
    `REPORT RequestId: ${r.requestId}\tDuration: ${r.durationMs.toFixed(2)} ms\tBilled Duration: ${Math.ceil(r.durationMs)} ms\tMemory Size: ${memorySize} MB\tMax Memory Used: ${memorySize} MB\t\n`
  );
}

export function createLambdaHttpHandler(deps: LambdaHttpDeps) {
  const { ops } = deps;

  const routes = {
    'POST /': async ({ scope, body }) => {
      const fn = await ops.create(scope, parseCreateFunction(jsonBody(body)));
      return { status: 201, json: toConfiguration(fn) };
    },
    'GET /': async ({ scope, query }) => {
      const limit = parseMaxItems(query);
      const page = await ops.list(scope, decodeMarker(query.get('Marker')), limit + 1);
      const shown = page.slice(0, limit);
      const out: { Functions: unknown[]; NextMarker?: string } = { Functions: shown.map(toConfiguration) };
      const last = shown[shown.length - 1];
      if (page.length > limit && last) out.NextMarker = Buffer.from(last.name).toString('base64url');
      return { status: 200, json: out };
    },
    'GET /{name}': async ({ scope, name }) => {
      const fn = await ops.get(scope, name);
      // A webhook function has no package to download.
      if (isWebhookRuntime(fn.runtime)) return { status: 200, json: { Configuration: toConfiguration(fn) } };
      return {
        status: 200,
        json: { Configuration: toConfiguration(fn), Code: { RepositoryType: 'S3', Location: await deps.codeLocation(fn) } },
      };
    },
    'DELETE /{name}': async ({ scope, name }) => {
      await ops.remove(scope, name);
      return { status: 204 };
    },
    'GET /{name}/configuration': async ({ scope, name }) => ({
      status: 200,
      json: toConfiguration(await ops.get(scope, name)),
    }),
    'PUT /{name}/configuration': async ({ scope, name, body }) => ({
      status: 200,
      json: toConfiguration(await ops.updateConfiguration(scope, name, parseConfigurationUpdate(jsonBody(body)))),
    }),
    'PUT /{name}/code': async ({ scope, name, body }) => ({
      status: 200,
      json: toConfiguration(await ops.updateCode(scope, name, parseCodeUpdate(jsonBody(body)))),
    }),
    'POST /{name}/invocations': async ({ scope, name, body, headers }) => {
      const type = header(headers, 'x-amz-invocation-type') ?? 'RequestResponse';
      if (type !== 'RequestResponse' && type !== 'Event' && type !== 'DryRun') {
        throw lambdaErr.invalidParameter(
          `1 validation error detected: Value '${type.slice(0, 50)}' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]`,
        );
      }
      const logType = header(headers, 'x-amz-log-type') ?? 'None';
      if (logType !== 'None' && logType !== 'Tail') {
        throw lambdaErr.invalidParameter(
          `1 validation error detected: Value '${logType.slice(0, 50)}' at 'logType' failed to satisfy constraint: Member must satisfy enum value set: [None, Tail]`,
        );
      }
      if (body.length > MAX_INVOKE_REQUEST_BYTES) {
        throw lambdaErr.tooLarge(`Request must be smaller than ${MAX_INVOKE_REQUEST_BYTES} bytes for the InvokeFunction operation`);
      }
      const event = jsonBody(body);
      const fn = await ops.get(scope, name);
      if (type === 'DryRun') return { status: 204 };
      if (type === 'Event') {
        void deps.invoke(fn, event).then((r) => {
          if (!r.ok) deps.logger?.warn({ msg: 'asynchronous invocation failed', function: fn.arn, requestId: r.requestId, error: r.errorMessage });
        });
        return { status: 202, headers: { 'X-Amz-Executed-Version': '$LATEST' } };
      }
      const r = await deps.invoke(fn, event);
      const h: Record<string, string> = { 'X-Amz-Executed-Version': '$LATEST' };
      if (!r.ok) h['X-Amz-Function-Error'] = r.functionError ?? 'Unhandled';
      if (logType === 'Tail') {
        const all = Buffer.from(framedLogs(r, fn.memorySize), 'utf8');
        h['X-Amz-Log-Result'] = all.subarray(Math.max(0, all.length - LOG_TAIL_BYTES)).toString('base64');
      }
      return { status: 200, raw: r.payload, headers: h };
    },
    'POST /{name}/policy': async ({ scope, name, body }) => {
      const st = await ops.addPermission(scope, name, parseAddPermission(jsonBody(body)));
      return { status: 201, json: { Statement: JSON.stringify(st) } };
    },
    'GET /{name}/policy': async ({ scope, name }) => {
      const fn = await ops.get(scope, name);
      if (fn.policy.length === 0) throw lambdaErr.notFound();
      return { status: 200, json: { Policy: policyDocument(fn.policy), RevisionId: fn.revisionId } };
    },
    'DELETE /{name}/policy/{sid}': async ({ scope, name, sid, query }) => {
      const rev = query.get('RevisionId');
      await ops.removePermission(scope, name, sid, rev !== null && rev !== '' ? rev : undefined);
      return { status: 204 };
    },
  } satisfies Record<RouteKey, (i: RouteInput) => Promise<Reply>>;

  function route(method: string, segments: string[]): { key: RouteKey; rawName: string; sid: string } | undefined {
    const [rawName = '', sub, sid = '', ...rest] = segments;
    if (rest.length > 0) return undefined;
    let shape: string;
    if (segments.length === 0) shape = '/';
    else if (segments.length === 1) shape = '/{name}';
    else if (segments.length === 2) shape = `/{name}/${sub ?? ''}`;
    else if (sub === 'policy') shape = '/{name}/policy/{sid}';
    else return undefined;
    const key = `${method} ${shape}`;
    return Object.hasOwn(routes, key) ? { key: key as RouteKey, rawName, sid } : undefined;
  }

  function send(res: ServerResponse, reply: Reply, requestId: string): void {
    const headers: Record<string, string> = { 'x-amzn-RequestId': requestId, ...(reply.headers ?? {}) };
    let payload: string | undefined;
    if (reply.raw !== undefined) payload = reply.raw;
    else if (reply.json !== undefined) payload = JSON.stringify(reply.json);
    if (payload !== undefined) {
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(payload));
    } else {
      headers['Content-Length'] = '0';
    }
    res.writeHead(reply.status, headers);
    res.end(payload);
  }

  return async function handleHttp(
    req: IncomingMessage,
    res: ServerResponse,
    body: Buffer,
    caller: LambdaCaller,
  ): Promise<void> {
    const requestId = randomUUID();
    try {
      const url = new URL(req.url ?? '/', 'http://rotor.invalid');
      const path = url.pathname;
      if (path !== LAMBDA_PATH_PREFIX && !path.startsWith(`${LAMBDA_PATH_PREFIX}/`)) throw lambdaErr.unknownOperation();
      let segments: string[];
      try {
        segments = path
          .slice(LAMBDA_PATH_PREFIX.length)
          .split('/')
          .filter((s) => s !== '')
          .map((s) => decodeURIComponent(s));
      } catch {
        throw lambdaErr.invalidParameter('The path is not correctly URL-encoded.');
      }
      const found = route(req.method ?? 'GET', segments);
      if (!found) throw lambdaErr.unknownOperation();
      const scope: Scope = { accountId: caller.accountId, region: caller.region };
      // Authorization precedes validation of the name and "not found", so existence is never leaked.
      if (caller.authorize) {
        const denied = authorizeLambdaRequest(req, body, scope, caller.authorize);
        if (denied) throw denied;
      }
      const qualifier = url.searchParams.get('Qualifier') ?? undefined;
      const name = found.key === 'POST /' || found.key === 'GET /' ? '' : resolveFunctionName(scope, found.rawName, qualifier);
      const reply = await routes[found.key]({
        scope,
        name,
        sid: found.sid,
        query: url.searchParams,
        body,
        headers: req.headers,
      });
      send(res, reply, requestId);
    } catch (e) {
      const err =
        e instanceof LambdaError ? e : new LambdaError('ServiceException', 'An internal error occurred.');
      if (!(e instanceof LambdaError)) {
        deps.logger?.error({ msg: 'lambda api failure', requestId, error: e instanceof Error ? e.message : 'unknown' });
      }
      if (res.headersSent) {
        res.end();
        return;
      }
      send(res, { status: err.status, json: { Type: err.type, message: err.message }, headers: { 'x-amzn-ErrorType': err.code } }, requestId);
    }
  };
}
