/**
 * Persistence of functions in Rotor's SQLite file (shared with the secrets store, through its
 * `schema_migrations` table; versions 100+ belong to functions). One row per function: the configuration
 * and policy as a JSON document, the deployment package as a blob (so another node, or this one after a
 * restart, can unpack it again), and a revision id for optimistic concurrency — as for secrets, no
 * correctness depends on a process-local lock.
 *
 * Environment variables are secrets (a webhook's signing secret, a database password a team hands its
 * rotation function), so, as Lambda encrypts them at rest with KMS, the whole `Environment.Variables`
 * object is sealed with the master keyring before it is written (`sealedEnvironment` in the document) and
 * opened when read; the AAD is the function ARN built from the row's key, so a sealed blob copied onto
 * another function does not open. The rest of the configuration and the policy stay readable JSON. The
 * deployment package is stored as it is: code is not secret in Lambda's model (GetFunction hands it to
 * anyone allowed to read the function, and Lambda does not encrypt it with the function's key); secrets
 * belong in variables or in Secrets Manager, not in the zip.
 */
import type Database from 'better-sqlite3';
import type { MasterKeyring } from '../crypto/keyring.js';
import type { Scope } from '../domain/types.js';
import type { FunctionRecord } from './function-record.js';
import { functionArn } from './function-name.js';

/** What the store needs of the master keyring. */
export type FunctionKeyring = Pick<MasterKeyring, 'seal' | 'open'>;

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

type Migration =
  | { version: number; sql: string }
  /** A migration that needs code (and the keyring); it runs inside the migration's write transaction. */
  | { version: number; run: (db: Database.Database, keyring: FunctionKeyring) => void };

/** Set while a re-sealing migration left old plaintext pages to scrub (see scrubFreedPages). */
const SCRUB_PENDING = 'environment-scrub-pending';

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
  {
    // Rows written before variables were sealed keep them in plaintext in `doc`: seal them now.
    version: 101,
    run(db, keyring) {
      const rows = db.prepare<[], KeyedRow>('SELECT account_id, region, name, doc FROM lambda_functions').all();
      let resealed = 0;
      for (const r of rows) if (resealLegacyRow(db, keyring, r)) resealed++;
      if (resealed > 0) db.prepare('INSERT OR REPLACE INTO lambda_meta (key, value) VALUES (?, ?)').run(SCRUB_PENDING, '1');
    },
  },
];

interface KeyedRow {
  account_id: string;
  region: string;
  name: string;
  doc: string;
}

/** `Environment.Variables` as stored: the object as JSON, sealed by the master keyring. */
interface SealedEnvironment {
  masterKeyId: string;
  /** base64 of the sealed blob (IV | tag | ciphertext). */
  sealed: string;
}

/** The JSON in `doc`. `environment` (plaintext) appears only in rows written before migration 101. */
type StoredDoc = Omit<FunctionRecord, 'environment'> & {
  sealedEnvironment?: SealedEnvironment;
  environment?: Record<string, string>;
};

const environmentAad = (arn: string) => `rotor-function-environment:${arn}`;
/** The ARN the row's key names (not the one inside `doc`), so the AAD binds the blob to its row. */
const rowArn = (r: KeyedRow) => functionArn({ accountId: r.account_id, region: r.region }, r.name);

function sealEnvironment(keyring: FunctionKeyring, arn: string, vars: Record<string, string>): SealedEnvironment {
  const plain = Buffer.from(JSON.stringify(vars), 'utf8');
  try {
    const { masterKeyId, sealed } = keyring.seal(plain, environmentAad(arn));
    return { masterKeyId, sealed: sealed.toString('base64') };
  } finally {
    plain.fill(0);
  }
}

function openEnvironment(keyring: FunctionKeyring, arn: string, s: SealedEnvironment): Record<string, string> {
  let plain: Buffer;
  try {
    plain = keyring.open(s.masterKeyId, Buffer.from(s.sealed, 'base64'), environmentAad(arn));
  } catch (e) {
    // Never the value; the cause is a missing master key or a changed blob.
    const why = e instanceof Error ? e.message : 'unknown error';
    throw new Error(`cannot decrypt the environment variables of ${arn} (master key ${s.masterKeyId}): ${why}`);
  }
  try {
    return JSON.parse(plain.toString('utf8')) as Record<string, string>;
  } finally {
    plain.fill(0);
  }
}

function encodeDoc(keyring: FunctionKeyring, f: FunctionRecord): string {
  const { environment, ...rest } = f;
  const doc: StoredDoc = rest;
  if (environment !== undefined) {
    const arn = functionArn({ accountId: f.accountId, region: f.region }, f.name);
    doc.sealedEnvironment = sealEnvironment(keyring, arn, environment);
  }
  return JSON.stringify(doc);
}

