/**
 * AWS JSON 1.1 over node:http (dependencies.md §5: a framework costs 15–43% throughput and we would
 * override its body parsing anyway).
 *
 * Order of checks for `POST /` (each failure is an AWS-shaped JSON error, never a crash):
 *   1. body larger than maxBodyBytes              → 413 RequestEntityTooLargeException
 *   2. SigV4 (auth/sigv4.ts, its own ordered list) → 403 MissingAuthenticationToken / IncompleteSignature /
 *                                                    InvalidSignature / UnrecognizedClient / ExpiredToken
 *   3. X-Amz-Target `secretsmanager.<Op>`         → 400 UnknownOperationException
 *   4. JSON body                                   → 400 SerializationException
 *   5. model validation (api/validate.ts)          → 400 SerializationException / ValidationException
 *   6. authorization (api/authorize.ts)            → 400 AccessDeniedException (ValidationException for a bad name first)
 *   7. the operation                               → its own AwsErrors; anything else → 500 InternalServiceError
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { AwsError } from '../domain/errors.js';
import { SigV4Verifier } from '../auth/sigv4.js';
import type { Services } from '../app-services.js';
import { isOperationName } from './model.js';
import { validateInput } from './validate.js';
import { authorizeOperation } from './authorize.js';
import { OPERATIONS } from './operations/index.js';
import { EXTENSIONS, isExtension } from './extensions/list-rotation-runs.js';
import type { Wire } from './wire.js';
import type { Logger } from '../logger.js';

const CONTENT_TYPE = 'application/x-amz-json-1.1';
const TARGET_PREFIX = 'secretsmanager.';
/** Rotor's own operations (api/extensions), e.g. rotor.ListRotationRuns. */
const ROTOR_PREFIX = 'rotor.';
/** Lambda's own limit for a direct-upload deployment package is 50 MB zipped; base64 adds a third. */
const LAMBDA_MAX_BODY = 70 * 1024 * 1024;

