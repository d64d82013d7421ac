/**
 * The storage boundary, in domain terms. All SQL lives below store/. The interface is asynchronous even
 * though better-sqlite3 is synchronous, because the PostgreSQL store (issue 9) is not; both must pass
 * test/store-contract.ts.
 *
 * Concurrency: a secret is one row with a revision number. A change reads the secret, computes the new
 * state with domain/ rules, and writes it with `commitSecret(…, expectedRevision)`, which succeeds only if
 * nobody wrote in between (the service retries on `false`). No correctness depends on a process lock.
 */
import type { RotationRun, SealedValue, SecretState, Scope, ServiceEvent } from '../domain/types.js';

export type SortBy = 'created-date' | 'last-accessed-date' | 'last-changed-date' | 'name';

export interface ListQuery {
  scope: Scope;
  includePlannedDeletion: boolean;
  sortBy: SortBy;
  descending: boolean;
  /** Keyset cursor: continue strictly after this (sort value, pk). */
  after?: { sortValue: string | number; pk: string };
  /** Only names starting with this prefix (an index range), when the filters allow it. */
  namePrefix?: string;
  limit: number;
}

export interface ValueWrite {
  versionId: string;
  value: SealedValue;
}

export interface CredentialRecord {
  accessKeyId: string;
  accountId: string;
  principalArn: string;
  /** The secret access key, sealed by the master keyring. */
  sealedSecret: Buffer;
  masterKeyId: string;
  sessionToken?: string;
  expiresAt?: number;
  createdAt: number;
}

export interface KmsKeyRecord {
  accountId: string;
  region: string;
  keyId: string;
  arn: string;
  aliases: string[];
  sealedMaterial: Buffer;
  masterKeyId: string;
  createdAt: number;
}

export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  /** By exact name among secrets not yet purged (active or scheduled for deletion). */
  getSecretByName(scope: Scope, name: string): Promise<SecretState | undefined>;
  getSecretByArn(arn: string): Promise<SecretState | undefined>;
  /** Inserts a new secret and its values atomically; returns false if the name is taken in that scope. */
  insertSecret(secret: SecretState, values: readonly ValueWrite[]): Promise<boolean>;
  /**
   * Writes `secret` (whose revision must be expectedRevision + 1), adds values and deletes the values of
   * `deleteVersionIds`, atomically, only if the stored revision is still expectedRevision.
   */
  commitSecret(
    secret: SecretState,
    expectedRevision: number,
    addValues: readonly ValueWrite[],
    deleteVersionIds: readonly string[],
  ): Promise<boolean>;
  /** Removes a secret and all its values (purge). Only if the revision is unchanged. */
  purgeSecret(pk: string, expectedRevision: number): Promise<boolean>;
  getValue(pk: string, versionId: string): Promise<SealedValue | undefined>;
  listSecrets(q: ListQuery): Promise<SecretState[]>;
  /** Secrets whose deletion time has passed, oldest first. */
  dueForPurge(now: number, limit: number): Promise<SecretState[]>;
  countSecrets(scope: Scope): Promise<number>;
  /** How many names in the scope start with `prefix`, counting no further than `cap`. */
  countNamePrefix(scope: Scope, prefix: string, cap: number): Promise<number>;
  /**
   * Secrets with rotation work due at `now`: a job whose notBefore (or expired lease) has passed, or a
   * scheduled start that has come (and no job yet). Oldest first.
   */
  dueRotationWork(now: number, limit: number): Promise<SecretState[]>;
  putRotationRun(run: RotationRun): Promise<void>;
  getRotationRun(runId: string): Promise<RotationRun | undefined>;
  /** Newest first. */
  listRotationRuns(secretArn: string, limit: number): Promise<RotationRun[]>;

  appendEvent(e: ServiceEvent): Promise<void>;
  /** Newest first; optionally for one secret and/or one event name. */
  listEvents(q: { scope: Scope; secretArn?: string; eventName?: string; limit: number }): Promise<ServiceEvent[]>;

  getCredential(accessKeyId: string): Promise<CredentialRecord | undefined>;
  putCredential(c: CredentialRecord): Promise<void>;
  listCredentials(): Promise<CredentialRecord[]>;

  getKmsKeys(scope: Scope): Promise<KmsKeyRecord[]>;
  /** Returns false if the key id or one of the aliases already exists in the scope. */
  insertKmsKey(k: KmsKeyRecord): Promise<boolean>;

  getMeta(key: string): Promise<string | undefined>;
  /** Sets key only if absent; returns the value now stored (so concurrent starters agree). */
  initMeta(key: string, value: string): Promise<string>;

  /** Deletes every secret (the opt-in state-reset endpoint); keys and credentials stay. */
  reset(): Promise<void>;
  close(): Promise<void>;
}
