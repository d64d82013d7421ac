/**
 * Secrets use cases (spec §4–§7, §9), shared by the API, and later the console, rotation engine and CLI.
 * Inputs have already passed the model validator (types, lengths, ranges, patterns, enums). Every write is
 * read → pure domain rule → commit-if-revision-unchanged, retried on conflict (store/store.ts).
 */
import { createHmac, randomInt as cryptoRandomInt, randomUUID, timingSafeEqual, createHash } from 'node:crypto';
import { AwsError, err, MSG } from '../domain/errors.js';
import { isValidSecretName, parseSecretId, randomSuffix, secretArn } from '../domain/arn.js';
import {
  addVersion,
  applyRetention,
  checkVersionQuota,
  dayOf,
  DEFAULT_RETENTION,
  findVersion,
  moveStage,
  type RetentionPolicy,
  versionWithStage,
} from '../domain/versions.js';
import { matchesFilters, namePrefixOf, parseFilters, type Filter } from '../domain/list-filters.js';
import { generatePassword, type PasswordOptions } from '../domain/password.js';
import {
  AWSCURRENT,
  type Scope,
  type SecretState,
  type SecretValue,
  type Tag,
  type VersionState,
} from '../domain/types.js';
import type { SortBy, Store, ValueWrite } from '../store/store.js';
import type { Kms } from './kms.js';
import { withSchedule } from '../domain/next-rotation.js';

export interface SecretsDeps {
  store: Store;
  kms: Kms;
  clock: () => number;
  randomInt?: (n: number) => number;
  newId?: () => string;
  retention?: RetentionPolicy;
  /** HMAC key for pagination tokens (from the store's meta table, so all nodes agree). */
  tokenKey: Buffer;
  /** Hook for lifecycle events (audit trail, issue 11; the rotation history listens for RotationAbandoned). */
  onEvent?: (name: string, s: SecretState, detail?: Record<string, string>) => void;
  /** [0,1) source for the scheduler's random start inside a rotation window. */
  random?: () => number;
}

export interface ListSecretsInput {
  IncludePlannedDeletion?: boolean;
  MaxResults?: number;
  NextToken?: string;
  Filters?: unknown[];
  SortOrder?: 'asc' | 'desc';
  SortBy?: SortBy;
}

export interface ValueInput {
  SecretString?: string | undefined;
  /** Already decoded from base64. */
  SecretBinary?: Buffer | undefined;
}

const MAX_TAGS = 50;
const COMMIT_ATTEMPTS = 20;
const LIST_SCAN_BUDGET = 5000;
const LIST_BATCH = 250;
/** Up to this many name-prefix matches are sorted by SQLite; beyond it the sort-order index is walked. */
const NAME_PREFIX_SORT_CAP = 1000;

export function valueOf(input: ValueInput): SecretValue | undefined {
  if (input.SecretString !== undefined) return { kind: 'string', value: input.SecretString };
  if (input.SecretBinary !== undefined) return { kind: 'binary', value: input.SecretBinary };
  return undefined;
}

function sameValue(a: SecretValue | undefined, b: SecretValue | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a.kind === 'string' && b.kind === 'string') return a.value === b.value;
  if (a.kind === 'binary' && b.kind === 'binary') return a.value.equals(b.value);
  return false;
}

/** Tag rules shared by CreateSecret and TagResource (spec §5.18). */
function mergeTags(existing: readonly Tag[] | undefined, add: readonly Partial<Tag>[]): Tag[] {
  const out = [...(existing ?? [])];
  for (const t of add) {
    // Neither member is required by the model: a tag needs a key; a missing value is the empty value.
    if (t.Key === undefined) throw err.invalidParameter('You must specify a Key for each tag.');
    if (t.Key.toLowerCase().startsWith('aws:')) {
      throw err.invalidParameter(`Tag keys starting with 'aws:' are reserved for AWS use: ${t.Key}`);
    }
    const tag: Tag = { Key: t.Key, Value: t.Value ?? '' };
    const i = out.findIndex((x) => x.Key === t.Key);
    if (i >= 0) out[i] = tag;
    else out.push(tag);
  }
  if (out.length > MAX_TAGS) throw err.invalidParameter(`A secret can have at most ${MAX_TAGS} tags.`);
  return out;
}

