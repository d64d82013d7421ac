/**
 * The Lambda-compatible function registry: functions defined through the Lambda REST API (or the rotor
 * CLI), kept in Rotor's SQLite file, run as warm local worker processes (Node.js and Python handlers,
 * unmodified) or delivered as signed HTTP POSTs (Runtime rotor.webhook1, webhook-invoker.ts), and invoked
 * by the rotation engine through FunctionInvoker.
 *
 *   handleHttp  — the Lambda REST subset (lambda-http.ts), for an already authenticated caller
 *   invoke      — RequestResponse invocation for the rotation engine (never throws for a function failure)
 *   canSecretsManagerInvoke — the resource-policy check of spec §8.2 step 6 / §8.15
 *   handleCodeDownload — serves GetFunction's Code.Location URLs (self-authenticating, like presigned S3)
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import type { CredentialService } from '../auth/credentials.js';
import type { Scope } from '../domain/types.js';
import { CODE_URL_PATH, CODE_URL_TTL_MS, codeToken, verifyCodeToken } from './code-url.js';
import { createFunctionOperations, type FunctionChange } from './function-operations.js';
import { parseAddPermission, parseCreateFunction } from './function-input.js';
import { functionArn, parseFunctionRef, resolveFunctionName } from './function-name.js';
import { serviceMayInvoke, type PolicyStatement } from './function-policy.js';
import { toConfiguration, type FunctionConfiguration, type FunctionRecord } from './function-record.js';
import { createSqliteFunctionStore, type FunctionKeyring } from './function-store.js';
import { createLambdaHttpHandler, type LambdaCaller } from './lambda-http.js';
import type { FunctionInvoker, InvokeResult } from './types.js';
import { isWebhookRuntime } from './webhook-config.js';
import { createWebhookInvoker } from './webhook-invoker.js';
import { createWorkerPool, errorPayload, workerKey, type PoolInvokeResult, type PoolLogger } from './worker-pool.js';

export { LAMBDA_PATH_PREFIX, type LambdaCaller } from './lambda-http.js';
export { CODE_URL_PATH } from './code-url.js';

export interface FunctionRegistryDeps {
  /** Rotor's SQLite database (SqliteStore.db); functions keep their own tables in it. */
  db: Database.Database;
  /** Rotor's master keyring: seals each function's environment variables at rest (function-store.ts). */
  keyring: FunctionKeyring;
  credentials: Pick<CredentialService, 'put'>;
  clock: () => number;
  /** Where code is unpacked; undefined ⇒ a temporary directory, removed by close(). */
  dataDir: string | undefined;
  /** Rotor's own URL (known once listening), given to functions as their endpoint. */
  endpointUrl: () => string;
  logger?: PoolLogger;
  /** Most warm workers (concurrent invocations) per function; default 4, further invocations queue (FIFO). */
  maxWorkersPerFunction?: number;
  /** Idle time after which a function's idle workers beyond the first are stopped (ms); default 60 s. */
  idleWorkerTimeoutMs?: number;
}

