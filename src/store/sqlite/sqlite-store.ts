/**
 * The embedded default store: SQLite through better-sqlite3 12 (13 needs Node 22). WAL with
 * synchronous=FULL by default (dependencies.md §3: ~3.2k durable single-transaction writes/s; NORMAL can
 * lose the last commits on power loss, which for a rotation step means a password out of step with its
 * database). better-sqlite3 is synchronous, so each method is atomic with respect to the event loop; the
 * revision checks still make it correct for several processes on one file.
 */
import Database from 'better-sqlite3';
import type { RotationRun, SealedValue, SecretState, Scope, ServiceEvent } from '../../domain/types.js';
import type { CredentialRecord, KmsKeyRecord, ListQuery, Store, ValueWrite } from '../store.js';
import { MIGRATIONS } from './migrations.js';

export interface SqliteOptions {
  /** File path, or ':memory:'. */
  path: string;
  synchronous?: 'FULL' | 'NORMAL';
}

interface SecretRow {
  pk: string;
  revision: number;
  doc: string;
}
interface ValueRow {
  key_arn: string;
  master_key_id: string;
  wrapped_key: Buffer;
  ciphertext: Buffer;
}
interface CredentialRow {
  access_key_id: string;
  account_id: string;
  principal_arn: string;
  sealed_secret: Buffer;
  master_key_id: string;
  session_token: string | null;
  expires_at: number | null;
  created_at: number;
}
interface KmsRow {
  account_id: string;
  region: string;
  key_id: string;
  arn: string;
  aliases: string;
  sealed_material: Buffer;
  master_key_id: string;
  created_at: number;
}

/** The stored JSON document is the state without the columns kept apart. */
type SecretDoc = Omit<SecretState, 'pk' | 'revision'>;

function toState(row: SecretRow): SecretState {
  // The parsed document is fresh and ours: complete it in place rather than copying it.
  const s = JSON.parse(row.doc) as SecretDoc & Partial<Pick<SecretState, 'pk' | 'revision'>>;
  s.pk = row.pk;
  s.revision = row.revision;
  return s as SecretState;
}
function toDoc(s: SecretState): string {
  const { pk: _pk, revision: _rev, ...doc } = s;
  return JSON.stringify(doc);
}

const SORT_COLUMNS = {
  'created-date': 'created_at',
  'last-accessed-date': 'coalesce(last_accessed_at, 0)',
  'last-changed-date': 'last_changed_at',
  name: 'name',
} as const satisfies Record<ListQuery['sortBy'], string>;