interface Mutation<T> {
  result: T;
  /** Absent ⇒ nothing to write. */
  next?: SecretState;
  addValues?: ValueWrite[];
  deleteVersionIds?: string[];
  purge?: boolean;
  events?: { name: string; detail?: Record<string, string> }[];
}

/**
 * After a change by a user (not by the rotation engine): if AWSCURRENT moved, that counts as a rotation for
 * the schedule (spec §8.10), and a new AWSCURRENT abandons a rotation in progress (spec §8.13).
 */
function afterManualChange(
  before: SecretState,
  after: SecretState,
  now: number,
  random: () => number,
  abandoned: boolean,
): { next: SecretState; events: { name: string; detail?: Record<string, string> }[] } {
  const was = before.versions.find((v) => v.stages.includes(AWSCURRENT))?.id;
  const is = after.versions.find((v) => v.stages.includes(AWSCURRENT))?.id;
  let next = after;
  const events: { name: string; detail?: Record<string, string> }[] = [];
  if (abandoned && next.rotationJob) {
    events.push({ name: 'RotationAbandoned', detail: { runId: next.rotationJob.runId } });
    next = { ...next };
    delete next.rotationJob;
  }
  if (was !== is) {
    next = { ...next, currentChangedAt: now };
    if (next.rotationEnabled === true) next = withSchedule(next, now, random);
  }
  return { next, events };
}

