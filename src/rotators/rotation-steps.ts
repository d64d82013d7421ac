/**
 * The parts every AWS rotation template shares (spec rotation-ecosystem.md §1.1, §1.4, §1.5), on the
 * in-process secrets service: the staging-label check before each step, reading AWSCURRENT / AWSPENDING /
 * AWSPREVIOUS, storing the pending value, and finishSecret.
 */
import { AwsError } from '../domain/errors.js';
import { AWSCURRENT } from '../domain/types.js';
import type { StepContext } from './rotator.js';
import { RotatorError } from './rotator-error.js';

export const AWSPENDING = 'AWSPENDING';
export const AWSPREVIOUS = 'AWSPREVIOUS';

/**
 * The templates' lambda_handler checks: rotation enabled, the token is a version of the secret, and it
 * carries AWSPENDING. Returns false when the token already carries AWSCURRENT (the rotation is finished:
 * nothing to do, which makes every step re-runnable after success).
 */
export async function checkStaging(ctx: StepContext): Promise<boolean> {
  const s = await ctx.secrets.describeSecret(ctx.scope, ctx.secretId);
  if (s.rotationEnabled === false) throw new RotatorError(`Secret ${s.arn} is not enabled for rotation.`);
  const v = s.versions.find((x) => x.id === ctx.token);
  if (!v || v.stages.length === 0) {
    throw new RotatorError(`Secret version ${ctx.token} has no stage for rotation of secret ${s.arn}.`);
  }
  if (v.stages.includes(AWSCURRENT)) {
    ctx.log(`Secret version ${ctx.token} is already AWSCURRENT: nothing to do.`);
    return false;
  }
  if (!v.stages.includes(AWSPENDING)) {
    throw new RotatorError(`Secret version ${ctx.token} is not set as AWSPENDING for rotation of secret ${s.arn}.`);
  }
  return true;
}

function isNotFound(e: unknown): boolean {
  return e instanceof AwsError && e.code === 'ResourceNotFoundException';
}

function asString(secretId: string, label: string, v: { kind: string; value: unknown }): string {
  if (v.kind !== 'string' || typeof v.value !== 'string') {
    throw new RotatorError(`The ${label} version of secret ${secretId} is binary; this rotator needs a SecretString.`);
  }
  return v.value;
}

/** The SecretString of the version carrying `stage` (AWSCURRENT by default). */
export async function readStage(ctx: StepContext, stage: string, secretId = ctx.secretId): Promise<string> {
  try {
    const r = await ctx.secrets.getSecretValue(ctx.scope, { SecretId: secretId, VersionStage: stage });
    return asString(secretId, stage, r.value);
  } catch (e) {
    if (isNotFound(e)) throw new RotatorError(`Secret ${secretId} has no ${stage} value.`);
    throw e;
  }
}

/** Like readStage, but undefined when there is no such version (AWSPREVIOUS before the first rotation). */
export async function readStageIfAny(ctx: StepContext, stage: string): Promise<string | undefined> {
  try {
    const r = await ctx.secrets.getSecretValue(ctx.scope, { SecretId: ctx.secretId, VersionStage: stage });
    return r.value.kind === 'string' ? r.value.value : undefined;
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

/** The pending value (VersionId = token and VersionStage = AWSPENDING), or undefined while it is the empty placeholder. */
export async function readPendingIfAny(ctx: StepContext): Promise<string | undefined> {
  try {
    const r = await ctx.secrets.getSecretValue(ctx.scope, { SecretId: ctx.secretId, VersionId: ctx.token, VersionStage: AWSPENDING });
    return asString(ctx.secretId, AWSPENDING, r.value);
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

export async function readPending(ctx: StepContext): Promise<string> {
  const v = await readPendingIfAny(ctx);
  if (v === undefined) throw new RotatorError(`Secret version ${ctx.token} has no AWSPENDING value yet: createSecret has not run.`);
  return v;
}

/**
 * createSecret's shape in every template: an existing AWSPENDING value is reused (so a retried rotation
 * sets the same password it may already have set), else `make(current)` is stored as AWSPENDING.
 */
export async function createPendingOnce(ctx: StepContext, make: (current: string) => string): Promise<void> {
  const current = await readStage(ctx, AWSCURRENT);
  if ((await readPendingIfAny(ctx)) !== undefined) {
    ctx.log(`createSecret: AWSPENDING value of version ${ctx.token} already exists; reusing it.`);
    return;
  }
  const next = make(current);
  await ctx.secrets.putSecretValue(ctx.scope, {
    SecretId: ctx.secretId,
    ClientRequestToken: ctx.token,
    SecretString: next,
    VersionStages: [AWSPENDING],
  });
  ctx.log(`createSecret: stored a new AWSPENDING value as version ${ctx.token}.`);
}

/** finishSecret: AWSCURRENT moves to the token (AWSPREVIOUS follows the old current); done if already there. */
export async function moveCurrentToPending(ctx: StepContext): Promise<void> {
  const s = await ctx.secrets.describeSecret(ctx.scope, ctx.secretId);
  const current = s.versions.find((v) => v.stages.includes(AWSCURRENT));
  if (current?.id === ctx.token) {
    ctx.log(`finishSecret: version ${ctx.token} is already AWSCURRENT.`);
    return;
  }
  await ctx.secrets.updateSecretVersionStage(ctx.scope, {
    SecretId: ctx.secretId,
    VersionStage: AWSCURRENT,
    MoveToVersionId: ctx.token,
    ...(current ? { RemoveFromVersionId: current.id } : {}),
  });
  ctx.log(`finishSecret: moved AWSCURRENT to version ${ctx.token}${current ? ` (from ${current.id})` : ''}.`);
}
