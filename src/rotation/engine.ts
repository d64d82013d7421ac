/**
 * The rotation engine: runs each secret's rotation job one step at a time (createSecret → setSecret →
 * testSecret → finishSecret, or testSecret alone), and starts scheduled rotations when their time comes.
 *
 * Durability and exactly-once: the job lives in the secret's own document. Before a step the engine claims
 * it with a lease (a revision-checked write, so one node wins); after the step it records the outcome and
 * the next step before running it. A process that dies mid-step leaves a lease that expires, and the step
 * is run again (every step of a rotation function is re-runnable, spec §8.4) with the same token.
 * The function is invoked without holding anything: it calls back into the public API (spec §8.19).
 */
import { randomUUID } from 'node:crypto';
import { backoffMs, completeRotation, endTestRotation, pendingVersionId, stepAfter, STEPS } from '../domain/rotation.js';
import { withSchedule } from '../domain/next-rotation.js';
import type { RotationJob, RotationRun, Scope, SecretState } from '../domain/types.js';
import { AwsError } from '../domain/errors.js';
import type { Store } from '../store/store.js';
import type { FunctionInvoker, InvokeResult } from '../functions/types.js';
import type { RotationService } from '../service/rotation.js';
import type { Logger } from '../logger.js';

export interface EngineOptions {
  store: Store;
  rotation: RotationService;
  functions: FunctionInvoker;
  clock: () => number;
  logger: Logger;
  random?: () => number;
  nodeId?: string;
  pollMs: number;
  leaseMs: number;
  maxAttempts: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  onEvent?: (name: string, s: SecretState, detail?: Record<string, string>) => void;
}

const MAX_LOG = 16 * 1024;

