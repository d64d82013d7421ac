/**
 * Scheduled rotation through the engine, with a controllable clock: the rotation starts inside its window,
 * by itself, with the schedule trigger, and NextRotationDate moves on (spec §8.10). Also Rotor's
 * rotor.ListRotationRuns history API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateSecretCommand, DescribeSecretCommand, PutSecretValueCommand, RotateSecretCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { startTestApp, type TestApp, TEST_ACCOUNT } from '../helpers/app.js';
import { templateFunction } from './template-function.js';

const FN = `arn:aws:lambda:us-east-1:${TEST_ACCOUNT}:function:rotate-template`;
const DAY = 86_400_000;
let now = Date.UTC(2026, 1, 3, 16, 42); // 2026-02-03T16:42Z, the spec's real describe-secret example
let t: TestApp;
let sm: SecretsManagerClient;
const fn = templateFunction({ client: () => sm });

beforeAll(async () => {
  t = await startTestApp({ invoker: fn, clock: () => now, rotation: { pollMs: 20, backoffBaseMs: 10, backoffMaxMs: 20 } });
  sm = t.client;
});
afterAll(async () => {
  await t.close();
});

async function until<T>(f: () => Promise<T>, ok: (v: T) => boolean, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`condition not met: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('scheduled rotation', () => {
  it('computes NextRotationDate as AWS does and rotates by itself inside the window', async () => {
    await sm.send(new CreateSecretCommand({ Name: 'sched', SecretString: 'v0' }));
    await sm.send(new RotateSecretCommand({ SecretId: 'sched', RotationLambdaARN: FN, RotateImmediately: false, RotationRules: { AutomaticallyAfterDays: 30 } }));
    const d0 = await sm.send(new DescribeSecretCommand({ SecretId: 'sched' }));
    // 23:59:59 UTC of the day of the last change + 30 days (spec C11: 2026-03-05T23:59:59Z).
    expect(d0.NextRotationDate?.toISOString()).toBe('2026-03-05T23:59:59.000Z');
    expect(d0.LastRotatedDate).toBeUndefined();
    const runs0 = await t.raw('ListRotationRuns', { SecretId: 'sched' }, { headers: { 'x-amz-target': 'rotor.ListRotationRuns' } });
    expect(runs0.status).toBe(200);
    expect((runs0.body.RotationRuns as unknown[]).length).toBe(1);

    // A manual change of the value counts as a rotation: the date moves with it.
    now += 2 * DAY;
    await sm.send(new PutSecretValueCommand({ SecretId: 'sched', SecretString: 'v1' }));
    const d1 = await sm.send(new DescribeSecretCommand({ SecretId: 'sched' }));
    expect(d1.NextRotationDate?.toISOString()).toBe('2026-03-07T23:59:59.000Z');

    // Nothing happens before the window…
    now = Date.UTC(2026, 2, 6, 23, 0);
    await new Promise((r) => setTimeout(r, 150));
    expect((await sm.send(new DescribeSecretCommand({ SecretId: 'sched' }))).LastRotatedDate).toBeUndefined();
    // …and at the end of the window the engine has started and finished the rotation.
    now = Date.UTC(2026, 2, 7, 23, 59, 58);
    const d2 = await until(() => sm.send(new DescribeSecretCommand({ SecretId: 'sched' })), (d) => d.LastRotatedDate !== undefined);
    expect(d2.LastRotatedDate?.getTime()).toBe(now);
    expect(d2.NextRotationDate?.toISOString()).toBe('2026-04-06T23:59:59.000Z');
    const runs = await t.raw('ListRotationRuns', { SecretId: 'sched', MaxResults: 5 }, { headers: { 'x-amz-target': 'rotor.ListRotationRuns' } });
    const list = runs.body.RotationRuns as { Trigger: string; Mode: string; Status: string; Steps: { Step: string; Outcome: string }[] }[];
    expect(list[0]).toMatchObject({ Trigger: 'schedule', Mode: 'Rotation', Status: 'succeeded' });
    expect(list[0]?.Steps.map((s) => `${s.Step}:${s.Outcome}`)).toEqual([
      'createSecret:Succeeded',
      'setSecret:Succeeded',
      'testSecret:Succeeded',
      'finishSecret:Succeeded',
    ]);
    expect(list[1]).toMatchObject({ Trigger: 'api', Mode: 'TestRotation', Status: 'succeeded' });

    // The service events were recorded durably, newest first, CloudTrail-like.
    const ev = await t.raw('ListEvents', { SecretId: 'sched' }, { headers: { 'x-amz-target': 'rotor.ListEvents' } });
    const events = ev.body.Events as { EventName: string; EventSource: string; AdditionalEventData: { SecretId: string } }[];
    expect(events.map((e) => e.EventName)).toEqual(['RotationSucceeded', 'RotationStarted', 'TestRotationSucceeded', 'TestRotationStarted']);
    expect(events[0]?.EventSource).toBe('secretsmanager.amazonaws.com');
    expect(events[0]?.AdditionalEventData.SecretId).toBe(d2.ARN);
    const only = await t.raw('ListEvents', { EventName: 'RotationStarted' }, { headers: { 'x-amz-target': 'rotor.ListEvents' } });
    expect((only.body.Events as { EventName: string }[]).map((e) => e.EventName)).toEqual(['RotationStarted']);
  });

  it('ListRotationRuns validates its input and resolves the secret', async () => {
    const bad = await t.raw('ListRotationRuns', { MaxResults: 5 }, { headers: { 'x-amz-target': 'rotor.ListRotationRuns' } });
    expect(bad.body.__type).toBe('ValidationException');
    const missing = await t.raw('ListRotationRuns', { SecretId: 'nope' }, { headers: { 'x-amz-target': 'rotor.ListRotationRuns' } });
    expect(missing.body.__type).toBe('ResourceNotFoundException');
    const unknown = await t.raw('X', {}, { headers: { 'x-amz-target': 'rotor.Nope' } });
    expect(unknown.body.__type).toBe('UnknownOperationException');
  });
});