export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  /** Exposed for sibling stores that share the file (e.g. functions/), each with its own migrations. */
  readonly db: Database.Database;
  private readonly stmts;

  constructor(opts: SqliteOptions) {
    this.db = new Database(opts.path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${opts.synchronous ?? 'FULL'}`);
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    this.migrate();
    const db = this.db;
    this.stmts = {
      byName: db.prepare<[string, string, string], SecretRow>(
        'SELECT pk, revision, doc FROM secrets WHERE account_id = ? AND region = ? AND name = ?',
      ),
      byArn: db.prepare<[string], SecretRow>('SELECT pk, revision, doc FROM secrets WHERE arn = ?'),
      insert: db.prepare(
        `INSERT INTO secrets (pk, account_id, region, name, arn, created_at, last_changed_at, last_accessed_at,
           deleted_at, next_rotation_at, job_due_at, scheduled_start_at, revision, doc)
         VALUES (@pk, @account_id, @region, @name, @arn, @created_at, @last_changed_at, @last_accessed_at,
           @deleted_at, @next_rotation_at, @job_due_at, @scheduled_start_at, @revision, @doc)`,
      ),
      update: db.prepare(
        `UPDATE secrets SET last_changed_at = @last_changed_at, last_accessed_at = @last_accessed_at,
           deleted_at = @deleted_at, next_rotation_at = @next_rotation_at, job_due_at = @job_due_at,
           scheduled_start_at = @scheduled_start_at, revision = @revision, doc = @doc
         WHERE pk = @pk AND revision = @expected`,
      ),
      purge: db.prepare<[string, number]>('DELETE FROM secrets WHERE pk = ? AND revision = ?'),
      getValue: db.prepare<[string, string], ValueRow>(
        'SELECT key_arn, master_key_id, wrapped_key, ciphertext FROM secret_values WHERE secret_pk = ? AND version_id = ?',
      ),
      putValue: db.prepare(
        `INSERT OR REPLACE INTO secret_values (secret_pk, version_id, key_arn, master_key_id, wrapped_key, ciphertext)
         VALUES (?, ?, ?, ?, ?, ?)`,
      ),
      deleteValue: db.prepare<[string, string]>('DELETE FROM secret_values WHERE secret_pk = ? AND version_id = ?'),
      duePurge: db.prepare<[number, number], SecretRow>(
        'SELECT pk, revision, doc FROM secrets WHERE deleted_at IS NOT NULL AND deleted_at <= ? ORDER BY deleted_at LIMIT ?',
      ),
      countPrefix: db.prepare<[string, string, string, string, number], { n: number }>(
        'SELECT count(*) AS n FROM (SELECT 1 FROM secrets WHERE account_id = ? AND region = ? AND name >= ? AND name < ? LIMIT ?)',
      ),
      count: db.prepare<[string, string], { n: number }>(
        'SELECT count(*) AS n FROM secrets WHERE account_id = ? AND region = ?',
      ),
      getCred: db.prepare<[string], CredentialRow>('SELECT * FROM credentials WHERE access_key_id = ?'),
      allCreds: db.prepare<[], CredentialRow>('SELECT * FROM credentials ORDER BY created_at'),
      putCred: db.prepare(
        `INSERT OR REPLACE INTO credentials (access_key_id, account_id, principal_arn, sealed_secret, master_key_id,
           session_token, expires_at, created_at)
         VALUES (@access_key_id, @account_id, @principal_arn, @sealed_secret, @master_key_id, @session_token,
           @expires_at, @created_at)`,
      ),
      kmsKeys: db.prepare<[string, string], KmsRow>('SELECT * FROM kms_keys WHERE account_id = ? AND region = ?'),
      insertKms: db.prepare(
        `INSERT INTO kms_keys (account_id, region, key_id, arn, aliases, sealed_material, master_key_id, created_at)
         VALUES (@account_id, @region, @key_id, @arn, @aliases, @sealed_material, @master_key_id, @created_at)`,
      ),
      dueJobs: db.prepare<[number, number], SecretRow>(
        'SELECT pk, revision, doc FROM secrets WHERE job_due_at IS NOT NULL AND job_due_at <= ? ORDER BY job_due_at LIMIT ?',
      ),
      dueSchedules: db.prepare<[number, number], SecretRow>(
        `SELECT pk, revision, doc FROM secrets WHERE scheduled_start_at IS NOT NULL AND scheduled_start_at <= ?
           AND job_due_at IS NULL ORDER BY scheduled_start_at LIMIT ?`,
      ),
      putRun: db.prepare(
        `INSERT OR REPLACE INTO rotation_runs (run_id, secret_pk, secret_arn, started_at, status, doc)
         VALUES (@run_id, @secret_pk, @secret_arn, @started_at, @status, @doc)`,
      ),
      getRun: db.prepare<[string], { doc: string }>('SELECT doc FROM rotation_runs WHERE run_id = ?'),
      listRuns: db.prepare<[string, number], { doc: string }>(
        'SELECT doc FROM rotation_runs WHERE secret_arn = ? ORDER BY started_at DESC, run_id DESC LIMIT ?',
      ),
      putEvent: db.prepare(
        `INSERT INTO events (event_id, event_time, event_name, account_id, region, secret_arn, doc)
         VALUES (@event_id, @event_time, @event_name, @account_id, @region, @secret_arn, @doc)`,
      ),
      getMeta: db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
      initMeta: db.prepare<[string, string]>('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)'),
    };
  }

  private migrate(): void {
    this.db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)');
    const applied = new Set(
      this.db.prepare<[], { version: number }>('SELECT version FROM schema_migrations').all().map((r) => r.version),
    );
    for (const m of MIGRATIONS) {
      if (applied.has(m.version)) continue;
      this.db.transaction(() => {
        this.db.exec(m.sqlite);
        this.db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(m.version, Date.now());
      }).immediate();
    }
  }

  private row(s: SecretState): Record<string, string | number | null> {
    return {
      pk: s.pk,
      account_id: s.accountId,
      region: s.region,
      name: s.name,
      arn: s.arn,
      created_at: s.createdAt,
      last_changed_at: s.lastChangedAt,
      last_accessed_at: s.lastAccessedAt ?? null,
      deleted_at: s.deletedAt ?? null,
      next_rotation_at: s.nextRotationAt ?? null,
      job_due_at: jobDueAt(s),
      scheduled_start_at: s.rotationEnabled === true && s.deletedAt === undefined ? (s.scheduledStartAt ?? null) : null,
      revision: s.revision,
      doc: toDoc(s),
    };
  }

  private writeValues(pk: string, values: readonly ValueWrite[]): void {
    for (const v of values) {
      this.stmts.putValue.run(pk, v.versionId, v.value.keyArn, v.value.masterKeyId, v.value.wrappedKey, v.value.ciphertext);
    }
  }

  async getSecretByName(scope: Scope, name: string): Promise<SecretState | undefined> {
    const r = this.stmts.byName.get(scope.accountId, scope.region, name);
    return r ? toState(r) : undefined;
  }

  async getSecretByArn(arn: string): Promise<SecretState | undefined> {
    const r = this.stmts.byArn.get(arn);
    return r ? toState(r) : undefined;
  }

  async insertSecret(secret: SecretState, values: readonly ValueWrite[]): Promise<boolean> {
    try {
      this.db.transaction(() => {
        this.stmts.insert.run(this.row(secret));
        this.writeValues(secret.pk, values);
      }).immediate();
      return true;
    } catch (e) {
      if (e instanceof Database.SqliteError && e.code.startsWith('SQLITE_CONSTRAINT')) return false;
      throw e;
    }
  }

  async commitSecret(
    secret: SecretState,
    expectedRevision: number,
    addValues: readonly ValueWrite[],
    deleteVersionIds: readonly string[],
  ): Promise<boolean> {
    return this.db.transaction(() => {
      const r = this.stmts.update.run({ ...this.row(secret), expected: expectedRevision });
      if (r.changes !== 1) return false;
      this.writeValues(secret.pk, addValues);
      for (const id of deleteVersionIds) this.stmts.deleteValue.run(secret.pk, id);
      return true;
    }).immediate();
  }

  async purgeSecret(pk: string, expectedRevision: number): Promise<boolean> {
    // secret_values rows go with it (ON DELETE CASCADE).
    return this.stmts.purge.run(pk, expectedRevision).changes === 1;
  }

  async getValue(pk: string, versionId: string): Promise<SealedValue | undefined> {
    const r = this.stmts.getValue.get(pk, versionId);
    if (!r) return undefined;
    return { keyArn: r.key_arn, masterKeyId: r.master_key_id, wrappedKey: r.wrapped_key, ciphertext: r.ciphertext };
  }

  async listSecrets(q: ListQuery): Promise<SecretState[]> {
    const col = SORT_COLUMNS[q.sortBy];
    const dir = q.descending ? 'DESC' : 'ASC';
    const cmp = q.descending ? '<' : '>';
    const where = ['account_id = @account', 'region = @region'];
    const params: Record<string, string | number> = {
      account: q.scope.accountId,
      region: q.scope.region,
      limit: q.limit,
    };
    if (!q.includePlannedDeletion) where.push('deleted_at IS NULL');
    if (q.namePrefix !== undefined && q.namePrefix !== '') {
      // Index range on name: [prefix, prefix + U+FFFF). Names are ASCII (spec §3.2).
      where.push('name >= @pfx AND name < @pfxEnd');
      params.pfx = q.namePrefix;
      params.pfxEnd = `${q.namePrefix}\uffff`;
    }
    if (q.after) {
      where.push(`(${col} ${cmp} @sv OR (${col} = @sv AND pk ${cmp} @apk))`);
      params.sv = q.after.sortValue;
      params.apk = q.after.pk;
    }
    // With a name prefix the service has checked the range is small (≤ 1,000 names): read it through the name
    // index and sort it, rather than let the planner walk the sort index past a keyset cursor (37 ms at 100k).
    const from = q.namePrefix !== undefined && q.namePrefix !== '' ? 'secrets INDEXED BY secrets_name' : 'secrets';
    const sql = `SELECT pk, revision, doc FROM ${from} WHERE ${where.join(' AND ')} ORDER BY ${col} ${dir}, pk ${dir} LIMIT @limit`;
    return this.db.prepare<Record<string, string | number>, SecretRow>(sql).all(params).map(toState);
  }

  async dueForPurge(now: number, limit: number): Promise<SecretState[]> {
    return this.stmts.duePurge.all(now, limit).map(toState);
  }

  async countSecrets(scope: Scope): Promise<number> {
    return this.stmts.count.get(scope.accountId, scope.region)?.n ?? 0;
  }

  async countNamePrefix(scope: Scope, prefix: string, cap: number): Promise<number> {
    return this.stmts.countPrefix.get(scope.accountId, scope.region, prefix, `${prefix}\uffff`, cap)?.n ?? 0;
  }

  async dueRotationWork(now: number, limit: number): Promise<SecretState[]> {
    const jobs = this.stmts.dueJobs.all(now, limit).map(toState);
    if (jobs.length >= limit) return jobs;
    return [...jobs, ...this.stmts.dueSchedules.all(now, limit - jobs.length).map(toState)];
  }

  async putRotationRun(run: RotationRun): Promise<void> {
    this.stmts.putRun.run({
      run_id: run.runId,
      secret_pk: run.secretPk,
      secret_arn: run.secretArn,
      started_at: run.startedAt,
      status: run.status,
      doc: JSON.stringify(run),
    });
  }

  async getRotationRun(runId: string): Promise<RotationRun | undefined> {
    const r = this.stmts.getRun.get(runId);
    return r ? (JSON.parse(r.doc) as RotationRun) : undefined;
  }

  async listRotationRuns(secretArn: string, limit: number): Promise<RotationRun[]> {
    return this.stmts.listRuns.all(secretArn, limit).map((r) => JSON.parse(r.doc) as RotationRun);
  }

  async appendEvent(e: ServiceEvent): Promise<void> {
    this.stmts.putEvent.run({
      event_id: e.eventId,
      event_time: e.eventTime,
      event_name: e.eventName,
      account_id: e.accountId,
      region: e.region,
      secret_arn: e.secretArn ?? null,
      doc: JSON.stringify(e),
    });
  }

  async listEvents(q: { scope: Scope; secretArn?: string; eventName?: string; limit: number }): Promise<ServiceEvent[]> {
    const where = ['account_id = @account', 'region = @region'];
    const params: Record<string, string | number> = { account: q.scope.accountId, region: q.scope.region, limit: q.limit };
    if (q.secretArn !== undefined) {
      where.push('secret_arn = @arn');
      params.arn = q.secretArn;
    }
    if (q.eventName !== undefined) {
      where.push('event_name = @name');
      params.name = q.eventName;
    }
    const sql = `SELECT doc FROM events WHERE ${where.join(' AND ')} ORDER BY seq DESC LIMIT @limit`;
    return this.db.prepare<Record<string, string | number>, { doc: string }>(sql).all(params).map((r) => JSON.parse(r.doc) as ServiceEvent);
  }

  async getCredential(accessKeyId: string): Promise<CredentialRecord | undefined> {
    const r = this.stmts.getCred.get(accessKeyId);
    return r ? credFromRow(r) : undefined;
  }

  async putCredential(c: CredentialRecord): Promise<void> {
    this.stmts.putCred.run({
      access_key_id: c.accessKeyId,
      account_id: c.accountId,
      principal_arn: c.principalArn,
      sealed_secret: c.sealedSecret,
      master_key_id: c.masterKeyId,
      session_token: c.sessionToken ?? null,
      expires_at: c.expiresAt ?? null,
      created_at: c.createdAt,
    });
  }

  async listCredentials(): Promise<CredentialRecord[]> {
    return this.stmts.allCreds.all().map(credFromRow);
  }

  async getKmsKeys(scope: Scope): Promise<KmsKeyRecord[]> {
    return this.stmts.kmsKeys.all(scope.accountId, scope.region).map((r) => ({
      accountId: r.account_id,
      region: r.region,
      keyId: r.key_id,
      arn: r.arn,
      aliases: JSON.parse(r.aliases) as string[],
      sealedMaterial: r.sealed_material,
      masterKeyId: r.master_key_id,
      createdAt: r.created_at,
    }));
  }

  async insertKmsKey(k: KmsKeyRecord): Promise<boolean> {
    return this.db.transaction(() => {
      const existing = this.stmts.kmsKeys.all(k.accountId, k.region);
      for (const e of existing) {
        if (e.key_id === k.keyId) return false;
        const aliases = JSON.parse(e.aliases) as string[];
        if (aliases.some((a) => k.aliases.includes(a))) return false;
      }
      this.stmts.insertKms.run({
        account_id: k.accountId,
        region: k.region,
        key_id: k.keyId,
        arn: k.arn,
        aliases: JSON.stringify(k.aliases),
        sealed_material: k.sealedMaterial,
        master_key_id: k.masterKeyId,
        created_at: k.createdAt,
      });
      return true;
    }).immediate();
  }

  async getMeta(key: string): Promise<string | undefined> {
    return this.stmts.getMeta.get(key)?.value;
  }

  async initMeta(key: string, value: string): Promise<string> {
    this.stmts.initMeta.run(key, value);
    const v = this.stmts.getMeta.get(key)?.value;
    if (v === undefined) throw new Error(`meta ${key} vanished`);
    return v;
  }

  async reset(): Promise<void> {
    this.db.transaction(() => {
      this.db.exec('DELETE FROM secret_values; DELETE FROM secrets; DELETE FROM rotation_runs; DELETE FROM events;');
    }).immediate();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

/** When the engine should next look at this secret's job: its back-off, or the end of a running step's lease. */
function jobDueAt(s: SecretState): number | null {
  const j = s.rotationJob;
  if (!j) return null;
  return Math.max(j.notBefore, j.lease?.until ?? 0);
}

function credFromRow(r: CredentialRow): CredentialRecord {
  const c: CredentialRecord = {
    accessKeyId: r.access_key_id,
    accountId: r.account_id,
    principalArn: r.principal_arn,
    sealedSecret: r.sealed_secret,
    masterKeyId: r.master_key_id,
    createdAt: r.created_at,
  };
  if (r.session_token !== null) c.sessionToken = r.session_token;
  if (r.expires_at !== null) c.expiresAt = r.expires_at;
  return c;
}