export function createSecretsService(deps: SecretsDeps) {
  const { store, kms, clock } = deps;
  const randomInt = deps.randomInt ?? ((n: number) => cryptoRandomInt(n));
  const newId = deps.newId ?? randomUUID;
  const retention = deps.retention ?? DEFAULT_RETENTION;
  const emit = deps.onEvent ?? (() => undefined);
  const random = deps.random ?? Math.random;

  /** Step 3–4 of the common order (spec §4): name check for non-ARN ids, then resolution. */
  async function find(scope: Scope, secretId: string): Promise<SecretState | undefined> {
    if (!secretId.startsWith('arn:') && !isValidSecretName(secretId, { forLookup: true })) {
      throw err.validation(MSG.invalidName);
    }
    const ref = parseSecretId(secretId, scope);
    switch (ref.kind) {
      case 'name':
      case 'partial':
        return store.getSecretByName(scope, ref.name);
      case 'arn':
        return store.getSecretByArn(ref.arn);
      case 'other-account':
        // Cross-account access needs a resource policy that allows it (not evaluated yet): denied, never
        // "not found", and the same answer whether or not the secret exists (spec C9).
        throw err.accessDenied(
          `You are not authorized to access ${ref.arn}: it belongs to another AWS account and no resource-based policy allows the access.`,
        );
      case 'foreign':
        return undefined;
    }
  }

  async function resolve(scope: Scope, secretId: string): Promise<SecretState> {
    const s = await find(scope, secretId);
    if (!s) throw err.notFound();
    return s;
  }

  function assertNotDeleted(s: SecretState): void {
    if (s.deletedAt !== undefined) throw err.invalidRequest(MSG.markedForDeletion);
  }

  async function mutate<T>(scope: Scope, secretId: string, fn: (s: SecretState) => Promise<Mutation<T>>): Promise<T> {
    for (let attempt = 0; attempt < COMMIT_ATTEMPTS; attempt++) {
      const current = await resolve(scope, secretId);
      const m = await fn(current);
      if (m.purge === true) {
        if (await store.purgeSecret(current.pk, current.revision)) return m.result;
        continue;
      }
      if (!m.next) return m.result;
      const next: SecretState = { ...m.next, revision: current.revision + 1 };
      if (await store.commitSecret(next, current.revision, m.addValues ?? [], m.deleteVersionIds ?? [])) {
        for (const e of m.events ?? []) emit(e.name, next, e.detail);
        return m.result;
      }
    }
    throw err.internal('The secret is being changed by other requests; try again.');
  }

  async function readValue(s: SecretState, v: VersionState): Promise<SecretValue | undefined> {
    if (!v.hasValue) return undefined;
    const sealed = await store.getValue(s.pk, v.id);
    if (!sealed) return undefined;
    return kms.open(sealed, s.arn, v.id);
  }

  /** A new version with its sealed value, after the quota check, with retention applied afterwards. */
  async function withNewVersion(
    s: SecretState,
    versionId: string,
    value: SecretValue,
    stages: readonly string[] | undefined,
    now: number,
  ): Promise<{
    next: SecretState;
    addValues: ValueWrite[];
    deleteVersionIds: string[];
    events: { name: string; detail?: Record<string, string> }[];
  }> {
    if (!findVersion(s, versionId)) checkVersionQuota(s, now, retention);
    const key = await kms.resolve(scope(s), s.kmsKeyId, now);
    const sealed = await kms.seal(key.arn, s.arn, versionId, value);
    const { state, abandonedRotation } = addVersion(
      s,
      { id: versionId, createdAt: now, hasValue: true, kmsKeyIds: [key.isDefault ? 'DefaultEncryptionKey' : key.arn] },
      stages,
    );
    state.lastChangedAt = now;
    const kept = applyRetention(state, now, retention);
    const m = afterManualChange(s, kept.state, now, random, abandonedRotation);
    return { next: m.next, addValues: [{ versionId, value: sealed }], deleteVersionIds: kept.purged, events: m.events };
  }

  function scope(s: SecretState): Scope {
    return { accountId: s.accountId, region: s.region };
  }

  /**
   * Idempotency for a token that already names a version (spec §6): same value ⇒ no-op, a different
   * value ⇒ ResourceExistsException; the empty rotation placeholder is filled by the caller.
   */
  async function checkTokenReuse(s: SecretState, token: string, value: SecretValue | undefined): Promise<VersionState | undefined> {
    const v = findVersion(s, token);
    if (!v || !v.hasValue) return undefined;
    const stored = await readValue(s, v);
    if (!sameValue(stored, value)) throw err.exists(MSG.tokenInUse(token, s.arn));
    return v;
  }

  // ---- CreateSecret (spec §5.1) --------------------------------------------------------------------------
  async function createSecret(
    sc: Scope,
    input: {
      Name: string;
      ClientRequestToken?: string;
      Description?: string;
      KmsKeyId?: string;
      Tags?: Tag[];
      Type?: string;
    } & ValueInput,
  ): Promise<{ secret: SecretState; versionId?: string }> {
    const value = valueOf(input);
    if (input.SecretString !== undefined && input.SecretBinary !== undefined) throw err.invalidParameter(MSG.bothValues);
    if (value !== undefined && input.ClientRequestToken === undefined) throw err.invalidRequest(MSG.missingToken);
    if (!isValidSecretName(input.Name)) throw err.validation(MSG.invalidName);
    for (let attempt = 0; attempt < COMMIT_ATTEMPTS; attempt++) {
      const existing = await store.getSecretByName(sc, input.Name);
      if (existing) {
        if (existing.deletedAt !== undefined) throw err.invalidRequest(MSG.scheduledForDeletionCreate);
        const token = input.ClientRequestToken;
        const v = token !== undefined ? findVersion(existing, token) : undefined;
        if (token !== undefined && v) {
          if (!sameValue(await readValue(existing, v), value)) throw err.exists(MSG.tokenInUse(token, existing.arn));
          return { secret: existing, versionId: v.id };
        }
        throw err.exists(MSG.secretExists(input.Name));
      }
      const now = clock();
      const key = await kms.resolve(sc, input.KmsKeyId, now);
      const pk = newId();
      const s: SecretState = {
        pk,
        accountId: sc.accountId,
        region: sc.region,
        arn: secretArn(sc, input.Name, randomSuffix(randomInt)),
        name: input.Name,
        createdAt: now,
        lastChangedAt: now,
        versions: [],
        purgedVersionIds: [],
        revision: 1,
      };
      if (input.Description !== undefined && input.Description !== '') s.description = input.Description;
      if (input.KmsKeyId !== undefined && input.KmsKeyId !== '') {
        s.kmsKeyId = input.KmsKeyId;
        s.kmsKeyArn = key.arn;
      }
      if (input.Tags !== undefined) s.tags = mergeTags(undefined, input.Tags);
      if (input.Type !== undefined && input.Type !== '') s.type = input.Type;
      const values: ValueWrite[] = [];
      let versionId: string | undefined;
      if (value !== undefined && input.ClientRequestToken !== undefined) {
        versionId = input.ClientRequestToken;
        values.push({ versionId, value: await kms.seal(key.arn, s.arn, versionId, value) });
        s.versions.push({
          id: versionId,
          stages: [AWSCURRENT],
          createdAt: now,
          hasValue: true,
          kmsKeyIds: [key.isDefault ? 'DefaultEncryptionKey' : key.arn],
        });
      }
      if (await store.insertSecret(s, values)) {
        emit('CreateSecret', s);
        return versionId !== undefined ? { secret: s, versionId } : { secret: s };
      }
      // Lost a race for the name (or the ARN suffix collided): look again.
    }
    throw err.internal('Could not create the secret; try again.');
  }

  // ---- DescribeSecret (spec §5.2) ------------------------------------------------------------------------
  /** `resolved`: the secret this request's authorization already found for `secretId` (never re-read). */
  async function describeSecret(sc: Scope, secretId: string, resolved?: SecretState): Promise<SecretState> {
    return resolved ?? resolve(sc, secretId);
  }

  // ---- GetSecretValue (spec §5.3) ------------------------------------------------------------------------
  async function getSecretValue(
    sc: Scope,
    input: { SecretId: string; VersionId?: string; VersionStage?: string },
    /** The secret this request's authorization already found for `input.SecretId` (see describeSecret). */
    resolved?: SecretState,
  ): Promise<{ secret: SecretState; version: VersionState; value: SecretValue }> {
    const s = resolved ?? (await resolve(sc, input.SecretId));
    return readResolved(s, input.VersionId, input.VersionStage);
  }

  async function readResolved(
    s: SecretState,
    versionId: string | undefined,
    versionStage: string | undefined,
  ): Promise<{ secret: SecretState; version: VersionState; value: SecretValue }> {
    assertNotDeleted(s);
    let v: VersionState | undefined;
    if (versionId !== undefined) {
      v = findVersion(s, versionId);
      if (!v) {
        if (s.purgedVersionIds.includes(versionId)) throw err.invalidRequest(MSG.versionDeleted(versionId));
        throw err.notFound(MSG.noValueForVersion(versionId));
      }
      if (versionStage !== undefined && !v.stages.includes(versionStage)) throw err.invalidRequest(MSG.versionStageMismatch);
    } else {
      const stage = versionStage ?? AWSCURRENT;
      v = versionWithStage(s, stage);
      if (!v) throw err.notFound(MSG.noValueForStage(stage));
    }
    const value = await readValue(s, v);
    if (value === undefined) {
      throw err.notFound(versionStage !== undefined ? MSG.noValueForStage(versionStage) : MSG.noValueForVersion(v.id));
    }
    await touch(s, v.id);
    return { secret: s, version: v, value };
  }

  /** LastAccessedDate has day granularity, so at most one write per secret and version per day. */
  async function touch(s: SecretState, versionId: string): Promise<void> {
    const today = dayOf(clock());
    const v = findVersion(s, versionId);
    if (s.lastAccessedAt === today && v?.lastAccessedAt === today) return;
    const next = structuredClone(s);
    next.lastAccessedAt = today;
    const nv = findVersion(next, versionId);
    if (nv) nv.lastAccessedAt = today;
    next.revision = s.revision + 1;
    // Best effort: losing this race to a concurrent write only delays the date to the next read.
    await store.commitSecret(next, s.revision, [], []);
  }

  // ---- BatchGetSecretValue (spec §5.4) -------------------------------------------------------------------
  async function batchGetSecretValue(
    sc: Scope,
    input: { SecretIdList?: string[]; Filters?: unknown[]; MaxResults?: number; NextToken?: string },
    /** Per-item authorization (api/authorize.ts): throws an AwsError reported as that item's error. */
    authorizeItem: (id: string, s: SecretState | undefined) => void = () => undefined,
  ): Promise<{
    values: { secret: SecretState; version: VersionState; value: SecretValue }[];
    errors: { SecretId: string; ErrorCode: string; Message: string }[];
    nextToken?: string;
  }> {
    const hasIds = input.SecretIdList !== undefined;
    const hasFilters = input.Filters !== undefined;
    if (hasIds === hasFilters) throw err.invalidParameter("Either 'SecretIdList' or 'Filters' must be provided, but not both.");
    if (input.MaxResults !== undefined && !hasFilters) {
      throw err.invalidParameter("'Filters' not specified. 'Filters' must also be specified when 'MaxResults' is provided.");
    }
    const values: { secret: SecretState; version: VersionState; value: SecretValue }[] = [];
    const errors: { SecretId: string; ErrorCode: string; Message: string }[] = [];
    const fetchOne = async (id: string, pre?: SecretState) => {
      try {
        const s = pre ?? (await find(sc, id));
        // Before "not found", so a caller without permission cannot probe for names.
        authorizeItem(id, s);
        if (!s) throw err.notFound();
        values.push(await readResolved(s, undefined, undefined));
      } catch (e) {
        if (!(e instanceof AwsError) || e.status >= 500) throw e;
        errors.push({ SecretId: id, ErrorCode: e.code, Message: e.message });
      }
    };
    if (input.SecretIdList !== undefined) {
      for (const id of input.SecretIdList) await fetchOne(id);
      return { values, errors };
    }
    const page = await listSecrets(sc, {
      ...(input.Filters !== undefined ? { Filters: input.Filters } : {}),
      MaxResults: input.MaxResults ?? 20,
      ...(input.NextToken !== undefined ? { NextToken: input.NextToken } : {}),
    }, 'batch');
    for (const s of page.secrets) await fetchOne(s.arn, s);
    return page.nextToken !== undefined ? { values, errors, nextToken: page.nextToken } : { values, errors };
  }

  // ---- PutSecretValue (spec §5.5) ------------------------------------------------------------------------
  async function putSecretValue(
    sc: Scope,
    input: { SecretId: string; ClientRequestToken?: string; VersionStages?: string[]; RotationToken?: string } & ValueInput,
  ): Promise<{ secret: SecretState; versionId: string; stages: string[] }> {
    if (input.SecretString !== undefined && input.SecretBinary !== undefined) {
      throw err.invalidParameter('You must include SecretBinary or SecretString, but not both.');
    }
    const value = valueOf(input);
    if (value === undefined) throw err.invalidRequest('You must provide either SecretString or SecretBinary.');
    const token = input.ClientRequestToken;
    if (token === undefined) throw err.invalidRequest(MSG.missingToken);
    return mutate(sc, input.SecretId, async (s) => {
      assertNotDeleted(s);
      const reused = await checkTokenReuse(s, token, value);
      if (reused) return { result: { secret: s, versionId: token, stages: [...reused.stages] } };
      const now = clock();
      const r = await withNewVersion(s, token, value, input.VersionStages, now);
      const v = findVersion(r.next, token);
      return {
        result: { secret: r.next, versionId: token, stages: v ? [...v.stages] : [] },
        next: r.next,
        addValues: r.addValues,
        deleteVersionIds: r.deleteVersionIds,
        events: r.events,
      };
    });
  }

  // ---- UpdateSecret (spec §5.6) --------------------------------------------------------------------------
  async function updateSecret(
    sc: Scope,
    input: { SecretId: string; ClientRequestToken?: string; Description?: string; KmsKeyId?: string; Type?: string } & ValueInput,
  ): Promise<{ secret: SecretState; versionId?: string }> {
    if (input.SecretString !== undefined && input.SecretBinary !== undefined) throw err.invalidParameter(MSG.bothValues);
    const value = valueOf(input);
    const token = input.ClientRequestToken;
    if (value !== undefined && token === undefined) throw err.invalidRequest(MSG.missingToken);
    return mutate<{ secret: SecretState; versionId?: string }>(sc, input.SecretId, async (s) => {
      assertNotDeleted(s);
      if (s.owningService !== undefined) {
        throw err.invalidRequest('This secret is managed by an AWS service, and you must use that service to update it.');
      }
      const now = clock();
      let next = structuredClone(s);
      let changed = false;
      if (input.Description !== undefined) {
        if (input.Description === '') delete next.description;
        else next.description = input.Description;
        changed = true;
      }
      if (input.KmsKeyId !== undefined) {
        if (input.KmsKeyId === '') {
          delete next.kmsKeyId;
          delete next.kmsKeyArn;
        } else {
          const key = await kms.resolve(sc, input.KmsKeyId, now);
          next.kmsKeyId = input.KmsKeyId;
          next.kmsKeyArn = key.arn;
        }
        changed = true;
      }
      if (input.Type !== undefined) {
        if (input.Type === '') delete next.type;
        else next.type = input.Type;
        changed = true;
      }
      if (value === undefined || token === undefined) {
        if (!changed) return { result: { secret: s } };
        next.lastChangedAt = now;
        return { result: { secret: next }, next };
      }
      if (await checkTokenReuse(s, token, value)) {
        return changed ? { result: { secret: next, versionId: token }, next: { ...next, lastChangedAt: now } } : { result: { secret: s, versionId: token } };
      }
      const r = await withNewVersion(next, token, value, undefined, now);
      next = r.next;
      return {
        result: { secret: next, versionId: token },
        next,
        addValues: r.addValues,
        deleteVersionIds: r.deleteVersionIds,
        events: r.events,
      };
    });
  }

  // ---- UpdateSecretVersionStage (spec §5.7) --------------------------------------------------------------
  async function updateSecretVersionStage(
    sc: Scope,
    input: { SecretId: string; VersionStage: string; MoveToVersionId?: string; RemoveFromVersionId?: string },
  ): Promise<SecretState> {
    return mutate(sc, input.SecretId, async (s) => {
      assertNotDeleted(s);
      const next = moveStage(s, input.VersionStage, input.MoveToVersionId, input.RemoveFromVersionId);
      if (JSON.stringify(next.versions) === JSON.stringify(s.versions)) return { result: s };
      const now = clock();
      next.lastChangedAt = now;
      const kept = applyRetention(next, now, retention);
      const m = afterManualChange(s, kept.state, now, random, false);
      return { result: m.next, next: m.next, deleteVersionIds: kept.purged };
    });
  }

  // ---- ListSecrets (spec §5.8) ---------------------------------------------------------------------------
  interface ListCursor {
    sv: string | number;
    pk: string;
    q: string;
  }

  function sortValue(s: SecretState, by: SortBy): string | number {
    switch (by) {
      case 'created-date':
        return s.createdAt;
      case 'last-changed-date':
        return s.lastChangedAt;
      case 'last-accessed-date':
        return s.lastAccessedAt ?? 0;
      case 'name':
        return s.name;
    }
  }

  function signToken(payload: object): string {
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    const mac = createHmac('sha256', deps.tokenKey).update(body).digest('base64url').slice(0, 22);
    return `${body}.${mac}`;
  }

  function openToken<T>(token: string): T {
    const i = token.lastIndexOf('.');
    if (i <= 0) throw err.invalidNextToken();
    const body = token.slice(0, i);
    const mac = Buffer.from(token.slice(i + 1));
    const want = Buffer.from(createHmac('sha256', deps.tokenKey).update(body).digest('base64url').slice(0, 22));
    if (mac.length !== want.length || !timingSafeEqual(mac, want)) throw err.invalidNextToken();
    try {
      return JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as T;
    } catch {
      throw err.invalidNextToken();
    }
  }

  async function listSecrets(
    sc: Scope,
    input: ListSecretsInput,
    purpose: 'list' | 'batch' = 'list',
  ): Promise<{ secrets: SecretState[]; nextToken?: string }> {
    const filters: Filter[] = parseFilters(input.Filters);
    const sortBy: SortBy = input.SortBy ?? 'created-date';
    const descending = input.SortOrder === 'desc';
    const include = purpose === 'list' && input.IncludePlannedDeletion === true;
    const max = input.MaxResults ?? 100;
    const queryHash = createHash('sha256')
      .update(JSON.stringify([purpose, sc.accountId, sc.region, filters, sortBy, descending, include]))
      .digest('base64url')
      .slice(0, 16);
    let after: { sortValue: string | number; pk: string } | undefined;
    if (input.NextToken !== undefined) {
      const c = openToken<ListCursor>(input.NextToken);
      if (c.q !== queryHash || (typeof c.sv !== 'string' && typeof c.sv !== 'number') || typeof c.pk !== 'string') {
        throw err.invalidNextToken();
      }
      after = { sortValue: c.sv, pk: c.pk };
    }
    // A name-prefix filter can use the name index, but then SQLite must sort every match into the requested
    // order: cheap for a narrow prefix, slow for one that matches most secrets (docs/benchmarks.md). Count
    // the matches up to a cap; past it, walk the sort order's index instead and let the filter do the rest.
    let prefix = namePrefixOf(filters);
    if (prefix !== undefined && sortBy !== 'name' && (await store.countNamePrefix(sc, prefix, NAME_PREFIX_SORT_CAP + 1)) > NAME_PREFIX_SORT_CAP) {
      prefix = undefined;
    }
    const out: SecretState[] = [];
    let scanned = 0;
    let lastScanned: SecretState | undefined;
    let exhausted = false;
    let more = false;
    while (scanned < LIST_SCAN_BUDGET) {
      const batch = await store.listSecrets({
        scope: sc,
        includePlannedDeletion: include,
        sortBy,
        descending,
        limit: LIST_BATCH,
        ...(after ? { after } : {}),
        ...(prefix !== undefined ? { namePrefix: prefix } : {}),
      });
      for (const s of batch) {
        scanned++;
        const matches = matchesFilters(s, filters);
        if (matches && out.length === max) {
          more = true;
          break;
        }
        lastScanned = s;
        if (matches) out.push(s);
      }
      if (more) break;
      if (batch.length < LIST_BATCH) {
        exhausted = true;
        break;
      }
      const last = batch[batch.length - 1];
      if (last) after = { sortValue: sortValue(last, sortBy), pk: last.pk };
    }
    let nextToken: string | undefined;
    if ((more || !exhausted) && lastScanned) {
      nextToken = signToken({ sv: sortValue(lastScanned, sortBy), pk: lastScanned.pk, q: queryHash } satisfies ListCursor);
    }
    return nextToken !== undefined ? { secrets: out, nextToken } : { secrets: out };
  }

  // ---- ListSecretVersionIds (spec §5.9) ------------------------------------------------------------------
  async function listSecretVersionIds(
    sc: Scope,
    input: { SecretId: string; MaxResults?: number; NextToken?: string; IncludeDeprecated?: boolean },
  ): Promise<{ secret: SecretState; versions: VersionState[]; nextToken?: string }> {
    const s = await resolve(sc, input.SecretId);
    const all = s.versions
      .filter((v) => input.IncludeDeprecated === true || v.stages.length > 0)
      .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
    let start = 0;
    if (input.NextToken !== undefined) {
      const c = openToken<{ pk: string; o: number; d: boolean }>(input.NextToken);
      if (c.pk !== s.pk || typeof c.o !== 'number' || c.d !== (input.IncludeDeprecated === true)) throw err.invalidNextToken();
      start = c.o;
    }
    const max = input.MaxResults ?? 100;
    const versions = all.slice(start, start + max);
    const end = start + versions.length;
    if (end < all.length) {
      return { secret: s, versions, nextToken: signToken({ pk: s.pk, o: end, d: input.IncludeDeprecated === true }) };
    }
    return { secret: s, versions };
  }

  // ---- DeleteSecret (spec §5.10, correction C2) ----------------------------------------------------------
  async function deleteSecret(
    sc: Scope,
    input: { SecretId: string; RecoveryWindowInDays?: number; ForceDeleteWithoutRecovery?: boolean },
  ): Promise<{ arn: string; name: string; deletionDate: number }> {
    const force = input.ForceDeleteWithoutRecovery === true;
    // Name validation comes before the parameter checks (spec §4 order, C2).
    const existing = await find(sc, input.SecretId);
    if (force && input.RecoveryWindowInDays !== undefined) {
      throw err.invalidParameter("You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.");
    }
    const days = input.RecoveryWindowInDays ?? 30;
    if (!Number.isInteger(days) || days < 7 || days > 30) {
      throw err.invalidParameter('The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).');
    }
    if (!existing) {
      if (!force) throw err.notFound();
      // AWS does not answer ResourceNotFoundException to a forced delete of an unknown id (spec §5.10).
      const name = input.SecretId.startsWith('arn:') ? (input.SecretId.split(':secret:')[1] ?? input.SecretId) : input.SecretId;
      const arn = input.SecretId.startsWith('arn:') ? input.SecretId : secretArn(sc, name, randomSuffix(randomInt));
      return { arn, name, deletionDate: clock() };
    }
    return mutate(sc, input.SecretId, async (s) => {
      const now = clock();
      if (force) {
        return { result: { arn: s.arn, name: s.name, deletionDate: now }, purge: true };
      }
      if (s.deletedAt !== undefined) {
        throw err.invalidRequest("You tried to perform the operation on a secret that's currently marked deleted.");
      }
      const next = structuredClone(s);
      next.deletedAt = now + days * 86_400_000;
      next.lastChangedAt = now;
      return { result: { arn: s.arn, name: s.name, deletionDate: next.deletedAt }, next, events: [{ name: 'DeleteSecret' }] };
    });
  }

  // ---- RestoreSecret (spec §5.11) ------------------------------------------------------------------------
  async function restoreSecret(sc: Scope, secretId: string): Promise<SecretState> {
    return mutate(sc, secretId, async (s) => {
      if (s.deletedAt === undefined) return { result: s };
      const next = structuredClone(s);
      delete next.deletedAt;
      next.lastChangedAt = clock();
      return { result: next, next, events: [{ name: 'RestoreSecret' }] };
    });
  }

  // ---- TagResource / UntagResource (spec §5.18) ----------------------------------------------------------
  async function tagResource(sc: Scope, input: { SecretId: string; Tags: Tag[] }): Promise<void> {
    await mutate(sc, input.SecretId, async (s) => {
      assertNotDeleted(s);
      const next = structuredClone(s);
      next.tags = mergeTags(s.tags, input.Tags);
      next.lastChangedAt = clock();
      return { result: undefined, next };
    });
  }

  async function untagResource(sc: Scope, input: { SecretId: string; TagKeys: string[] }): Promise<void> {
    await mutate(sc, input.SecretId, async (s) => {
      assertNotDeleted(s);
      const next = structuredClone(s);
      next.tags = (s.tags ?? []).filter((t) => !input.TagKeys.includes(t.Key));
      next.lastChangedAt = clock();
      return { result: undefined, next };
    });
  }

  // ---- Put/DeleteResourcePolicy (spec §5.15, §5.16; correction C8) --------------------------------------
  async function setResourcePolicy(sc: Scope, secretId: string, policy: string | undefined): Promise<SecretState> {
    return mutate(sc, secretId, async (s) => {
      assertNotDeleted(s);
      if (s.resourcePolicy === policy) return { result: s };
      const next = structuredClone(s);
      if (policy === undefined) delete next.resourcePolicy;
      else next.resourcePolicy = policy;
      next.lastChangedAt = clock();
      return { result: next, next };
    });
  }

  // ---- GetRandomPassword (spec §5.14) --------------------------------------------------------------------
  function getRandomPassword(opts: PasswordOptions): string {
    return generatePassword(opts, randomInt);
  }

  // ---- Background: purge secrets whose recovery window has ended (spec §9) ------------------------------
  async function purgeDue(limit = 100): Promise<number> {
    const due = await store.dueForPurge(clock(), limit);
    let n = 0;
    for (const s of due) {
      if (await store.purgeSecret(s.pk, s.revision)) {
        n++;
        emit('EndSecretVersionDelete', s);
      }
    }
    return n;
  }

  return {
    find,
    resolve,
    assertNotDeleted,
    setResourcePolicy,
    mutate,
    readValue,
    createSecret,
    describeSecret,
    getSecretValue,
    batchGetSecretValue,
    putSecretValue,
    updateSecret,
    updateSecretVersionStage,
    listSecrets,
    listSecretVersionIds,
    deleteSecret,
    restoreSecret,
    tagResource,
    untagResource,
    getRandomPassword,
    purgeDue,
  };
}

export type SecretsService = ReturnType<typeof createSecretsService>;