export interface FunctionRegistry extends FunctionInvoker {
  handleHttp(req: IncomingMessage, res: ServerResponse, body: Buffer, caller: LambdaCaller): Promise<void>;
  /** Serves `GET /_rotor/lambda-code/<token>`; false when the request is not one (nothing was written). */
  handleCodeDownload(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  list(scope: Scope): Promise<FunctionConfiguration[]>;
  /** CreateFunction without HTTP: `request` is the operation's JSON body (Code.ZipFile base64). */
  createFunction(scope: Scope, request: unknown): Promise<FunctionConfiguration>;
  /** AddPermission without HTTP; returns the statement as stored. */
  addPermission(scope: Scope, functionName: string, request: unknown): Promise<PolicyStatement>;
  deleteFunction(scope: Scope, functionName: string): Promise<void>;
  /**
   * The pid of a warm worker of the function, if one is running in this process. A function may have
   * several (one per concurrent invocation, up to maxWorkersPerFunction): this is its oldest live one.
   */
  workerPid(scope: Scope, name: string): number | undefined;
  /** Kills all warm workers; resolves by itself once they are gone (no other handle needs to keep Node alive). */
  close(): Promise<void>;
}

const SECRETS_MANAGER = 'secretsmanager.amazonaws.com';

export function createFunctionRegistry(deps: FunctionRegistryDeps): FunctionRegistry {
  const store = createSqliteFunctionStore(deps.db, deps.keyring);
  const ownTempDir = deps.dataDir === undefined ? mkdtempSync(join(tmpdir(), 'rotor-functions-')) : undefined;
  const baseDir = deps.dataDir ?? ownTempDir ?? tmpdir();
  const pool = createWorkerPool({
    store,
    credentials: deps.credentials,
    clock: deps.clock,
    baseDir,
    endpointUrl: deps.endpointUrl,
    ...(deps.logger ? { logger: deps.logger } : {}),
    ...(deps.maxWorkersPerFunction !== undefined ? { maxWorkersPerFunction: deps.maxWorkersPerFunction } : {}),
    ...(deps.idleWorkerTimeoutMs !== undefined ? { idleWorkerTimeoutMs: deps.idleWorkerTimeoutMs } : {}),
  });

  function onChange({ before, after }: FunctionChange): void {
    if (after && workerKey(after) === workerKey(before)) return;
    const stopped = pool.retire(before);
    if (!after || after.codeSha256 !== before.codeSha256) {
      void stopped.then(() => pool.removeCode(before, after ? before.codeSha256 : undefined));
    }
  }

  const ops = createFunctionOperations({ store, clock: deps.clock, onChange });
  const webhooks = createWebhookInvoker({ clock: deps.clock, ...(deps.logger ? { logger: deps.logger } : {}) });

  /** Webhook functions are HTTP deliveries; every other runtime runs in a warm worker. */
  function run(fn: FunctionRecord, event: unknown): Promise<PoolInvokeResult> {
    return isWebhookRuntime(fn.runtime) ? webhooks.invoke(fn, event) : pool.invoke(fn, event);
  }

  let urlKey: Promise<Buffer> | undefined;
  const codeUrlKey = () =>
    (urlKey ??= store
      .initMeta('code-url-key', randomBytes(32).toString('base64'))
      .then((v) => Buffer.from(v, 'base64')));

  async function codeLocation(fn: FunctionRecord): Promise<string> {
    const token = codeToken(await codeUrlKey(), {
      accountId: fn.accountId,
      region: fn.region,
      name: fn.name,
      codeSha256: fn.codeSha256,
      expiresAt: deps.clock() + CODE_URL_TTL_MS,
    });
    return `${deps.endpointUrl()}${CODE_URL_PATH}${token}`;
  }

  const handleHttp = createLambdaHttpHandler({
    ops,
    invoke: run,
    codeLocation,
    ...(deps.logger ? { logger: deps.logger } : {}),
  });

  /** The function a FunctionArn names in this scope, or undefined (other Region/account, bad text, absent). */
  async function lookup(scope: Scope, arnOrName: string): Promise<FunctionRecord | undefined> {
    const ref = parseFunctionRef(arnOrName);
    if (!ref) return undefined;
    if (ref.region !== undefined && ref.region !== scope.region) return undefined;
    if (ref.accountId !== undefined && ref.accountId !== scope.accountId) return undefined;
    if (ref.qualifier !== undefined && ref.qualifier !== '$LATEST') return undefined;
    return store.get(scope, ref.name);
  }

  return {
    async canSecretsManagerInvoke(scope, arn) {
      const fn = await lookup(scope, arn);
      if (!fn) return false;
      return serviceMayInvoke(fn.policy, {
        service: SECRETS_MANAGER,
        action: 'lambda:InvokeFunction',
        sourceAccount: scope.accountId,
        sourceArnParts: { service: 'secretsmanager', region: scope.region, accountId: scope.accountId },
      });
    },

    async invoke(scope, arn, event): Promise<InvokeResult> {
      const fn = await lookup(scope, arn);
      if (!fn) {
        const ref = parseFunctionRef(arn);
        const message = `Function not found: ${ref ? functionArn(scope, ref.name) : arn.slice(0, 200)}`;
        return {
          ok: false,
          payload: errorPayload({ errorType: 'ResourceNotFoundException', errorMessage: message }),
          errorMessage: message,
          logs: '',
          durationMs: 0,
        };
      }
      const { requestId: _r, pid: _p, ...result } = await run(fn, event);
      return result;
    },

    handleHttp,

    async handleCodeDownload(req, res) {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      if (req.method !== 'GET' || !path.startsWith(CODE_URL_PATH)) return false;
      const claims = verifyCodeToken(await codeUrlKey(), path.slice(CODE_URL_PATH.length), deps.clock());
      const code = claims ? await store.getCode(claims, claims.name, claims.codeSha256) : undefined;
      if (!code) {
        const body = '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Request has expired or is invalid</Message></Error>';
        res.writeHead(403, { 'Content-Type': 'application/xml', 'Content-Length': String(Buffer.byteLength(body)) });
        res.end(body);
        return true;
      }
      res.writeHead(200, { 'Content-Type': 'application/zip', 'Content-Length': String(code.length) });
      res.end(code);
      return true;
    },

    async list(scope) {
      const out: FunctionConfiguration[] = [];
      let after: string | undefined;
      for (;;) {
        const page = await ops.list(scope, after, 500);
        out.push(...page.map(toConfiguration));
        const last = page[page.length - 1];
        if (page.length < 500 || !last) return out;
        after = last.name;
      }
    },

    async createFunction(scope, request) {
      return toConfiguration(await ops.create(scope, parseCreateFunction(request)));
    },

    async addPermission(scope, functionName, request) {
      return ops.addPermission(scope, resolveFunctionName(scope, functionName), parseAddPermission(request));
    },

    async deleteFunction(scope, functionName) {
      await ops.remove(scope, resolveFunctionName(scope, functionName));
    },

    workerPid(scope, name) {
      return pool.pidOf({ ...scope, name });
    },

    async close() {
      webhooks.close();
      await pool.close();
      if (ownTempDir !== undefined) rmSync(ownTempDir, { recursive: true, force: true });
    },
  };
}
