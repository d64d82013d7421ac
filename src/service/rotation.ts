/**
 * RotateSecret and CancelRotateSecret (spec §8.2, §8.12), the schedule bookkeeping (§8.10) and the
 * rotation history. The asynchronous steps are run by rotation/engine.ts.
 */
import { randomUUID } from 'node:crypto';
import { err, MSG } from '../domain/errors.js';
import { cancelRotation, MSG_ROTATION, pendingVersionId, planRotation, type RotatePlan } from '../domain/rotation.js';
import { findVersion, versionWithStage } from '../domain/versions.js';
import { nextWindow, parseRotationRules, pickStartTime } from '../domain/schedule.js';
import { storedRules, withSchedule } from '../domain/next-rotation.js';
import {
  AWSCURRENT,
  type ExternalMetadataItem,
  type RotationJob,
  type RotationRules,
  type RotationRun,
  type Scope,
  type SecretState,
} from '../domain/types.js';
import type { Store } from '../store/store.js';
import type { FunctionInvoker } from '../functions/types.js';
import type { SecretsService } from './secrets.js';
import type { Kms } from './kms.js';

export interface RotationServiceDeps {
  store: Store;
  secrets: SecretsService;
  kms: Kms;
  functions: FunctionInvoker;
  clock: () => number;
  random?: () => number;
  /** Called when a job is created or re-driven, so the engine looks at once. */
  wake?: () => void;
  onEvent?: (name: string, s: SecretState, detail?: Record<string, string>) => void;
}

export interface RotateInput {
  SecretId: string;
  ClientRequestToken?: string;
  RotationLambdaARN?: string;
  RotationRules?: RotationRules;
  RotateImmediately?: boolean;
  ExternalSecretRotationMetadata?: ExternalMetadataItem[];
  ExternalSecretRotationRoleArn?: string;
}