export function createRotationEngine(opts: EngineOptions) {
  const { store, functions, clock, logger, rotation } = opts;
  const random = opts.random ?? Math.random;
  const nodeId = opts.nodeId ?? randomUUID();
  const emit = opts.onEvent ?? (() => undefined);
  let timer: NodeJS.Timeout | undefined;
  let ticking = false;
  let again = false;
  let stopped = false;
  const inFlight = new Set<string>();
  const active = new Set<Promise<void>>();

  const scopeOf = (s: SecretState): Scope => ({ accountId: s.accountId, region: s.region });

  /** Writes `change(latest)` on the latest state if the job is still `runId`; retries on revision conflicts. */
  async function update(
    arn: string,
    runId: string | undefined,
    change: (latest: SecretState) => SecretState | undefined,
  ): Promise<SecretState | undefined> {
    for (let i = 0; i < 20; i++) {
      const latest = await store.getSecretByArn(arn);
      if (!latest) return undefined;
      if (runId !== undefined && latest.rotationJob?.runId !== runId) return undefined;
      const next = change(latest);
      if (!next) return latest;
      const written = { ...next, revision: latest.revision + 1 };
      if (await store.commitSecret(written, latest.revision, [], [])) return written;
    }
    return undefined;
  }

  async function recordStep(job: RotationJob, startedAt: number, r: InvokeResult): Promise<void> {
    const run = await store.getRotationRun(job.runId);
    if (!run) return;
    const rec: RotationRun['steps'][number] = { step: job.nextStep, attempt: job.attempt, startedAt, endedAt: clock(), ok: r.ok };
    if (!r.ok) rec.error = r.errorMessage ?? 'The function failed.';
    if (r.logs !== '') rec.logs = r.logs.length > MAX_LOG ? r.logs.slice(-MAX_LOG) : r.logs;
    run.steps.push(rec);
    run.attempts = job.attempt;
    await store.putRotationRun(run);
  }

  async function finish(job: RotationJob, s: SecretState, status: 'succeeded' | 'failed', error?: string): Promise<void> {
    await rotation.finishRun(job.runId, status, error);
    const name =
      job.mode === 'full'
        ? status === 'succeeded'
          ? 'RotationSucceeded'
          : 'RotationFailed'
        : status === 'succeeded'
          ? 'TestRotationSucceeded'
          : 'TestRotationFailed';
    emit(name, s, { runId: job.runId, ...(error !== undefined ? { errorMessage: error } : {}) });
  }

  /** Runs the job's steps until it completes, fails for this attempt, or is taken away. */
  async function runJob(s0: SecretState): Promise<void> {
    let s: SecretState | undefined = s0;
    while (s?.rotationJob && !stopped) {
      const job: RotationJob = s.rotationJob;
      const now = clock();
      if (s.deletedAt !== undefined) {
        // Rotation stops while a secret is scheduled for deletion (spec §9).
        await update(s.arn, job.runId, (l) => {
          const n = { ...l };
          delete n.rotationJob;
          return n;
        });
        await rotation.finishRun(job.runId, 'cancelled', 'The secret was scheduled for deletion.');
        return;
      }
      if (job.notBefore > now || (job.lease !== undefined && job.lease.until > now && job.lease.owner !== nodeId)) return;
      // Claim the step.
      const claimed = await update(s.arn, job.runId, (l) => ({
        ...l,
        rotationJob: { ...(l.rotationJob as RotationJob), lease: { owner: nodeId, until: now + opts.leaseMs } },
      }));
      if (!claimed?.rotationJob) return;
      const claimedJob = claimed.rotationJob;
      const event = {
        Step: claimedJob.nextStep,
        SecretId: claimed.arn,
        ClientRequestToken: claimedJob.token,
        RotationToken: claimedJob.rotationToken,
      };
      const startedAt = clock();
      // Keep the lease alive while the step runs, so a dead node's lease lapses quickly but a slow step's doesn't.
      const heartbeat = setInterval(() => {
        update(claimed.arn, claimedJob.runId, (l) =>
          l.rotationJob?.lease?.owner === nodeId ? { ...l, rotationJob: { ...l.rotationJob, lease: { owner: nodeId, until: clock() + opts.leaseMs } } } : undefined,
        ).catch(() => undefined);
      }, Math.max(50, Math.floor(opts.leaseMs / 3)));
      let result: InvokeResult;
      try {
        result = await functions.invoke(scopeOf(claimed), claimedJob.functionArn, event);
      } catch (e) {
        result = { ok: false, payload: '', logs: '', durationMs: 0, errorMessage: e instanceof Error ? e.message : 'invocation failed' };
      } finally {
        clearInterval(heartbeat);
      }
      await recordStep(claimedJob, startedAt, result);
      s = result.ok ? await afterSuccess(claimed.arn, claimedJob) : await afterFailure(claimed.arn, claimedJob, result);
    }
  }

  async function afterSuccess(arn: string, job: RotationJob): Promise<SecretState | undefined> {
    const following = stepAfter(job);
    const now = clock();
    if (following !== undefined) {
      return update(arn, job.runId, (l) => {
        const n = { ...l, rotationJob: { ...job, nextStep: following, notBefore: now } };
        delete n.rotationJob.lease;
        return n;
      });
    }
    if (job.mode === 'test') {
      const done = await update(arn, job.runId, (l) => endTestRotation(l, job));
      if (done) await finish(job, done, 'succeeded');
      return undefined;
    }
    let ok = false;
    const done = await update(arn, job.runId, (l) => {
      const c = completeRotation(l, job, now);
      ok = c.ok;
      if (!c.ok) return undefined;
      return withSchedule(c.next, now, random);
    });
    if (!done) return undefined;
    if (ok) {
      await finish(job, done, 'succeeded');
      return undefined;
    }
    return afterFailure(arn, job, {
      ok: false,
      payload: '',
      logs: '',
      durationMs: 0,
      errorMessage: `finishSecret returned without moving AWSCURRENT to version ${job.token}.`,
    });
  }

  async function afterFailure(arn: string, job: RotationJob, r: InvokeResult): Promise<SecretState | undefined> {
    const now = clock();
    const message = `Error when executing lambda ${job.functionArn} during ${job.nextStep} step${r.errorMessage !== undefined ? `: ${r.errorMessage}` : ''}`;
    if (job.attempt >= opts.maxAttempts) {
      const done = await update(arn, job.runId, (l) => {
        if (job.mode === 'test') return endTestRotation(l, job);
        // Labels stay as they are: AWSCURRENT keeps working, AWSPENDING marks the unfinished rotation (§8.7).
        const n = { ...l };
        delete n.rotationJob;
        return n;
      });
      if (done) await finish(job, done, 'failed', message);
      return undefined;
    }
    const updated = await update(arn, job.runId, (l) => {
      const n = {
        ...l,
        rotationJob: {
          ...job,
          attempt: job.attempt + 1,
          // Retries restart the whole rotation at its first step with the same token (spec §8.7).
          nextStep: job.mode === 'full' ? STEPS[0] ?? 'createSecret' : ('testSecret' as const),
          notBefore: now + backoffMs(job.attempt, opts.backoffBaseMs, opts.backoffMaxMs),
        },
      };
      delete n.rotationJob.lease;
      return n;
    });
    if (updated) emit(job.mode === 'full' ? 'RotationFailed' : 'TestRotationFailed', updated, { runId: job.runId, errorMessage: message });
    return undefined;
  }

  /**
   * A scheduled rotation whose start time has come (or passed while Rotor was down: it starts now, once): start
   * it like RotateSecret, or re-drive a stuck one with its own token. The service records the skip
   * (ScheduledRotationSkipped) and moves the next scheduled start to the next window (once per window).
   */
  async function startScheduled(s: SecretState): Promise<void> {
    const pending = pendingVersionId(s);
    try {
      await rotation.start(scopeOf(s), { SecretId: s.arn, ClientRequestToken: pending ?? randomUUID() }, 'schedule');
    } catch (e) {
      // E.g. the function was deleted: try again in an hour rather than spinning; the error is logged.
      logger.warn({ msg: 'scheduled rotation could not start', secretArn: s.arn, code: e instanceof AwsError ? e.code : 'Error' });
      const retryAt = clock() + 3_600_000;
      await update(s.arn, undefined, (l) => (l.rotationJob ? undefined : { ...l, scheduledStartAt: retryAt }));
    }
  }

  async function handle(s: SecretState): Promise<void> {
    if (inFlight.has(s.pk)) return;
    inFlight.add(s.pk);
    try {
      if (s.rotationJob) await runJob(s);
      else if (s.rotationEnabled === true && s.deletedAt === undefined) {
        await startScheduled(s);
        const latest = await store.getSecretByArn(s.arn);
        if (latest?.rotationJob) await runJob(latest);
      }
    } catch (e) {
      logger.error({ msg: 'rotation engine error', secretArn: s.arn, error: e instanceof Error ? e.message : 'unknown' });
    } finally {
      inFlight.delete(s.pk);
    }
  }

  async function tick(): Promise<void> {
    if (ticking) {
      again = true;
      return;
    }
    ticking = true;
    try {
      do {
        again = false;
        const due = await store.dueRotationWork(clock(), 50);
        for (const s of due) {
          if (inFlight.has(s.pk)) continue;
          const p = handle(s).finally(() => active.delete(p));
          active.add(p);
        }
      } while (again && !stopped);
    } finally {
      ticking = false;
    }
  }

  function wake(): void {
    if (stopped) return;
    setImmediate(() => {
      tick().catch((e: unknown) => logger.error({ msg: 'rotation tick failed', error: e instanceof Error ? e.message : 'unknown' }));
    });
  }

  function start(): void {
    stopped = false;
    timer = setInterval(wake, opts.pollMs);
    timer.unref();
    wake();
  }

  async function stop(): Promise<void> {
    stopped = true;
    if (timer) clearInterval(timer);
    await Promise.allSettled([...active]);
  }

  return { start, stop, wake, tick, nodeId };
}

export type RotationEngine = ReturnType<typeof createRotationEngine>;
