/**
 * Versions and staging labels (spec §2.3, §2.4, §5.5, §5.7, §7, correction C1). Pure: functions take a
 * state and return a new one; time comes in as an argument.
 */
import { AwsError, err } from './errors.js';
import { AWSCURRENT, AWSPENDING, AWSPREVIOUS, type SecretState, type VersionState } from './types.js';

export const MAX_LABELS_PER_SECRET = 20;
/** Purged VersionIds remembered for the "was deleted" error (spec C4). */
export const MAX_REMEMBERED_PURGES = 200;

export interface RetentionPolicy {
  /** Versions a secret may hold before deprecated ones are purged (AWS: about 100). */
  maxVersions: number;
  /** Deprecated versions younger than this are never purged (AWS: 24 hours). */
  minAgeMs: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = { maxVersions: 100, minAgeMs: 24 * 3600 * 1000 };

export function cloneState(s: SecretState): SecretState {
  return structuredClone(s);
}

export function findVersion(s: SecretState, id: string): VersionState | undefined {
  return s.versions.find((v) => v.id === id);
}

export function versionWithStage(s: SecretState, stage: string): VersionState | undefined {
  return s.versions.find((v) => v.stages.includes(stage));
}

function removeStage(v: VersionState, stage: string): void {
  v.stages = v.stages.filter((x) => x !== stage);
}

function addStage(v: VersionState, stage: string): void {
  if (!v.stages.includes(stage)) v.stages = [...v.stages, stage].sort();
}

/** Detaches `stage` from whichever version holds it, except `keep`. */
function detachEverywhere(s: SecretState, stage: string, keep?: VersionState): void {
  for (const v of s.versions) if (v !== keep) removeStage(v, stage);
}

/**
 * Moves AWSCURRENT onto `target`; the version it left gets AWSPREVIOUS, which leaves whichever version had
 * it (invariant §2.3(4)). A no-op if target already is current.
 */
function makeCurrent(s: SecretState, target: VersionState): void {
  const old = versionWithStage(s, AWSCURRENT);
  if (old === target) return;
  detachEverywhere(s, AWSCURRENT, target);
  addStage(target, AWSCURRENT);
  if (old) {
    detachEverywhere(s, AWSPREVIOUS, old);
    addStage(old, AWSPREVIOUS);
  }
}

function checkLabelLimit(s: SecretState): void {
  const labels = new Set<string>();
  for (const v of s.versions) for (const l of v.stages) labels.add(l);
  if (labels.size > MAX_LABELS_PER_SECRET) {
    throw err.limit(`You have exceeded the maximum number of staging labels (${MAX_LABELS_PER_SECRET}) that can be attached to the versions of a secret.`);
  }
}

export interface NewVersionResult {
  state: SecretState;
  /** True if AWSPENDING sat on a version other than the current one and was removed (RotationAbandoned). */
  abandonedRotation: boolean;
}

/**
 * Adds a version created by CreateSecret, PutSecretValue or UpdateSecret, or fills the empty rotation
 * placeholder with VersionId = `version.id`.
 * - stages omitted ⇒ [AWSCURRENT]; the first valued version always gets AWSCURRENT (spec §5.5-4);
 * - every listed label is moved here from wherever it was (no RemoveFromVersionId needed);
 * - when this makes a *new* AWSCURRENT, AWSPREVIOUS follows and AWSPENDING is removed from every version,
 *   the old current one included (correction C1), which abandons a pending rotation (§8.13).
 */
export function addVersion(
  state: SecretState,
  version: Omit<VersionState, 'stages'>,
  requestedStages: readonly string[] | undefined,
): NewVersionResult {
  const s = cloneState(state);
  const hadCurrent = s.versions.some((v) => v.hasValue && v.stages.includes(AWSCURRENT));
  let target = findVersion(s, version.id);
  if (target) {
    // Filling the placeholder keeps its labels; the new value and metadata replace the empty ones.
    Object.assign(target, { ...version, stages: target.stages });
  } else {
    target = { ...version, stages: [] };
    s.versions.push(target);
  }
  const stages = [...new Set(requestedStages ?? [AWSCURRENT])];
  if (!hadCurrent && !stages.includes(AWSCURRENT)) stages.push(AWSCURRENT);
  let abandonedRotation = false;
  if (stages.includes(AWSCURRENT) && !target.stages.includes(AWSCURRENT)) {
    const pendingHolder = versionWithStage(s, AWSPENDING);
    const current = versionWithStage(s, AWSCURRENT);
    if (pendingHolder && pendingHolder !== current && pendingHolder !== target) abandonedRotation = true;
    if (!stages.includes(AWSPENDING)) detachEverywhere(s, AWSPENDING);
  }
  for (const l of stages) {
    if (l === AWSCURRENT) continue;
    detachEverywhere(s, l, target);
    addStage(target, l);
  }
  if (stages.includes(AWSCURRENT)) makeCurrent(s, target);
  checkLabelLimit(s);
  return { state: s, abandonedRotation };
}

/**
 * UpdateSecretVersionStage (spec §5.7, corrections C5, C7). Throws AwsError with AWS's messages.
 */
export function moveStage(
  state: SecretState,
  stage: string,
  moveToVersionId: string | undefined,
  removeFromVersionId: string | undefined,
): SecretState {
  const s = cloneState(state);
  const holder = versionWithStage(s, stage);
  if (moveToVersionId === undefined) {
    if (removeFromVersionId === undefined) {
      throw err.invalidParameter('You must specify either MoveToVersionId or RemoveFromVersionId.');
    }
    const from = findVersion(s, removeFromVersionId);
    if (!from) throw versionNotFound(s, removeFromVersionId);
    if (!from.stages.includes(stage)) {
      throw err.invalidParameter(
        `The staging label ${stage} is not attached to version ${removeFromVersionId}, so you can't remove it.`,
      );
    }
    if (stage === AWSCURRENT) {
      throw err.invalidParameter(
        'You can only move staging label AWSCURRENT to a different secret version. It can’t be completely removed.',
      );
    }
    removeStage(from, stage);
    return s;
  }
  const to = findVersion(s, moveToVersionId);
  if (!to) throw versionNotFound(s, moveToVersionId);
  if (holder && holder !== to) {
    if (removeFromVersionId === undefined) {
      if (stage === AWSCURRENT) {
        throw err.invalidParameter(
          `The parameter RemoveFromVersionId can't be empty. Staging label ${stage} is currently attached to version ${holder.id}, so you must explicitly reference that version in RemoveFromVersionId.`,
        );
      }
    } else if (removeFromVersionId !== holder.id) {
      throw err.invalidParameter(
        `When you move staging label ${stage}, if you specify RemoveFromVersionId, it must be set to the version that currently has the staging label ${stage}.`,
      );
    }
  } else if (removeFromVersionId !== undefined && removeFromVersionId !== moveToVersionId) {
    const from = findVersion(s, removeFromVersionId);
    if (!from) throw versionNotFound(s, removeFromVersionId);
    if (!from.stages.includes(stage)) {
      throw err.invalidParameter(
        `The staging label ${stage} is not attached to version ${removeFromVersionId}, so you can't remove it.`,
      );
    }
  }
  if (holder === to) return s;
  if (stage === AWSCURRENT) {
    if (!to.hasValue) {
      throw err.invalidRequest(`You can't attach staging label AWSCURRENT to version ${to.id} because it has no secret value.`);
    }
    makeCurrent(s, to);
  } else {
    detachEverywhere(s, stage, to);
    addStage(to, stage);
  }
  checkLabelLimit(s);
  return s;
}

function versionNotFound(s: SecretState, id: string): AwsError {
  if (s.purgedVersionIds.includes(id)) return err.invalidRequest(`You can't perform this operation on secret version ${id} because it was deleted.`);
  return err.invalidParameter(`Secrets Manager can't find the specified secret version: ${id}`);
}

/**
 * Before a new version is created: if the secret is at the limit and no deprecated version is old enough
 * to be purged, refuse with LimitExceededException (spec §2.4 (b)).
 */
export function checkVersionQuota(s: SecretState, now: number, policy: RetentionPolicy): void {
  if (s.versions.length < policy.maxVersions) return;
  const purgeable = s.versions.some((v) => v.stages.length === 0 && now - v.createdAt >= policy.minAgeMs);
  if (!purgeable) {
    throw err.limit(
      `You have exceeded the maximum number of versions (${policy.maxVersions}) for this secret. Versions without staging labels are removed once they are more than 24 hours old.`,
    );
  }
}

/**
 * Purges deprecated versions oldest-first while the secret holds more than the limit, never one younger
 * than minAgeMs (spec §2.4 (a)). Returns the new state and the purged ids.
 */
export function applyRetention(
  state: SecretState,
  now: number,
  policy: RetentionPolicy,
): { state: SecretState; purged: string[] } {
  if (state.versions.length <= policy.maxVersions) return { state, purged: [] };
  const s = cloneState(state);
  const candidates = s.versions
    .filter((v) => v.stages.length === 0 && now - v.createdAt >= policy.minAgeMs)
    .sort((a, b) => a.createdAt - b.createdAt);
  const purged: string[] = [];
  for (const v of candidates) {
    if (s.versions.length - purged.length <= policy.maxVersions) break;
    purged.push(v.id);
  }
  if (purged.length === 0) return { state, purged };
  s.versions = s.versions.filter((v) => !purged.includes(v.id));
  s.purgedVersionIds = [...s.purgedVersionIds, ...purged].slice(-MAX_REMEMBERED_PURGES);
  return { state: s, purged };
}

/** VersionIdsToStages: labelled versions only (deprecated ones are hidden, §2.3(5)). */
export function versionsToStages(s: SecretState): Record<string, string[]> | undefined {
  const out: Record<string, string[]> = {};
  let any = false;
  for (const v of s.versions) {
    if (v.stages.length === 0) continue;
    out[v.id] = [...v.stages];
    any = true;
  }
  return any ? out : undefined;
}

/** 00:00:00 UTC of the day of `t` (LastAccessedDate has day granularity, spec §2.1). */
export function dayOf(t: number): number {
  return t - (t % 86_400_000);
}