export function createRotationService(deps: RotationServiceDeps) {
  const { store, secrets, kms, functions, clock } = deps;
  const random = deps.random ?? Math.random;
  const emit = deps.onEvent ?? (() => undefined);
  const wake = deps.wake ?? (() => undefined);

  async function recordStart(s: SecretState, job: RotationJob): Promise<void> {
    const run: RotationRun = {
      runId: job.runId,
      secretPk: s.pk,
      secretArn: s.arn,
      accountId: s.accountId,
      region: s.region,
      token: job.token,
      mode: job.mode,
      trigger: job.trigger,
      functionArn: job.functionArn,
      status: 'running',
      startedAt: job.startedAt,
      attempts: job.attempt,
      steps: [],
    };
    await store.putRotationRun(run);
    emit(job.mode === 'full' ? 'RotationStarted' : 'TestRotationStarted', s, { runId: job.runId });
  }

  /** Starts a rotation; shared by RotateSecret and the scheduler. */
  async function start(
    sc: Scope,
    input: RotateInput & { ClientRequestToken: string },
    trigger: 'api' | 'schedule',
  ): Promise<{ secret: SecretState; versionId: string }> {
    // Step 4: RotationRules semantic validation (InvalidParameterException).
    if (input.RotationRules !== undefined) parseRotationRules(input.RotationRules);
    const resolved = await secrets.resolve(sc, input.SecretId);
    secrets.assertNotDeleted(resolved);
    // Step 5: the effective function.
    const functionArn = input.RotationLambdaARN !== undefined && input.RotationLambdaARN !== '' ? input.RotationLambdaARN : resolved.rotationLambdaArn;
    if (functionArn === undefined) throw err.invalidRequest(MSG_ROTATION.noFunction);
    // Step 6: nothing is persisted when Secrets Manager cannot invoke the function.
    if (!(await functions.canSecretsManagerInvoke(sc, functionArn))) throw err.accessDenied(MSG_ROTATION.cannotInvoke);
    const token = input.ClientRequestToken;
    let plan: RotatePlan | undefined;
    const secret = await secrets.mutate(sc, input.SecretId, async (s) => {
      secrets.assertNotDeleted(s);
      const now = clock();
      const p = planRotation(
        s,
        {
          token,
          functionArn,
          rotateImmediately: input.RotateImmediately !== false,
          ...(input.RotationRules !== undefined ? { rules: storedRules(input.RotationRules) } : {}),
          ...(input.ExternalSecretRotationMetadata !== undefined ? { externalMetadata: input.ExternalSecretRotationMetadata } : {}),
          ...(input.ExternalSecretRotationRoleArn !== undefined ? { externalRoleArn: input.ExternalSecretRotationRoleArn } : {}),
        },
        { runId: randomUUID(), rotationToken: randomUUID(), now, trigger },
      );
      plan = p;
      if (!p.next) return { result: s };
      let next = p.next;
      const addValues = [];
      if (p.kind === 'started' && p.copyFromVersionId !== undefined) {
        // RotateImmediately=false: testSecret runs on a temporary AWSPENDING copy of the current value.
        const src = findVersion(s, p.copyFromVersionId);
        const value = src ? await secrets.readValue(s, src) : undefined;
        if (value === undefined) throw err.notFound(MSG.noValueForStage(AWSCURRENT));
        const key = await kms.resolve(sc, s.kmsKeyId, now);
        addValues.push({ versionId: token, value: await kms.seal(key.arn, s.arn, token, value) });
        const v = findVersion(next, token);
        if (v) {
          v.hasValue = true;
          v.kmsKeyIds = [key.isDefault ? 'DefaultEncryptionKey' : key.arn];
        }
      }
      if (p.kind === 'started') next = withSchedule(next, now, random);
      if (trigger === 'schedule') next = oncePerWindow(next, now);
      return { result: next, next, addValues };
    });
    const p = plan as RotatePlan | undefined;
    if (trigger === 'schedule' && (p?.kind === 'retry' || p?.kind === 'blocked')) {
      // The scheduled start found the previous rotation unfinished: it is re-driven (spec §8.7), not replaced.
      const pending = pendingVersionId(secret);
      emit('ScheduledRotationSkipped', secret, {
        reason: `A previous rotation isn't complete: AWSPENDING is on version ${pending ?? token}, which is not AWSCURRENT. That rotation will be reattempted instead of starting a new one.`,
        pendingVersionId: pending ?? token,
        ...(p.job ? { runId: p.job.runId } : {}),
      });
    }
    if (p?.job && p.next) {
      await recordStart(secret, p.job);
      wake();
    }
    if (p?.kind === 'blocked') throw err.invalidRequest(MSG_ROTATION.inProgress);
    return { secret, versionId: token };
  }

  /**
   * A scheduled start is taken once per window: the next one is chosen in the window after the one open at
   * `now`, so a run that fails for good is reattempted in the next window, not again in this one. A run that
   * succeeds reschedules from its LastRotatedDate anyway (withSchedule, after completion).
   */
  function oncePerWindow(s: SecretState, now: number): SecretState {
    if (s.rotationEnabled !== true || s.rotationRules === undefined) return s;
    const rules = storedRules(s.rotationRules);
    if (rules.AutomaticallyAfterDays === undefined && rules.ScheduleExpression === undefined) return s;
    return { ...s, scheduledStartAt: pickStartTime(nextWindow(parseRotationRules(rules), now, now), random) };
  }

  async function rotateSecret(sc: Scope, input: RotateInput): Promise<{ secret: SecretState; versionId: string }> {
    // Step 2: a raw request without a token — InvalidParameterException for RotateSecret (spec §4).
    const token = input.ClientRequestToken;
    if (token === undefined) throw err.invalidParameter(MSG.missingToken);
    return start(sc, { ...input, ClientRequestToken: token }, 'api');
  }

  async function cancelRotateSecret(sc: Scope, secretId: string): Promise<{ secret: SecretState; versionId?: string }> {
    let cancelledRun: string | undefined;
    const r = await secrets.mutate(sc, secretId, async (s) => {
      secrets.assertNotDeleted(s);
      const c = cancelRotation(s, clock());
      cancelledRun = s.rotationJob?.runId;
      const result = c.versionId !== undefined ? { secret: c.next, versionId: c.versionId } : { secret: c.next };
      return { result, next: c.next };
    });
    if (cancelledRun !== undefined) await finishRun(cancelledRun, 'cancelled', 'Rotation was cancelled by CancelRotateSecret.');
    return r;
  }

  async function finishRun(runId: string, status: RotationRun['status'], error?: string): Promise<void> {
    const run = await store.getRotationRun(runId);
    if (!run || run.status !== 'running') return;
    run.status = status;
    run.endedAt = clock();
    if (error !== undefined) run.error = error;
    await store.putRotationRun(run);
  }

  async function history(sc: Scope, secretId: string, limit = 20): Promise<{ secret: SecretState; runs: RotationRun[] }> {
    const s = await secrets.resolve(sc, secretId);
    return { secret: s, runs: await store.listRotationRuns(s.arn, limit) };
  }

  return { rotateSecret, cancelRotateSecret, start, finishRun, recordStart, history };
}

export type RotationService = ReturnType<typeof createRotationService>;
