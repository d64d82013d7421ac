/**
 * The warm workers of this Rotor process: per function a group of up to `maxWorkersPerFunction` workers
 * (worker-group.ts: concurrent invocations run in separate processes, as in Lambda's separate execution
 * environments), keyed by the function's code and configuration, so a changed function gets fresh
 * processes while the old ones finish what they had queued. Workers are per process (each node of a
 * cluster warms its own); the function definitions they run come from the shared store.
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CredentialService } from '../auth/credentials.js';
import type { InvokeResult } from './types.js';
import { codeDirFor, extractPackage } from './code-package.js';
import { codeShaHex, scopeOf, type FunctionRecord } from './function-record.js';
import type { FunctionStore } from './function-store.js';
import { issueRoleCredentials } from './role-credentials.js';
import { runtimeKind } from './runtimes.js';
import { FunctionWorker, type FunctionErrorBody, type WorkerLaunch } from './worker.js';
import { WorkerGroup } from './worker-group.js';
import { workerEnv } from './worker-env.js';

/** Lambda's synchronous response limit (6 MB), in bytes of the payload. */
export const MAX_RESPONSE_BYTES = 6_291_556;
/** Default most workers (concurrent invocations) per function. */
export const DEFAULT_MAX_WORKERS_PER_FUNCTION = 4;
/** Default idle time after which a function's workers other than its oldest are stopped (ms). */
export const DEFAULT_IDLE_WORKER_TIMEOUT_MS = 60_000;

export interface PoolLogger {
  info(o: Record<string, unknown>): void;
  warn(o: Record<string, unknown>): void;
  error(o: Record<string, unknown>): void;
}

export interface WorkerPoolDeps {
  store: Pick<FunctionStore, 'getCode'>;
  credentials: Pick<CredentialService, 'put'>;
  clock: () => number;
  /** Where code is unpacked: `<baseDir>/functions/<account>/<region>/<name>/<sha-hex>/`. */
  baseDir: string;
  endpointUrl: () => string;
  logger?: PoolLogger;
  parentEnv?: NodeJS.ProcessEnv;
  /** Most workers (concurrent invocations) per function; default 4. Further invocations queue (FIFO). */
  maxWorkersPerFunction?: number;
  /** Idle time after which a function's idle workers beyond the first are stopped (ms); default 60 s. */
  idleWorkerTimeoutMs?: number;
}

export interface PoolInvokeResult extends InvokeResult {
  requestId: string;
  /** Process id of the worker that ran it (absent if none started). */
  pid?: number;
}

/** The directory holding node-bootstrap.mjs and python-bootstrap.py (runtime/ at the project root). */
export function findRuntimeDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'runtime');
    if (existsSync(join(candidate, 'node-bootstrap.mjs'))) return candidate;
    dir = dirname(dir);
  }
  throw new Error('runtime/node-bootstrap.mjs not found next to Rotor');
}

