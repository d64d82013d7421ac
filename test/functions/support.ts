/**
 * Shared set-up for the function registry tests: a real in-memory SqliteStore, a real credential service
 * and zips built with fflate.
 */
import { randomBytes } from 'node:crypto';
import { strToU8, zipSync } from 'fflate';
import { createCredentialService, type CredentialService } from '../../src/auth/credentials.js';
import { MasterKeyring } from '../../src/crypto/keyring.js';
import type { Scope } from '../../src/domain/types.js';
import { createFunctionRegistry, type FunctionRegistry } from '../../src/functions/registry.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
export const SCOPE: Scope = { accountId: ACCOUNT, region: REGION };
export const ROLE = `arn:aws:iam::${ACCOUNT}:role/service-role/rotation-role`;
export const ENDPOINT = 'http://127.0.0.1:4566';

export function zipOf(files: Record<string, string>): Buffer {
  const entries: Record<string, Uint8Array> = {};
  for (const [name, text] of Object.entries(files)) entries[name] = strToU8(text);
  return Buffer.from(zipSync(entries));
}

export function createRequest(
  name: string,
  runtime: string,
  handler: string,
  files: Record<string, string>,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    FunctionName: name,
    Runtime: runtime,
    Role: ROLE,
    Handler: handler,
    Code: { ZipFile: zipOf(files).toString('base64') },
    ...extra,
  };
}

export interface Harness {
  store: SqliteStore;
  credentials: CredentialService;
  registry: FunctionRegistry;
  close(): Promise<void>;
}

export function harness(
  opts: {
    dataDir?: string;
    endpoint?: () => string;
    dbPath?: string;
    keyring?: MasterKeyring;
    maxWorkersPerFunction?: number;
    idleWorkerTimeoutMs?: number;
  } = {},
): Harness {
  const store = new SqliteStore({ path: opts.dbPath ?? ':memory:' });
  const keyring = opts.keyring ?? new MasterKeyring([{ id: 't', key: randomBytes(32) }]);
  const credentials = createCredentialService({ store, keyring, clock: Date.now });
  const registry = createFunctionRegistry({
    db: store.db,
    keyring,
    credentials,
    clock: Date.now,
    dataDir: opts.dataDir,
    endpointUrl: opts.endpoint ?? (() => ENDPOINT),
    ...(opts.maxWorkersPerFunction !== undefined ? { maxWorkersPerFunction: opts.maxWorkersPerFunction } : {}),
    ...(opts.idleWorkerTimeoutMs !== undefined ? { idleWorkerTimeoutMs: opts.idleWorkerTimeoutMs } : {}),
  });
  return {
    store,
    credentials,
    registry,
    async close() {
      await registry.close();
      await store.close();
    },
  };
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
