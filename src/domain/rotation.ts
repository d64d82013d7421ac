/**
 * Rotation rules (spec §8): the synchronous part of RotateSecret after the function check, the label
 * state machine's service-side moves, completion bookkeeping and CancelRotateSecret. Pure: ids, time and
 * the computed schedule come in as arguments.
 */
import { err } from './errors.js';
import { findVersion, versionWithStage, cloneState } from './versions.js';
import {
  AWSCURRENT,
  AWSPENDING,
  type RotationJob,
  type RotationRules,
  type RotationStep,
  type SecretState,
  type ExternalMetadataItem,
} from './types.js';

export const STEPS: readonly RotationStep[] = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'];

export const MSG_ROTATION = {
  noFunction: 'No Lambda rotation function ARN is associated with this secret.',
  cannotInvoke:
    'Secrets Manager cannot invoke the specified Lambda function. Ensure that the function policy grants access to the principal secretsmanager.amazonaws.com.',
  inProgress: "A previous rotation isn't complete. That rotation will be reattempted.",
  neverConfigured:
    "You tried to enable rotation on a secret that doesn't already have a Lambda function ARN configured and you didn't include such an ARN as a parameter in this call.",
} as const;

/** AWSPENDING on a version other than AWSCURRENT ⇒ a rotation is still in progress (seed; spec §8.2-7). */
export function pendingVersionId(s: SecretState): string | undefined {
  const pending = versionWithStage(s, AWSPENDING);
  if (!pending) return undefined;
  return pending.stages.includes(AWSCURRENT) ? undefined : pending.id;
}

export interface RotateRequest {
  token: string;
  functionArn: string;
  /** undefined ⇒ keep the stored rules; given ⇒ replace the whole structure (spec §8.2-8). */
  rules?: RotationRules;
  rotateImmediately: boolean;
  externalMetadata?: ExternalMetadataItem[];
  externalRoleArn?: string;
}

export type RotatePlan =
  /** A new rotation (or test) was set up; the engine runs `job`. copyCurrentTo: test mode's copy. */
  | { kind: 'started'; next: SecretState; job: RotationJob; copyFromVersionId?: string }
  /** Same token as the pending rotation: idempotent retry; `next` re-drives it if no job is active. */
  | { kind: 'retry'; next?: SecretState; job?: RotationJob }
  /** Another rotation is pending: the error, after re-driving it if no job is active. */
  | { kind: 'blocked'; next?: SecretState; job?: RotationJob };

export interface JobIds {
  runId: string;
  rotationToken: string;
  now: number;
  trigger: 'api' | 'schedule';
}

function newJob(token: string, functionArn: string, mode: 'full' | 'test', ids: JobIds): RotationJob {
  return {
    runId: ids.runId,
    token,
    rotationToken: ids.rotationToken,
    mode,
    functionArn,
    trigger: ids.trigger,
    nextStep: mode === 'full' ? 'createSecret' : 'testSecret',
    attempt: 1,
    notBefore: ids.now,
    startedAt: ids.now,
  };
}

/**
 * RotateSecret, steps 7–9 of spec §8.2, once the request is validated, the secret resolved and the function
 * known to be invocable. Throws AwsError for the states AWS refuses.
 */
export function planRotation(s: SecretState, req: RotateRequest, ids: JobIds): RotatePlan {
  const pending = pendingVersionId(s);
  if (pending !== undefined) {
    const redrive = (): { next?: SecretState; job?: RotationJob } => {
      if (s.rotationJob) return {};
      const next = cloneState(s);
      const job = newJob(pending, s.rotationLambdaArn ?? req.functionArn, 'full', ids);
      next.rotationJob = job;
      return { next, job };
    };
    if (pending === req.token) return { kind: 'retry', ...redrive() };
    return { kind: 'blocked', ...redrive() };
  }
  const existing = findVersion(s, req.token);
  if (existing) {
    throw err.exists(`You can't use ClientRequestToken ${req.token} because that value is already in use for a version of secret ${s.arn}.`);
  }
  if (s.rotationJob) throw err.invalidRequest(MSG_ROTATION.inProgress);
  const current = versionWithStage(s, AWSCURRENT);
  if (!req.rotateImmediately && !current) {
    throw err.invalidRequest('The secret has no AWSCURRENT version to test rotation with.');
  }
  const next = cloneState(s);
  next.rotationEnabled = true;
  next.rotationLambdaArn = req.functionArn;
  if (req.rules !== undefined) next.rotationRules = { ...req.rules };
  if (req.externalMetadata !== undefined) next.externalSecretRotationMetadata = req.externalMetadata;
  if (req.externalRoleArn !== undefined) next.externalSecretRotationRoleArn = req.externalRoleArn;
  next.lastChangedAt = ids.now;
  // AWSPENDING may sit on the current version after an earlier rotation: it moves to the new one.
  for (const v of next.versions) v.stages = v.stages.filter((l) => l !== AWSPENDING);
  next.versions.push({ id: req.token, stages: [AWSPENDING], createdAt: ids.now, hasValue: false, kmsKeyIds: [] });
  const job = newJob(req.token, req.functionArn, req.rotateImmediately ? 'full' : 'test', ids);
  next.rotationJob = job;
  if (!req.rotateImmediately && current) return { kind: 'started', next, job, copyFromVersionId: current.id };
  return { kind: 'started', next, job };
}

/** The next step after `step` succeeded, or undefined when the rotation's last step is done. */
export function stepAfter(job: RotationJob): RotationStep | undefined {
  if (job.mode === 'test') return undefined;
  const i = STEPS.indexOf(job.nextStep);
  return STEPS[i + 1];
}

/**
 * After finishSecret: success iff the pending version now carries AWSCURRENT (spec §8.6). The service
 * then removes a leftover AWSPENDING and records the rotation.
 */
export function completeRotation(s: SecretState, job: RotationJob, now: number): { next: SecretState; ok: boolean } {
  const next = cloneState(s);
  const v = findVersion(next, job.token);
  delete next.rotationJob;
  if (!v || !v.stages.includes(AWSCURRENT)) return { next, ok: false };
  v.stages = v.stages.filter((l) => l !== AWSPENDING);
  next.lastRotatedAt = now;
  next.lastChangedAt = now;
  return { next, ok: true };
}

/** Test mode's end: AWSPENDING leaves the temporary copy, whatever the outcome (spec §8.8). */
export function endTestRotation(s: SecretState, job: RotationJob): SecretState {
  const next = cloneState(s);
  delete next.rotationJob;
  const v = findVersion(next, job.token);
  if (v && !v.stages.includes(AWSCURRENT)) v.stages = v.stages.filter((l) => l !== AWSPENDING);
  return next;
}

/** Exponential back-off between attempts of a whole rotation: base · 2^(attempt-1), capped. */
export function backoffMs(attempt: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
}

/** CancelRotateSecret (spec §8.12). Returns the new state and the partial rotation's VersionId, if any. */
export function cancelRotation(s: SecretState, now: number): { next: SecretState; versionId?: string } {
  if (s.rotationEnabled === undefined && s.rotationLambdaArn === undefined) {
    throw err.invalidRequest(MSG_ROTATION.neverConfigured);
  }
  const next = cloneState(s);
  next.rotationEnabled = false;
  delete next.nextRotationAt;
  delete next.scheduledStartAt;
  delete next.rotationJob;
  next.lastChangedAt = now;
  const pending = pendingVersionId(s);
  return pending !== undefined ? { next, versionId: pending } : { next };
}