function decodeDoc(keyring: FunctionKeyring, r: KeyedRow): { record: FunctionRecord; legacy: boolean } {
  const { sealedEnvironment, environment, ...rest } = JSON.parse(r.doc) as StoredDoc;
  const record: FunctionRecord = rest;
  if (sealedEnvironment !== undefined) record.environment = openEnvironment(keyring, rowArn(r), sealedEnvironment);
  else if (environment !== undefined) record.environment = environment;
  return { record, legacy: sealedEnvironment === undefined && environment !== undefined };
}

/**
 * Re-writes a row that still holds plaintext variables with them sealed (same RevisionId: the function did
 * not change), only if the row is still that document. SQLite's secure_delete is on for the write, so the
 * old cell is zeroed in the page rather than left in its free space. Returns whether it wrote.
 */
function resealLegacyRow(db: Database.Database, keyring: FunctionKeyring, r: KeyedRow): boolean {
  const { record, legacy } = decodeDoc(keyring, r);
  if (!legacy) return false;
  const before = db.pragma('secure_delete', { simple: true }) as number;
  db.pragma('secure_delete = ON');
  try {
    const res = db
      .prepare('UPDATE lambda_functions SET doc = ? WHERE account_id = ? AND region = ? AND name = ? AND doc = ?')
      .run(encodeDoc(keyring, record), r.account_id, r.region, r.name, r.doc);
    return res.changes === 1;
  } finally {
    db.pragma(`secure_delete = ${before === 1 ? 'ON' : 'OFF'}`);
  }
}

/**
 * After plaintext variables were re-sealed, older copies can remain in the file: in free pages and the
 * free space of pages (from updates made before the upgrade) and in the WAL. VACUUM rebuilds the file and
 * a TRUNCATE checkpoint empties the WAL. It is done once, at start-up, and retried at the next start if
 * another connection kept it from completing (best effort: backups made before the upgrade still hold
 * the old values — rotate those secrets).
 */
function scrubFreedPages(db: Database.Database): void {
  const pending = db.prepare<[string], { value: string }>('SELECT value FROM lambda_meta WHERE key = ?').get(SCRUB_PENDING);
  if (!pending || db.inTransaction) return;
  try {
    db.exec('VACUUM');
    const [cp] = db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
    if (cp !== undefined && cp.busy !== 0) return;
    db.prepare('DELETE FROM lambda_meta WHERE key = ?').run(SCRUB_PENDING);
  } catch {
    // Busy (another process holds the file): the flag stays, the next start tries again.
  }
}

export function migrateFunctionTables(db: Database.Database, keyring: FunctionKeyring): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)');
  for (const m of FUNCTION_MIGRATIONS) {
    db.transaction(() => {
      // Checked inside the write transaction, so two processes starting together apply it once.
      const done = db.prepare<[number], { version: number }>('SELECT version FROM schema_migrations WHERE version = ?').get(m.version);
      if (done) return;
      if ('sql' in m) db.exec(m.sql);
      else m.run(db, keyring);
      db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(m.version, Date.now());
    }).immediate();
  }
  scrubFreedPages(db);
}

export function createSqliteFunctionStore(db: Database.Database, keyring: FunctionKeyring): FunctionStore {
  migrateFunctionTables(db, keyring);
  const stmts = {
    get: db.prepare<[string, string, string], KeyedRow>(
      'SELECT account_id, region, name, doc FROM lambda_functions WHERE account_id = ? AND region = ? AND name = ?',
    ),
    code: db.prepare<[string, string, string, string], { code: Buffer }>(
      'SELECT code FROM lambda_functions WHERE account_id = ? AND region = ? AND name = ? AND code_sha256 = ?',
    ),
    list: db.prepare<[string, string, string, number], KeyedRow>(
      'SELECT account_id, region, name, doc FROM lambda_functions WHERE account_id = ? AND region = ? AND name > ? ORDER BY name LIMIT ?',
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
  const parse = (r: KeyedRow): FunctionRecord => {
    const { record, legacy } = decodeDoc(keyring, r);
    // Plaintext variables after migration 101 can only come from an older Rotor sharing the file: seal
    // them. A failed write (busy file) does not fail the read; the next read tries again.
    if (legacy) {
      try {
        resealLegacyRow(db, keyring, r);
      } catch {
        /* retried on the next read */
      }
    }
    return record;
  };
  const params = (f: FunctionRecord) => ({
    account_id: f.accountId,
    region: f.region,
    name: f.name,
    revision_id: f.revisionId,
    code_sha256: f.codeSha256,
    doc: encodeDoc(keyring, f),
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
