/**
 * RotateSecret / CancelRotateSecret and the engine, in-process, with a rotation function written like AWS's
 * template (template-function.ts). Label states are checked after each phase against spec §8.5.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CancelRotateSecretCommand,
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  RotateSecretCommand,
  UpdateSecretVersionStageCommand,
  ListSecretsCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { startTestApp, type TestApp, TEST_ACCOUNT } from '../helpers/app.js';
import { templateFunction, type RotationEvent } from './template-function.js';

const FN = `arn:aws:lambda:us-east-1:${TEST_ACCOUNT}:function:rotate-template`;
const OTHER_FN = `arn:aws:lambda:us-east-1:${TEST_ACCOUNT}:function:not-allowed`;

let t: TestApp;
let sm: SecretsManagerClient;
const failures = new Map<string, number>();
let stepHook: ((step: string, e: RotationEvent) => Promise<void> | void) | undefined;
const fn = templateFunction({
  client: () => sm,
  failures,
  invocable: new Set([FN]),
  onStep: (s, e) => stepHook?.(s, e),
});

beforeAll(async () => {
  t = await startTestApp({ invoker: fn, rotation: { pollMs: 20, backoffBaseMs: 10, backoffMaxMs: 50, maxAttempts: 3, leaseMs: 2000 } });
  sm = t.client;
});
afterAll(async () => {
  await t.close();
});

let n = 0;
async function newSecret(value = 'initial'): Promise<{ name: string; arn: string; v1: string }> {
  const name = `rot/s${++n}-${Date.now()}`;
  const r = await sm.send(new CreateSecretCommand({ Name: name, SecretString: value }));
  return { name, arn: r.ARN ?? '', v1: r.VersionId ?? '' };
}

async function stagesOf(id: string): Promise<Record<string, string[]>> {
  return (await sm.send(new DescribeSecretCommand({ SecretId: id }))).VersionIdsToStages ?? {};
}

async function until<T>(f: () => Promise<T>, ok: (v: T) => boolean, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`condition not met in ${ms} ms: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Until the rotation is complete: the function moved AWSCURRENT and the service removed AWSPENDING. */
async function rotated(id: string, token: string) {
  return until(
    () => stagesOf(id),
    (s) => JSON.stringify(s[token]) === '["AWSCURRENT"]',
  );
}

describe('RotateSecret: synchronous part', () => {
  it('rejects a raw request without a token with InvalidParameterException, before the lookup', async () => {
    const r = await t.raw('RotateSecret', { SecretId: 'does-not-exist', RotationLambdaARN: FN });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ __type: 'InvalidParameterException', Message: 'You must provide a ClientRequestToken value. We recommend a UUID-type value.' });
  });

  it('needs a function ARN the first time, and changes nothing', async () => {
    const s = await newSecret();
    await expect(sm.send(new RotateSecretCommand({ SecretId: s.name }))).rejects.toMatchObject({
      name: 'InvalidRequestException',
      message: 'No Lambda rotation function ARN is associated with this secret.',
    });
    const d = await sm.send(new DescribeSecretCommand({ SecretId: s.name }));
    expect(d.RotationEnabled).toBeUndefined();
  });

  it('answers AccessDeniedException and persists nothing when the function cannot be invoked', async () => {
    const s = await newSecret();
    await expect(
      sm.send(new RotateSecretCommand({ SecretId: s.name, RotationLambdaARN: OTHER_FN, RotationRules: { AutomaticallyAfterDays: 5 } })),
    ).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: 'Secrets Manager cannot invoke the specified Lambda function. Ensure that the function policy grants access to the principal secretsmanager.amazonaws.com.',
    });
    const d = await sm.send(new DescribeSecretCommand({ SecretId: s.name }));
    expect(d.RotationEnabled).toBeUndefined();
    expect(d.RotationRules).toBeUndefined();
    expect(d.RotationLambdaARN).toBeUndefined();
    expect(Object.keys(d.VersionIdsToStages ?? {})).toEqual([s.v1]);
  });

  it('rejects both AutomaticallyAfterDays and ScheduleExpression', async () => {
    const s = await newSecret();
    await expect(
      sm.send(new RotateSecretCommand({ SecretId: s.name, RotationLambdaARN: FN, RotationRules: { AutomaticallyAfterDays: 5, ScheduleExpression: 'rate(10 days)' } })),
    ).rejects.toMatchObject({ name: 'InvalidParameterException', message: 'You cannot specify both rotation frequency and schedule expression together.' });
  });

  it('returns at once with the token as VersionId and an empty AWSPENDING placeholder that functions can see', async () => {
    const s = await newSecret();
    const token = `tok-${'a'.repeat(32)}-${n}`;
    let seen: Record<string, string[]> | undefined;
    let placeholderRead: unknown;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    stepHook = async (step, e) => {
      if (step === 'createSecret' && e.ClientRequestToken === token && seen === undefined) {
        seen = await stagesOf(s.arn);
        placeholderRead = await sm.send(new GetSecretValueCommand({ SecretId: s.arn, VersionId: token })).catch((x: { name: string; message: string }) => ({ name: x.name, message: x.message }));
        await gate;
      }
    };
    const r = await sm.send(new RotateSecretCommand({ SecretId: s.name, ClientRequestToken: token, RotationLambdaARN: FN, RotationRules: { AutomaticallyAfterDays: 30 } }));
    expect(r).toMatchObject({ ARN: s.arn, Name: s.name, VersionId: token });
    const d = await sm.send(new DescribeSecretCommand({ SecretId: s.name }));
    expect(d.RotationEnabled).toBe(true);
    expect(d.RotationLambdaARN).toBe(FN);
    expect(d.RotationRules).toEqual({ AutomaticallyAfterDays: 30 });
    expect(d.NextRotationDate).toBeInstanceOf(Date);
    await until(async () => seen, (v) => v !== undefined);
    expect(seen?.[token]).toEqual(['AWSPENDING']);
    expect(seen?.[s.v1]).toEqual(['AWSCURRENT']);
    expect(placeholderRead).toMatchObject({ name: 'ResourceNotFoundException' });
    const list = await sm.send(new ListSecretsCommand({ Filters: [{ Key: 'name', Values: [s.name] }] }));
    expect(list.SecretList?.[0]).toMatchObject({ RotationEnabled: true, RotationLambdaARN: FN });
    release();
    stepHook = undefined;
    await rotated(s.name, token);
  });
});

