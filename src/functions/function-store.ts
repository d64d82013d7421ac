/**
 * Persistence of functions in Rotor's SQLite file (shared with the secrets store, through its
 * `schema_migrations` table; versions 100+ belong to functions). One row per function: the configuration
 * and policy as a JSON document, the deployment package as a blob (so another node, or this one after a
 * restart, can unpack it again), and a revision id for optimistic concurrency — as for secrets, no
 * correctness depends on a process-local lock.
 */
import type Database from 'better-sqlite3';
import type { Scope } from '../domain/types.js';
import type { FunctionRecord } from './function-record.js';

export interface FunctionStore {
  get(scope: Scope, name: string): Promise<FunctionRecord | undefined>;
  /** The package, only while the function still has this code (else undefined). */
  getCode(scope: Scope, name: string, codeSha256: string): Promise<Buffer | undefined>;
  /** By name, strictly after `afterName`. */
  list(scope: Scope, afterName: string | undefined, limit: number): Promise<FunctionRecord[]>;
  /** false when the name is taken in that scope. */
  insert(f: FunctionRecord, code: Buffer): Promise<boolean>;
  /** Writes `f` (and the new package, if given) only if the stored revision is still `expectedRevisionId`. */
  update(f: FunctionRecord, expectedRevisionId: string, code?: Buffer): Promise<boolean>;
  delete(scope: Scope, name: string): Promise<boolean>;
  /** Sets a value once and returns whichever value won. */
  initMeta(key: string, value: string): Promise<string>;
}

interface Migration {
  version: number;
  sql: string;
}

/** Never edit a released migration: add a new one. */
const FUNCTION_MIGRATIONS: readonly Migration[] = [
  {
    version: 100,
    sql: `
      CREATE TABLE lambda_functions (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        revision_id TEXT NOT NULL,
        code_sha256 TEXT NOT NULL,
        doc TEXT NOT NULL,
        code BLOB NOT NULL,
        PRIMARY KEY (account_id, region, name)
      );
      CREATE TABLE lambda_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    `,
  },
];

interface Row {
  doc: string;
}

export function migrateFunctionTables(db: Database.Database): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)');
  for (const m of FUNCTION_MIGRATIONS) {
    db.transaction(() => {
      // Checked inside the write transaction, so two processes starting together apply it once.
      const done = db.prepare<[number], { version: number }>('SELECT version FROM schema_migrations WHERE version = ?').get(m.version);
      if (done) return;
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(m.version, Date.now());
    }).immediate();
  }
}

export function createSqliteFunctionStore(db: Database.Database): FunctionStore {
  migrateFunctionTables(db);
  const stmts = {
    get: db.prepare<[string, string, string], Row>(
      'SELECT doc FROM lambda_functions WHERE account_id = ? AND region = ? AND name = ?',
    ),
    code: db.prepare<[string, string, string, string], { code: Buffer }>(
      'SELECT code FROM lambda_functions WHERE account_id = ? AND region = ? AND name = ? AND code_sha256 = ?',
    ),
    list: db.prepare<[string, string, string, number], Row>(
      'SELECT doc FROM lambda_functions WHERE account_id = ? AND region = ? AND name > ? ORDER BY name LIMIT ?',
    ),
    insert: db.prepare(
      `INSERT OR IGNORE INTO lambda_functions (account_id, region, name, revision_id, code_sha256, doc, code)
       VALUES (@account_id, @region, @name, @revision_id, @code_sha256, @doc, @code)`,
    ),
    update: db.prepare(
      `UPDATE lambda_functions SET revision_id = @revision_id, doc = @doc
       WHERE account_id = @account_id AND region = @region AND name = @name AND revision_id = @expected`,
    ),
    updateWithCode: db.prepare(
      `UPDATE lambda_functions SET revision_id = @revision_id, code_sha256 = @code_sha256, doc = @doc, code = @code
       WHERE account_id = @account_id AND region = @region AND name = @name AND revision_id = @expected`,
    ),
    delete: db.prepare<[string, string, string]>(
      'DELETE FROM lambda_functions WHERE account_id = ? AND region = ? AND name = ?',
    ),
    getMeta: db.prepare<[string], { value: string }>('SELECT value FROM lambda_meta WHERE key = ?'),
    initMeta: db.prepare<[string, string]>('INSERT OR IGNORE INTO lambda_meta (key, value) VALUES (?, ?)'),
  };
  const parse = (r: Row): FunctionRecord => JSON.parse(r.doc) as FunctionRecord;
  const params = (f: FunctionRecord) => ({
    account_id: f.accountId,
    region: f.region,
    name: f.name,
    revision_id: f.revisionId,
    code_sha256: f.codeSha256,
    doc: JSON.stringify(f),
  });
  return {
    async get(scope, name) {
      const r = stmts.get.get(scope.accountId, scope.region, name);
      return r ? parse(r) : undefined;
    },
    async getCode(scope, name, sha) {
      return stmts.code.get(scope.accountId, scope.region, name, sha)?.code;
    },
    async list(scope, afterName, limit) {
      return stmts.list.all(scope.accountId, scope.region, afterName ?? '', limit).map(parse);
    },
    async insert(f, code) {
      return stmts.insert.run({ ...params(f), code }).changes === 1;
    },
    async update(f, expected, code) {
      const p = { ...params(f), expected };
      const r = code !== undefined ? stmts.updateWithCode.run({ ...p, code }) : stmts.update.run(p);
      return r.changes === 1;
    },
    async delete(scope, name) {
      return stmts.delete.run(scope.accountId, scope.region, name).changes === 1;
    },
    async initMeta(key, value) {
      stmts.initMeta.run(key, value);
      return stmts.getMeta.get(key)?.value ?? value;
    },
  };
}