function parseJsonObject(body: Buffer): Wire {
  let v: unknown;
  try {
    v = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
  } catch {
    throw new AwsError('SerializationException', 'The request body is not valid JSON.');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new AwsError('SerializationException', 'The request body must be a JSON object.');
  return v as Wire;
}

export interface ProtocolOptions {
  services: Services;
  maxBodyBytes: number;
  logger: Logger;
  now?: () => number;
  /** The Lambda REST API served on the same endpoint (functions/registry.ts), for callers signed for 'lambda'. */
  lambda?: {
    prefix: string;
    handle(req: IncomingMessage, res: ServerResponse, body: Buffer, caller: { accountId: string; region: string; principalArn: string }): Promise<void>;
  };
  /** Extra routes (health, reset, …) tried before the AWS protocol; return true if handled. */
  routes?: (req: IncomingMessage, res: ServerResponse, body: Buffer) => Promise<boolean> | boolean;
}

function send(res: ServerResponse, status: number, body: Wire, requestId: string, errorCode?: string): void {
  const text = JSON.stringify(body);
  const headers: Record<string, string | number> = {
    'content-type': CONTENT_TYPE,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': requestId,
  };
  if (errorCode !== undefined) headers['x-amzn-errortype'] = errorCode;
  res.writeHead(status, headers);
  res.end(text);
}

export function sendError(res: ServerResponse, e: AwsError, requestId: string): void {
  send(res, e.status, { __type: e.code, Message: e.message }, requestId, e.code);
}

/** Reads the body up to `limit` bytes; resolves undefined if it is larger (the rest is drained). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? '0');
    if (declared > limit) {
      req.resume();
      resolve(undefined);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) over = true;
      else chunks.push(c);
    });
    req.on('end', () => resolve(over ? undefined : chunks.length === 1 && chunks[0] ? chunks[0] : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function createProtocolHandler(opts: ProtocolOptions) {
  const { services, logger } = opts;
  const verifierFor = (service: string) =>
    new SigV4Verifier({
      lookup: (id) => services.credentials.lookup(id),
      services: [service],
      ...(opts.now ? { now: opts.now } : {}),
    });
  const verifier = verifierFor('secretsmanager');
  const lambdaVerifier = verifierFor('lambda');

  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const started = process.hrtime.bigint();
    let op = '-';
    let code: string | undefined;
    try {
      // Function code (CreateFunction's base64 ZipFile) may be far larger than any Secrets Manager request.
      const isLambda = opts.lambda !== undefined && (req.url ?? '').startsWith(opts.lambda.prefix);
      const limit = isLambda ? Math.max(opts.maxBodyBytes, LAMBDA_MAX_BODY) : opts.maxBodyBytes;
      const body = await readBody(req, limit);
      if (body === undefined) {
        throw new AwsError('RequestEntityTooLargeException', `Request body is larger than ${limit} bytes.`);
      }
      if (opts.routes && (await opts.routes(req, res, body))) return;
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      if (opts.lambda && path.startsWith(opts.lambda.prefix)) {
        op = 'lambda';
        const authz = req.headers.authorization;
        const keyMatch = typeof authz === 'string' ? /Credential=([^/,\s]+)\//.exec(authz) : null;
        if (keyMatch?.[1] !== undefined) await services.credentials.prefetch(keyMatch[1]);
        const caller = lambdaVerifier.verify({ method: req.method ?? 'GET', url: req.url ?? '/', rawHeaders: req.rawHeaders, body });
        await opts.lambda.handle(req, res, body, {
          accountId: caller.credential.accountId,
          region: caller.region,
          principalArn: caller.credential.principalArn,
        });
        return;
      }
      if (req.method !== 'POST') throw new AwsError('MethodNotAllowedException', `Method ${req.method ?? ''} is not allowed; send POST /.`);

      const authz = req.headers.authorization;
      const keyMatch = typeof authz === 'string' ? /Credential=([^/,\s]+)\//.exec(authz) : null;
      if (keyMatch?.[1] !== undefined) await services.credentials.prefetch(keyMatch[1]);
      const caller = verifier.verify({ method: req.method, url: req.url ?? '/', rawHeaders: req.rawHeaders, body });

      const target = req.headers['x-amz-target'];
      const ctx = {
        scope: { accountId: caller.credential.accountId, region: caller.region },
        caller: { accessKeyId: caller.accessKeyId, accountId: caller.credential.accountId, principalArn: caller.credential.principalArn },
        requestId,
        sourceIp: req.socket.remoteAddress ?? '',
        secureTransport: 'encrypted' in req.socket && req.socket.encrypted === true,
        services,
      };
      if (typeof target === 'string' && target.startsWith(ROTOR_PREFIX)) {
        const ext = target.slice(ROTOR_PREFIX.length);
        if (!isExtension(ext)) throw new AwsError('UnknownOperationException', `Unknown operation ${target}`);
        op = `rotor.${ext}`;
        const parsed = parseJsonObject(body);
        send(res, 200, await EXTENSIONS[ext](ctx, parsed), requestId);
        return;
      }
      const name = typeof target === 'string' && target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
      if (!isOperationName(name)) {
        throw new AwsError('UnknownOperationException', typeof target === 'string' ? `Unknown operation ${target}` : 'Missing X-Amz-Target header.');
      }
      op = name;
      let input: unknown;
      try {
        input = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
      } catch {
        throw new AwsError('SerializationException', 'The request body is not valid JSON.');
      }
      validateInput(name, input);
      const operation = OPERATIONS[name];
      const wire = (input ?? {}) as Wire;
      // 6. authorization of the operation's action on its resource (api/authorize.ts)
      const authorized = await authorizeOperation(ctx, operation, wire);
      const out = await operation.handle(authorized, wire);
      send(res, 200, out, requestId);
    } catch (e) {
      if (e instanceof AwsError) {
        code = e.code;
        if (e.status >= 500) logger.error({ requestId, op, code, message: e.message });
        if (!res.headersSent) sendError(res, e, requestId);
      } else {
        code = 'InternalServiceError';
        // Never the error's text from below: it could quote input. Log the stack only.
        logger.error({ requestId, op, code, error: e instanceof Error ? (e.stack ?? e.name) : 'non-error thrown' });
        if (!res.headersSent) sendError(res, new AwsError('InternalServiceError', 'An internal error occurred.'), requestId);
      }
    } finally {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      logger.request({ requestId, op, status: res.statusCode, code, ms });
    }
  };
}
