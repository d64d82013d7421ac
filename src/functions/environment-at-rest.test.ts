/**
 * Environment variables at rest: sealed with the master keyring in Rotor's SQLite file (never plaintext in
 * the .db, -wal or -shm file), opened again for GetFunctionConfiguration and for the worker; rows written
 * before sealing existed are re-sealed by migration 101 (and by the reader, should an older Rotor write
 * one later); the AAD binds a sealed blob to its function.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACCOUNT, REGION, ROLE, SCOPE, createRequest, harness, zipOf, type Harness } from '../../test/functions/support.js';
import { MasterKeyring } from '../crypto/keyring.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { codeSha256 } from './code-package.js';
import type { FunctionRecord } from './function-record.js';
import { createSqliteFunctionStore } from './function-store.js';

const ARN = (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;
const ENV_HANDLER = { 'index.mjs': 'export const handler = async () => ({ password: process.env.DB_PASSWORD ?? null });' };

let dir: string;
let dbPath: string;
let keyring: MasterKeyring;
const open: Harness[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rotor-env-at-rest-'));
  dbPath = join(dir, 'rotor.db');
  keyring = new MasterKeyring([{ id: 'k1', key: randomBytes(32) }]);
});

afterEach(async () => {
  for (const h of open.splice(0)) await h.close();
  rmSync(dir, { recursive: true, force: true });
});

function start(): Harness {
  const h = harness({ dbPath, keyring });
  open.push(h);
  return h;
}

async function stop(h: Harness): Promise<void> {
  open.splice(open.indexOf(h), 1);
  await h.close();
}

/** Which of the database files (.db, -wal, -shm) contain `text` (UTF-8), as raw bytes. */
function filesContaining(text: string): string[] {
  const needle = Buffer.from(text, 'utf8');
  return [dbPath, `${dbPath}-wal`, `${dbPath}-shm`].filter((f) => existsSync(f) && readFileSync(f).includes(needle));
}