describe('rotation: the four steps and the label state machine (spec §8.5)', () => {
  it('runs createSecret → setSecret → testSecret → finishSecret with the ARN, token and a RotationToken', async () => {
    const s = await newSecret();
    const r = await sm.send(new RotateSecretCommand({ SecretId: s.arn, RotationLambdaARN: FN }));
    const token = r.VersionId ?? '';
    const st = await rotated(s.name, token);
    const events = fn.calls.filter((c) => c.ClientRequestToken === token);
    expect(events.map((e) => e.Step)).toEqual(['createSecret', 'setSecret', 'testSecret', 'finishSecret']);
    for (const e of events) {
      expect(e.SecretId).toBe(s.arn);
      expect(e.RotationToken).toMatch(/^[a-zA-Z0-9-]{36,256}$/);
    }
    expect(new Set(events.map((e) => e.RotationToken)).size).toBe(1);
    // End state: new version AWSCURRENT (AWSPENDING cleaned up by the service), old one AWSPREVIOUS.
    expect(st[token]).toEqual(['AWSCURRENT']);
    expect(st[s.v1]).toEqual(['AWSPREVIOUS']);
    const v = await sm.send(new GetSecretValueCommand({ SecretId: s.name }));
    expect(v.VersionId).toBe(token);
    expect(v.SecretString).not.toBe('initial');
    const d = await sm.send(new DescribeSecretCommand({ SecretId: s.name }));
    expect(d.LastRotatedDate).toBeInstanceOf(Date);
  });

  it('a second rotation may omit the function and rules, and the oldest version loses AWSPREVIOUS', async () => {
    const s = await newSecret();
    const r1 = await sm.send(new RotateSecretCommand({ SecretId: s.name, RotationLambdaARN: FN, RotationRules: { ScheduleExpression: 'rate(10 days)' } }));
    await rotated(s.name, r1.VersionId ?? '');
    // The partial ARN (no -XXXXXX suffix) resolves too.
    const partial = s.arn.slice(0, -7);
    const r2 = await sm.send(new RotateSecretCommand({ SecretId: partial }));
    const st = await rotated(s.name, r2.VersionId ?? '');
    expect(st[r1.VersionId ?? '']).toEqual(['AWSPREVIOUS']);
    expect(st[s.v1]).toBeUndefined();
    const d = await sm.send(new DescribeSecretCommand({ SecretId: s.name }));
    expect(d.RotationRules?.ScheduleExpression).toBe('rate(10 days)');
  });

  it('retries a failing step from createSecret with the same token, and completes', async () => {
    const s = await newSecret();
    failures.set('setSecret', 1);
    const r = await sm.send(new RotateSecretCommand({ SecretId: s.name, RotationLambdaARN: FN }));
    const token = r.VersionId ?? '';
    await rotated(s.name, token);
    const steps = fn.calls.filter((c) => c.ClientRequestToken === token).map((c) => c.Step);
    expect(steps).toEqual(['createSecret', 'setSecret', 'createSecret', 'setSecret', 'testSecret', 'finishSecret']);
    const runs = await t.app?.services.rotation.history({ accountId: TEST_ACCOUNT, region: 'us-east-1' }, s.name);
    expect(runs?.runs[0]).toMatchObject({ status: 'succeeded', attempts: 2, token });
    expect(runs?.runs[0]?.steps.find((x) => !x.ok)?.error).toContain('injected failure in setSecret');
  });

  for (const step of ['createSecret', 'setSecret', 'testSecret', 'finishSecret']) {
    it(`a rotation that always fails in ${step} is left failed with AWSCURRENT untouched and blocks the next one`, async () => {
      const s = await newSecret('keep-me');
      failures.set(step, Infinity);
      const r = await sm.send(new RotateSecretCommand({ SecretId: s.name, RotationLambdaARN: FN }));
      const token = r.VersionId ?? '';
      const sc = { accountId: TEST_ACCOUNT, region: 'us-east-1' };
      const h = await until(
        async () => (await t.app?.services.rotation.history(sc, s.name))?.runs[0],
        (run) => run?.status === 'failed',
      );
      failures.delete(step);
      expect(h?.attempts).toBe(3);
      expect(h?.error).toContain(`during ${step} step`);
      const st = await stagesOf(s.name);
      expect(st[s.v1]).toEqual(['AWSCURRENT']);
      expect(st[token]).toEqual(['AWSPENDING']);
      expect((await sm.send(new GetSecretValueCommand({ SecretId: s.name }))).SecretString).toBe('keep-me');
      await expect(sm.send(new RotateSecretCommand({ SecretId: s.name }))).rejects.toMatchObject({
        name: 'InvalidRequestException',
        message: "A previous rotation isn't complete. That rotation will be reattempted.",
      });
      // …and that call re-drove the pending rotation with the same token, which now succeeds.
      await rotated(s.name, token);
    });
  }

  it('treats a finishSecret that did not move AWSCURRENT as a failure', async () => {
    let c2: SecretsManagerClient | undefined;
    const lazy = templateFunction({ client: () => c2 ?? sm, lazyFinish: true });
    const t2 = await startTestApp({ invoker: lazy, rotation: { pollMs: 20, backoffBaseMs: 5, backoffMaxMs: 10, maxAttempts: 2 } });
    try {
      const c = t2.client;
      c2 = c;
      await c.send(new CreateSecretCommand({ Name: 'lazy', SecretString: 'x' }));
      await c.send(new RotateSecretCommand({ SecretId: 'lazy', RotationLambdaARN: FN }));
      const sc = { accountId: TEST_ACCOUNT, region: 'us-east-1' };
      const run = await until(async () => (await t2.app?.services.rotation.history(sc, 'lazy'))?.runs[0], (r) => r?.status === 'failed');
      expect(run?.error).toContain('finishSecret');
    } finally {
      await t2.close();
    }
  });

  it('an idempotent retry with the pending token returns that VersionId', async () => {
    const s = await newSecret();
    failures.set('createSecret', Infinity);
    const r = await sm.send(new RotateSecretCommand({ SecretId: s.name, RotationLambdaARN: FN }));
    const token = r.VersionId ?? '';
    const again = await sm.send(new RotateSecretCommand({ SecretId: s.name, ClientRequestToken: token }));
    expect(again.VersionId).toBe(token);
    failures.delete('createSecret');
    await rotated(s.name, token);
  });

  it('allows AWSPENDING and AWSCURRENT on the same version (a normal end state)', async () => {
    const s = await newSecret();
    const r = await sm.send(new RotateSecretCommand({ SecretId: s.name, RotationLambdaARN: FN }));
    await rotated(s.name, r.VersionId ?? '');
    // Put AWSPENDING back on the current version by hand, then rotate again: allowed.
    await sm.send(new UpdateSecretVersionStageCommand({ SecretId: s.name, VersionStage: 'AWSPENDING', MoveToVersionId: r.VersionId ?? '' }));
    const r2 = await sm.send(new RotateSecretCommand({ SecretId: s.name }));
    await rotated(s.name, r2.VersionId ?? '');
  });
});