/** Rotor's own node_modules (above runtime/), which provides the AWS SDK to Node handlers as Lambda's runtime does. */
function findNodeModules(runtimeDir: string): string | undefined {
  let dir = dirname(runtimeDir);
  for (let i = 0; i < 4; i++) {
    const candidate = join(dir, 'node_modules');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  return undefined;
}

const functionId = (f: Pick<FunctionRecord, 'accountId' | 'region' | 'name'>) => `${f.accountId}/${f.region}/${f.name}`;

/** What a worker depends on: a change to any of these needs a new process. */
export function workerKey(f: FunctionRecord): string {
  return createHash('sha256')
    .update(
      JSON.stringify([f.codeSha256, f.runtime, f.handler, f.timeout, f.memorySize, f.role, f.environment ?? null]),
    )
    .digest('hex');
}

/** Lambda's error payload, members in Lambda's order. */
export function errorPayload(e: FunctionErrorBody): string {
  return JSON.stringify({ errorMessage: e.errorMessage, errorType: e.errorType, stackTrace: e.stackTrace ?? [] });
}

export function createWorkerPool(deps: WorkerPoolDeps) {
  const runtimeDir = findRuntimeDir();
  const nodeModules = findNodeModules(runtimeDir);
  const groups = new Map<string, WorkerGroup>();
  const parentEnv = deps.parentEnv ?? process.env;
  const maxWorkers = deps.maxWorkersPerFunction ?? DEFAULT_MAX_WORKERS_PER_FUNCTION;
  if (!Number.isInteger(maxWorkers) || maxWorkers < 1) throw new Error(`maxWorkersPerFunction must be a positive integer, not ${maxWorkers}`);
  const idleMs = deps.idleWorkerTimeoutMs ?? DEFAULT_IDLE_WORKER_TIMEOUT_MS;
  let closed = false;

  function ensureModuleBoundary(): void {
    // Without a package.json of its own, a handler's .js is CommonJS on Lambda; make sure Rotor's own
    // package.json ("type": "module") or any above the data dir never decides that instead.
    const p = join(deps.baseDir, 'functions', 'package.json');
    if (!existsSync(p)) {
      mkdirSync(dirname(p), { recursive: true, mode: 0o700 });
      writeFileSync(p, '{"type":"commonjs"}\n');
    }
  }

  function launcher(fn: FunctionRecord): () => Promise<WorkerLaunch> {
    return async () => {
      const kind = runtimeKind(fn.runtime);
      if (kind === 'webhook') throw new Error(`${fn.runtime} functions are not run in workers`);
      const code = await deps.store.getCode(scopeOf(fn), fn.name, fn.codeSha256);
      if (!code) throw new Error('The function was changed or deleted while starting.');
      ensureModuleBoundary();
      const codeDir = codeDirFor(deps.baseDir, fn.accountId, fn.region, fn.name, codeShaHex(fn.codeSha256));
      extractPackage(code, codeDir);
      const creds = await issueRoleCredentials(deps.credentials, fn, deps.clock());
      const now = new Date(deps.clock());
      const day = now.toISOString().slice(0, 10).replace(/-/g, '/');
      const env = workerEnv({
        fn,
        codeDir,
        runtimeDir,
        endpointUrl: deps.endpointUrl(),
        credentials: creds,
        logStreamName: `${day}/[$LATEST]${randomUUID().replace(/-/g, '')}`,
        parentEnv,
        ...(kind === 'node' && nodeModules !== undefined ? { nodePath: nodeModules } : {}),
      });
      const launch: WorkerLaunch =
        kind === 'node'
          ? {
              command: process.execPath,
              // As Lambda's Node bootstrap does: the heap follows the configured memory.
              args: [`--max-old-space-size=${Math.floor((fn.memorySize * 90) / 100)}`, join(runtimeDir, 'node-bootstrap.mjs')],
              cwd: codeDir,
              env,
              credentialsExpireAt: creds.expiresAt,
            }
          : {
              command: 'python3',
              args: ['-u', join(runtimeDir, 'python-bootstrap.py')],
              cwd: codeDir,
              env,
              credentialsExpireAt: creds.expiresAt,
            };
      deps.logger?.info({ msg: 'starting function worker', function: fn.arn, runtime: fn.runtime });
      return launch;
    };
  }

  function groupFor(fn: FunctionRecord): WorkerGroup {
    const id = functionId(fn);
    const key = workerKey(fn);
    const existing = groups.get(id);
    if (existing && existing.key === key) return existing;
    if (existing) void existing.retire();
    const prepare = launcher(fn);
    const g = new WorkerGroup({
      key,
      maxWorkers,
      idleMs,
      create: () =>
        new FunctionWorker({
          key,
          timeoutSeconds: fn.timeout,
          prepare,
          now: deps.clock,
          ...(deps.logger ? { onLog: (o: Record<string, unknown>) => deps.logger?.info({ ...o, function: fn.arn }) } : {}),
        }),
    });
    groups.set(id, g);
    return g;
  }

  async function invoke(fn: FunctionRecord, event: unknown): Promise<PoolInvokeResult> {
    const requestId = randomUUID();
    const started = performance.now();
    if (closed) {
      const error = { errorType: 'ServiceException', errorMessage: 'Rotor is shutting down' };
      return { ok: false, functionError: 'Unhandled', payload: errorPayload(error), errorMessage: error.errorMessage, logs: '', durationMs: 0, requestId };
    }
    const outcome = await groupFor(fn).invoke({ requestId, event, invokedFunctionArn: fn.arn });
    const durationMs = Math.round((performance.now() - started) * 100) / 100;
    const pid = outcome.pid !== undefined ? { pid: outcome.pid } : {};
    if (outcome.ok) {
      if (Buffer.byteLength(outcome.payload) > MAX_RESPONSE_BYTES) {
        const error = {
          errorType: 'Function.ResponseSizeTooLarge',
          errorMessage: `Response payload size exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`,
        };
        return { ok: false, functionError: 'Unhandled', payload: errorPayload(error), errorMessage: error.errorMessage, logs: outcome.logs, durationMs, requestId, ...pid };
      }
      return { ok: true, payload: outcome.payload, logs: outcome.logs, durationMs, requestId, ...pid };
    }
    return {
      ok: false,
      functionError: 'Unhandled',
      payload: errorPayload(outcome.error),
      errorMessage: outcome.error.errorMessage.slice(0, 1000),
      logs: outcome.logs,
      durationMs,
      requestId,
      ...pid,
    };
  }

  /** The function changed or is gone: all its workers stop once the invocations already queued are done. */
  function retire(f: Pick<FunctionRecord, 'accountId' | 'region' | 'name'>): Promise<void> {
    const id = functionId(f);
    const g = groups.get(id);
    if (!g) return Promise.resolve();
    groups.delete(id);
    return g.retire();
  }

  /** Removes unpacked code: one version's directory, or (no sha) the whole function's. */
  function removeCode(f: Pick<FunctionRecord, 'accountId' | 'region' | 'name'>, codeSha256?: string): void {
    const dir =
      codeSha256 !== undefined
        ? codeDirFor(deps.baseDir, f.accountId, f.region, f.name, codeShaHex(codeSha256))
        : dirname(codeDirFor(deps.baseDir, f.accountId, f.region, f.name, 'x'));
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch (e) {
      deps.logger?.warn({ msg: 'could not remove function code', dir, error: e instanceof Error ? e.message : 'unknown' });
    }
  }

  /** Kills every worker; resolves once their exits are delivered (it keeps the event loop alive meanwhile). */
  async function close(): Promise<void> {
    closed = true;
    const all = [...groups.values()];
    groups.clear();
    const error = { errorType: 'ServiceException', errorMessage: 'Rotor is shutting down' };
    await Promise.all(all.map((g) => g.kill(error)));
  }

  /**
   * For tests and diagnostics: the pid of a live worker of the function (its oldest that has a process;
   * with several workers, any one of them), or undefined.
   */
  function pidOf(f: Pick<FunctionRecord, 'accountId' | 'region' | 'name'>): number | undefined {
    return groups.get(functionId(f))?.pid;
  }

  /** For tests and diagnostics: the pids of all live workers of the function. */
  function pidsOf(f: Pick<FunctionRecord, 'accountId' | 'region' | 'name'>): number[] {
    return groups.get(functionId(f))?.pids ?? [];
  }

  return { invoke, retire, removeCode, close, pidOf, pidsOf };
}

export type WorkerPool = ReturnType<typeof createWorkerPool>;