/** A Lambda REST call through the registry's handleHttp behind a throwaway loopback server. */
async function lambdaCall(h: Harness, method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void h.registry.handleHttp(req, res, Buffer.concat(chunks), { ...SCOPE, principalArn: `arn:aws:iam::${ACCOUNT}:root` });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const init: RequestInit = { method, headers: { 'content-type': 'application/json' } };
    if (body !== undefined) init.body = JSON.stringify(body);
    const r = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/2015-03-31/functions/${path}`, init);
    const text = await r.text();
    return { status: r.status, json: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

async function variablesOf(h: Harness, name: string): Promise<unknown> {
  const r = await lambdaCall(h, 'GET', `${name}/configuration`);
  expect(r.status).toBe(200);
  return (r.json.Environment as { Variables?: unknown } | undefined)?.Variables;
}

async function invokedPassword(h: Harness, name: string): Promise<unknown> {
  const r = await h.registry.invoke(SCOPE, ARN(name), {});
  expect(r.ok).toBe(true);
  return (JSON.parse(r.payload) as { password: unknown }).password;
}

function rawDoc(store: SqliteStore, name: string): string {
  const row = store.db.prepare<[string], { doc: string }>('SELECT doc FROM lambda_functions WHERE name = ?').get(name);
  if (!row) throw new Error(`no row for ${name}`);
  return row.doc;
}

describe('environment variables at rest', () => {
  it('never writes a variable in plaintext to the database files, and reads it back', async () => {
    const value = `pw-${randomBytes(12).toString('hex')}-distinctive`;
    const h = start();
    await h.registry.createFunction(
      SCOPE,
      createRequest('env-fn', 'nodejs20.x', 'index.handler', ENV_HANDLER, { Environment: { Variables: { DB_PASSWORD: value, MODE: 'x' } } }),
    );
    // The worker gets the variables.
    expect(await invokedPassword(h, 'env-fn')).toBe(value);
    const doc = JSON.parse(rawDoc(h.store, 'env-fn')) as Record<string, unknown>;
    expect(doc.environment).toBeUndefined();
    expect(doc.sealedEnvironment).toMatchObject({ masterKeyId: 'k1' });
    expect(doc.handler).toBe('index.handler'); // the rest of the configuration stays plain

    // Changing the variables writes them sealed too.
    const second = `pw-${randomBytes(12).toString('hex')}-second`;
    const u = await lambdaCall(h, 'PUT', 'env-fn/configuration', { Environment: { Variables: { DB_PASSWORD: second } } });
    expect(u.status).toBe(200);
    expect(filesContaining(value)).toEqual([]);
    expect(filesContaining(second)).toEqual([]);
    expect(filesContaining('DB_PASSWORD')).toEqual([]); // names are sealed with the values
    await stop(h);
    expect(existsSync(dbPath)).toBe(true);
    expect(filesContaining(value)).toEqual([]);
    expect(filesContaining(second)).toEqual([]);

    // After a restart with the same master key: GetFunctionConfiguration and the worker see them.
    const again = start();
    expect(await variablesOf(again, 'env-fn')).toEqual({ DB_PASSWORD: second });
    expect(await invokedPassword(again, 'env-fn')).toBe(second);
  });

  it('re-seals rows written in plaintext before this version (migration 101), and scrubs the old copies', async () => {
    const current = `legacy-${randomBytes(12).toString('hex')}-current`;
    const earlier = `legacy-${randomBytes(12).toString('hex')}-deleted`;
    // A file as the previous version left it: migration 100 only, variables in plaintext inside `doc`.
    const old = new SqliteStore({ path: dbPath });
    old.db.exec(`
      CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL);
      CREATE TABLE lambda_functions (
        account_id TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL, revision_id TEXT NOT NULL,
        code_sha256 TEXT NOT NULL, doc TEXT NOT NULL, code BLOB NOT NULL, PRIMARY KEY (account_id, region, name)
      );
      CREATE TABLE lambda_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      INSERT INTO schema_migrations (version, applied_at) VALUES (100, 0);
    `);
    const zip = zipOf(ENV_HANDLER);
    const record = (password: string): FunctionRecord => ({
      accountId: ACCOUNT,
      region: REGION,
      name: 'legacy-fn',
      arn: ARN('legacy-fn'),
      runtime: 'nodejs20.x',
      role: ROLE,
      handler: 'index.handler',
      description: '',
      timeout: 3,
      memorySize: 128,
      environment: { DB_PASSWORD: password },
      architectures: ['x86_64'],
      codeSha256: codeSha256(zip),
      codeSize: zip.length,
      lastModified: 1_700_000_000_000,
      revisionId: 'rev-1',
      policy: [],
    });
    const insert = old.db.prepare('INSERT INTO lambda_functions VALUES (?, ?, ?, ?, ?, ?, ?)');
    // Functions deleted before the upgrade, large enough to spill onto overflow pages, which the delete
    // puts on the free list as they are.
    const gone = record(earlier);
    gone.environment = { PAD: 'p'.repeat(3000), DB_PASSWORD: earlier, TAIL: 't'.repeat(3000) };
    insert.run(ACCOUNT, REGION, 'legacy-fn', 'rev-1', codeSha256(zip), JSON.stringify(record(current)), zip);
    for (let i = 0; i < 5; i++) {
      insert.run(ACCOUNT, REGION, `gone-${i}`, 'rev-0', codeSha256(zip), JSON.stringify({ ...gone, name: `gone-${i}`, arn: ARN(`gone-${i}`) }), zip);
    }
    old.db.prepare("DELETE FROM lambda_functions WHERE name LIKE 'gone-%'").run();
    await old.close();
    expect(filesContaining(current)).toEqual([dbPath]); // the premise: plaintext on disk
    expect(filesContaining(earlier)).toEqual([dbPath]);

    const h = start();
    expect(JSON.parse(rawDoc(h.store, 'legacy-fn'))).not.toHaveProperty('environment');
    expect(await variablesOf(h, 'legacy-fn')).toEqual({ DB_PASSWORD: current });
    expect((await lambdaCall(h, 'GET', 'legacy-fn/configuration')).json.RevisionId).toBe('rev-1'); // unchanged
    expect(await invokedPassword(h, 'legacy-fn')).toBe(current);
    expect(h.store.db.prepare('SELECT key FROM lambda_meta').all()).toEqual([]); // the scrub is done
    expect(filesContaining(current)).toEqual([]);
    expect(filesContaining(earlier)).toEqual([]);
    await stop(h);
    expect(filesContaining(current)).toEqual([]);
    expect(filesContaining(earlier)).toEqual([]);
  });

  it('seals at read time a plaintext row that an older Rotor wrote after the migration', async () => {
    const value = `late-${randomBytes(12).toString('hex')}`;
    const h = start();
    await h.registry.createFunction(
      SCOPE,
      createRequest('late-fn', 'nodejs20.x', 'index.handler', ENV_HANDLER, { Environment: { Variables: { DB_PASSWORD: 'sealed-one' } } }),
    );
    const doc = JSON.parse(rawDoc(h.store, 'late-fn')) as Record<string, unknown>;
    delete doc.sealedEnvironment;
    doc.environment = { DB_PASSWORD: value };
    h.store.db.prepare('UPDATE lambda_functions SET doc = ? WHERE name = ?').run(JSON.stringify(doc), 'late-fn');

    expect(await variablesOf(h, 'late-fn')).toEqual({ DB_PASSWORD: value });
    const after = JSON.parse(rawDoc(h.store, 'late-fn')) as Record<string, unknown>;
    expect(after).not.toHaveProperty('environment');
    expect(after).toHaveProperty('sealedEnvironment');
    expect(await variablesOf(h, 'late-fn')).toEqual({ DB_PASSWORD: value });
  });

  it('binds the sealed variables to their function, and needs the master key', async () => {
    const h = start();
    for (const name of ['fn-a', 'fn-b']) {
      await h.registry.createFunction(
        SCOPE,
        createRequest(name, 'nodejs20.x', 'index.handler', ENV_HANDLER, { Environment: { Variables: { DB_PASSWORD: `pw-of-${name}` } } }),
      );
    }
    // fn-a's document copied onto fn-b's row does not open.
    h.store.db.prepare('UPDATE lambda_functions SET doc = ? WHERE name = ?').run(rawDoc(h.store, 'fn-a'), 'fn-b');
    const store = createSqliteFunctionStore(h.store.db, keyring);
    expect((await store.get(SCOPE, 'fn-a'))?.environment).toEqual({ DB_PASSWORD: 'pw-of-fn-a' });
    await expect(store.get(SCOPE, 'fn-b')).rejects.toThrow(/cannot decrypt the environment variables of .*:function:fn-b/);
    // Another master key does not open them either, and the error never carries the value.
    const other = createSqliteFunctionStore(h.store.db, new MasterKeyring([{ id: 'k2', key: randomBytes(32) }]));
    const e = await other.get(SCOPE, 'fn-a').then(() => undefined, (err: unknown) => err);
    expect(e).toBeInstanceOf(Error);
    expect((e as Error).message).toMatch(/unknown master key id k1/);
    expect((e as Error).message).not.toContain('pw-of-fn-a');
  });
});
