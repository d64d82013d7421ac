/**
 * The secret aggregate, in domain terms. A secret is metadata plus versions; a version is a VersionId, an
 * (encrypted, stored apart) value and a set of staging labels (spec §2). Everything here is plain data so
 * that it serialises to one JSON document per secret; values never live in these objects.
 * Times are epoch milliseconds (UTC).
 */

export interface Scope {
  readonly accountId: string;
  readonly region: string;
}

export interface Tag {
  Key: string;
  Value: string;
}

export interface RotationRules {
  AutomaticallyAfterDays?: number;
  Duration?: string;
  ScheduleExpression?: string;
}

export interface ExternalMetadataItem {
  Key: string;
  Value: string;
}

export interface VersionState {
  id: string;
  /** Staging labels, kept sorted. Empty ⇒ deprecated (spec §2.3(5)). */
  stages: string[];
  createdAt: number;
  /** Day-truncated (00:00 UTC) time of the last read, spec §2.1. */
  lastAccessedAt?: number;
  /** false for the empty AWSPENDING rotation placeholder (spec §8.4). */
  hasValue: boolean;
  /** The KMS key ARN (or 'DefaultEncryptionKey' for aws/secretsmanager) that sealed the value. */
  kmsKeyIds: string[];
  /** Short hash of the value, to compare values for idempotency without decrypting (see domain/versions). */
  valueDigest?: string;
}

export interface SecretState {
  /** Internal primary key; never on the wire. */
  pk: string;
  accountId: string;
  region: string;
  arn: string;
  name: string;
  description?: string;
  /** As given by the user (id, ARN or alias); absent ⇒ aws/secretsmanager. */
  kmsKeyId?: string;
  /** The resolved KMS key ARN used to seal new versions; absent ⇒ the account's default key. */
  kmsKeyArn?: string;
  /** undefined: never tagged; []: tags were all removed (spec §13.38). */
  tags?: Tag[];
  type?: string;
  owningService?: string;
  resourcePolicy?: string;
  rotationEnabled?: boolean;
  rotationLambdaArn?: string;
  rotationRules?: RotationRules;
  externalSecretRotationMetadata?: ExternalMetadataItem[];
  externalSecretRotationRoleArn?: string;
  lastRotatedAt?: number;
  /** NextRotationDate: the end of the next rotation window (spec §8.10). */
  nextRotationAt?: number;
  /** When the scheduler will start the next rotation, inside that window (the seed's random hour/minute). */
  scheduledStartAt?: number;
  /** When AWSCURRENT last moved to another version by any means: manual changes count as rotations. */
  currentChangedAt?: number;
  /** The rotation in progress or waiting for a retry, if any (rotation/engine.ts drives it). */
  rotationJob?: RotationJob;
  createdAt: number;
  lastChangedAt: number;
  lastAccessedAt?: number;
  /** Set while scheduled for deletion: the time it will be purged. */
  deletedAt?: number;
  versions: VersionState[];
  /** VersionIds that were purged by retention, for the "was deleted" error (spec C4). Bounded. */
  purgedVersionIds: string[];
  /** Optimistic-concurrency revision; bumped by every write. */
  revision: number;
}

export type RotationStep = 'createSecret' | 'setSecret' | 'testSecret' | 'finishSecret';

export interface RotationJob {
  /** Id of this run in the rotation history. */
  runId: string;
  /** ClientRequestToken: the VersionId of the pending version, the same for every step and retry. */
  token: string;
  /** The opaque per-rotation RotationToken sent in each event (spec §8.16). */
  rotationToken: string;
  /** full: the four steps; test: RotateImmediately=false, testSecret only on a temporary copy. */
  mode: 'full' | 'test';
  functionArn: string;
  trigger: 'api' | 'schedule';
  nextStep: RotationStep;
  /** 1-based attempt of the whole rotation (retries restart at createSecret, spec §8.7). */
  attempt: number;
  /** Not to be run before this time (back-off between attempts). */
  notBefore: number;
  /** Which node runs the current step, until when (a dead node's job is taken over after it expires). */
  lease?: { owner: string; until: number };
  startedAt: number;
}

/** A sealed (encrypted) version value as stored. */
export interface SealedValue {
  keyArn: string;
  masterKeyId: string;
  wrappedKey: Buffer;
  ciphertext: Buffer;
}

/** A plaintext version value: exactly one of the two members (spec §2.2). */
export type SecretValue = { kind: 'string'; value: string } | { kind: 'binary'; value: Buffer };

export const AWSCURRENT = 'AWSCURRENT';
export const AWSPREVIOUS = 'AWSPREVIOUS';
export const AWSPENDING = 'AWSPENDING';

export interface RotationStepRecord {
  step: RotationStep;
  attempt: number;
  startedAt: number;
  endedAt: number;
  ok: boolean;
  error?: string;
  /** The function's captured output for this invocation (capped). */
  logs?: string;
}

export type RotationRunStatus = 'running' | 'succeeded' | 'failed' | 'abandoned' | 'cancelled';

/** One rotation run in the history: trigger, token and each step's outcome (issue 3 §5). */
export interface RotationRun {
  runId: string;
  secretPk: string;
  secretArn: string;
  accountId: string;
  region: string;
  token: string;
  mode: 'full' | 'test';
  trigger: 'api' | 'schedule';
  functionArn: string;
  status: RotationRunStatus;
  startedAt: number;
  endedAt?: number;
  attempts: number;
  steps: RotationStepRecord[];
  error?: string;
}

/** A service event, shaped like CloudTrail's AwsServiceEvent records for Secrets Manager (spec §8.18). */
export interface ServiceEvent {
  eventId: string;
  eventTime: number;
  eventName: string;
  accountId: string;
  region: string;
  secretArn?: string;
  /** e.g. runId, errorMessage — never a secret value or token. */
  detail?: Record<string, string>;
}
