/**
 * Versioned schema migrations, applied in order on start inside one transaction each and recorded in
 * schema_migrations. Never edit a released migration: add a new one.
 */
export interface Migration {
  version: number;
  sqlite: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sqlite: `
      CREATE TABLE secrets (
        pk TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        arn TEXT NOT NULL UNIQUE,
        created_at INTEGER NOT NULL,
        last_changed_at INTEGER NOT NULL,
        last_accessed_at INTEGER,
        deleted_at INTEGER,
        next_rotation_at INTEGER,
        revision INTEGER NOT NULL,
        doc TEXT NOT NULL
      );
      -- Names are unique per account and region among secrets not yet purged (spec §2.1).
      CREATE UNIQUE INDEX secrets_name ON secrets (account_id, region, name);
      CREATE INDEX secrets_created ON secrets (account_id, region, created_at, pk);
      CREATE INDEX secrets_changed ON secrets (account_id, region, last_changed_at, pk);
      CREATE INDEX secrets_deleted ON secrets (deleted_at) WHERE deleted_at IS NOT NULL;
      CREATE INDEX secrets_next_rotation ON secrets (next_rotation_at) WHERE next_rotation_at IS NOT NULL;
      CREATE TABLE secret_values (
        secret_pk TEXT NOT NULL REFERENCES secrets (pk) ON DELETE CASCADE,
        version_id TEXT NOT NULL,
        key_arn TEXT NOT NULL,
        master_key_id TEXT NOT NULL,
        wrapped_key BLOB NOT NULL,
        ciphertext BLOB NOT NULL,
        PRIMARY KEY (secret_pk, version_id)
      );
      CREATE TABLE credentials (
        access_key_id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        principal_arn TEXT NOT NULL,
        sealed_secret BLOB NOT NULL,
        master_key_id TEXT NOT NULL,
        session_token TEXT,
        expires_at INTEGER,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE kms_keys (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        key_id TEXT NOT NULL,
        arn TEXT NOT NULL,
        aliases TEXT NOT NULL,
        sealed_material BLOB NOT NULL,
        master_key_id TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (account_id, region, key_id)
      );
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    `,
  },
  {
    version: 2,
    sqlite: `
      -- Rotation work: a job waiting (job_due_at) or a scheduled start (scheduled_start_at), both indexed so
      -- the engine's query costs what is due, not how many secrets exist.
      ALTER TABLE secrets ADD COLUMN job_due_at INTEGER;
      ALTER TABLE secrets ADD COLUMN scheduled_start_at INTEGER;
      CREATE INDEX secrets_job_due ON secrets (job_due_at) WHERE job_due_at IS NOT NULL;
      CREATE INDEX secrets_scheduled ON secrets (scheduled_start_at) WHERE scheduled_start_at IS NOT NULL;
      CREATE TABLE rotation_runs (
        run_id TEXT PRIMARY KEY,
        secret_pk TEXT NOT NULL,
        secret_arn TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        status TEXT NOT NULL,
        doc TEXT NOT NULL
      );
      CREATE INDEX rotation_runs_secret ON rotation_runs (secret_arn, started_at);
    `,
  },
  {
    version: 3,
    sqlite: `
      -- Service events (RotationStarted, RotationSucceeded, …), CloudTrail-like, append-only.
      CREATE TABLE events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        event_id TEXT NOT NULL UNIQUE,
        event_time INTEGER NOT NULL,
        event_name TEXT NOT NULL,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        secret_arn TEXT,
        doc TEXT NOT NULL
      );
      CREATE INDEX events_secret ON events (secret_arn, seq);
    `,
  },
];