describe('RotateImmediately=false, cancellation and abandonment', () => {
  it('runs only testSecret on a temporary AWSPENDING copy of the current value, then removes it', async () => {
    const s = await newSecret('current-value');
    let pendingValue: string | undefined;
    stepHook = async (step, e) => {
      if (e.SecretId === s.arn && step === 'testSecret') {
        pendingValue = (await sm.send(new GetSecretValueCommand({ SecretId: s.arn, VersionStage: 'AWSPENDING' }))).SecretString;
      }
    };
    const r = await sm.send(
      new RotateSecretCommand({ SecretId: s.name, RotationLambdaARN: FN, RotateImmediately: false, RotationRules: { ScheduleExpression: 'cron(0 16 1,15 * ? *)', Duration: '2h' } }),
    );
    const token = r.VersionId ?? '';
    await until(() => stagesOf(s.name), (st) => st[token] === undefined && fn.calls.some((c) => c.ClientRequestToken === token));
    stepHook = undefined;
    expect(fn.calls.filter((c) => c.ClientRequestToken === token).map((c) => c.Step)).toEqual(['testSecret']);
    expect(pendingValue).toBe('current-value');
    const st = await stagesOf(s.name);
    expect(st).toEqual({ [s.v1]: ['AWSCURRENT'] });
    const d = await sm.send(new DescribeSecretCommand({ SecretId: s.name }));
    expect(d.RotationEnabled).toBe(true);
    expect(d.RotationRules).toMatchObject({ ScheduleExpression: 'cron(0 16 1,15 * ? *)', Duration: '2h' });
    // The displayed days are computed from the schedule: the gap between two windows (14 to 17 days here).
    expect(d.RotationRules?.AutomaticallyAfterDays).toBeGreaterThanOrEqual(14);
    expect(d.RotationRules?.AutomaticallyAfterDays).toBeLessThanOrEqual(17);
    expect(d.LastRotatedDate).toBeUndefined();
    const next = d.NextRotationDate ?? new Date(0);
    expect([1, 15]).toContain(next.getUTCDate());
    expect(next.getUTCHours()).toBe(17);
    expect(next.getUTCMinutes()).toBe(59);
  });

  it('CancelRotateSecret disables rotation, keeps the configuration and returns the partial version', async () => {
    const s = await newSecret();
    failures.set('createSecret', Infinity);
    const r = await sm.send(new RotateSecretCommand({ SecretId: s.name, RotationLambdaARN: FN, RotationRules: { AutomaticallyAfterDays: 7 } }));
    const c = await sm.send(new CancelRotateSecretCommand({ SecretId: s.name }));
    failures.delete('createSecret');
    expect(c).toMatchObject({ ARN: s.arn, Name: s.name, VersionId: r.VersionId });
    const d = await sm.send(new DescribeSecretCommand({ SecretId: s.name }));
    expect(d.RotationEnabled).toBe(false);
    expect(d.RotationLambdaARN).toBe(FN);
    expect(d.RotationRules).toEqual({ AutomaticallyAfterDays: 7 });
    expect(d.NextRotationDate).toBeUndefined();
    // Labels are not cleaned: the user must remove AWSPENDING (spec §8.12).
    expect(d.VersionIdsToStages?.[r.VersionId ?? '']).toEqual(['AWSPENDING']);
  });

  it('CancelRotateSecret on a secret never configured for rotation is refused', async () => {
    const s = await newSecret();
    await expect(sm.send(new CancelRotateSecretCommand({ SecretId: s.name }))).rejects.toMatchObject({ name: 'InvalidRequestException' });
  });

  it('a PutSecretValue that moves AWSCURRENT during a rotation abandons it', async () => {
    const s = await newSecret();
    failures.set('setSecret', Infinity);
    const r = await sm.send(new RotateSecretCommand({ SecretId: s.name, RotationLambdaARN: FN }));
    const token = r.VersionId ?? '';
    await until(async () => fn.calls.some((c) => c.ClientRequestToken === token && c.Step === 'setSecret'), (v) => v);
    const put = await sm.send(new PutSecretValueCommand({ SecretId: s.name, SecretString: 'manual' }));
    failures.delete('setSecret');
    const st = await stagesOf(s.name);
    expect(st[put.VersionId ?? '']).toEqual(['AWSCURRENT']);
    expect(Object.values(st).flat()).not.toContain('AWSPENDING');
    const sc = { accountId: TEST_ACCOUNT, region: 'us-east-1' };
    const run = await until(async () => (await t.app?.services.rotation.history(sc, s.name))?.runs[0], (x) => x?.status === 'abandoned');
    expect(run?.token).toBe(token);
    // A new rotation is allowed at once.
    const r2 = await sm.send(new RotateSecretCommand({ SecretId: s.name }));
    await rotated(s.name, r2.VersionId ?? '');
  });

  it('a scheduled-for-deletion secret cannot be rotated', async () => {
    const s = await newSecret();
    await t.raw('DeleteSecret', { SecretId: s.name, RecoveryWindowInDays: 7 });
    await expect(sm.send(new RotateSecretCommand({ SecretId: s.name, RotationLambdaARN: FN }))).rejects.toMatchObject({
      name: 'InvalidRequestException',
      message: "You can't perform this operation on the secret because it was marked for deletion.",
    });
  });
});
