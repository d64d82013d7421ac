/**
 * The scheduler's rules (issue 4, docs/rotation.md "Schedules"), in-process on a controllable clock:
 * - never twice in one window: after a rotation inside a window the next scheduled start is in the next one;
 * - an unfinished rotation is not replaced: ScheduledRotationSkipped is recorded with its reason and the
 *   pending rotation is re-driven, at most once per window;
 * - a window missed while Rotor was down runs as soon as Rotor is back (restart in the middle of a window,
 *   and after several missed windows: one rotation).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CreateSecretCommand, DescribeSecretCommand, RotateSecretCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { startTestApp, type TestApp, TEST_ACCOUNT, TEST_REGION } from '../helpers/app.js';
import type { ConfigInput } from '../../src/config.js';
import type { SecretState } from '../../src/domain/types.js';
import { templateFunction } from './template-function.js';

const FN = `arn:aws:lambda:us-east-1:${TEST_ACCOUNT}:function:rotate-template`;
const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

let now = 0;
let current: TestApp | undefined;
const apps: TestApp[] = [];
const dirs: string[] = [];
const failures = new Map<string, number>();
const fn = templateFunction({ client: () => sm(), failures });

function sm(): SecretsManagerClient {
  if (!current) throw new Error('no app');
  return current.client;
}

async function start(cfg: ConfigInput = {}): Promise<TestApp> {
  current = await startTestApp({
    invoker: fn,
    clock: () => now,
    // Back-offs are measured on the (frozen) domain clock: none, so failed attempts follow each other at once.
    rotation: { pollMs: 20, backoffBaseMs: 0, backoffMaxMs: 0, maxAttempts: 2 },
    ...cfg,
  });
  apps.push(current);
  return current;
}

afterEach(async () => {
  for (const a of apps.splice(0)) await a.close();
  current = undefined;
  failures.clear();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
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

/** Gives the engine (pollMs 20) many ticks to do something it must not do. */
const quietPeriod = () => new Promise((r) => setTimeout(r, 300));

interface Run {
  Trigger: string;
  Mode: string;
  Status: string;
  ClientRequestToken: string;
}
async function runs(id: string): Promise<Run[]> {
  const r = await (current as TestApp).raw('ListRotationRuns', { SecretId: id, MaxResults: 20 }, { headers: { 'x-amz-target': 'rotor.ListRotationRuns' } });
  return r.body.RotationRuns as Run[];
}
async function events(id: string): Promise<{ EventName: string; Reason?: string; RotationRunId?: string }[]> {
  const r = await (current as TestApp).raw('ListEvents', { SecretId: id }, { headers: { 'x-amz-target': 'rotor.ListEvents' } });
  return r.body.Events as { EventName: string; Reason?: string }[];
}
async function state(name: string): Promise<SecretState> {
  const s = await current?.app?.store.getSecretByName({ accountId: TEST_ACCOUNT, region: TEST_REGION }, name);
  if (!s) throw new Error(`no secret ${name}`);
  return s;
}
const describeSecret = (id: string) => sm().send(new DescribeSecretCommand({ SecretId: id }));

/** Configures rotation with a test run only (RotateImmediately=false) and waits for it. */
async function configure(name: string, rules: { AutomaticallyAfterDays?: number; ScheduleExpression?: string; Duration?: string }): Promise<void> {
  await sm().send(new CreateSecretCommand({ Name: name, SecretString: 'v0' }));
  await sm().send(new RotateSecretCommand({ SecretId: name, RotationLambdaARN: FN, RotateImmediately: false, RotationRules: rules }));
  await until(() => runs(name), (r) => r[0]?.Status === 'succeeded');
}

describe('never twice in one window', () => {
  it('after a rotation inside a window, the next scheduled start is in the next window', async () => {
    now = Date.UTC(2026, 2, 1, 10, 0);
    await start();
    await configure('once', { ScheduleExpression: 'cron(0 16 1,15 * ? *)', Duration: '2h' });
    const windowStart = Date.UTC(2026, 2, 1, 16);
    const windowEnd = windowStart + 2 * HOUR;
    expect((await describeSecret('once')).NextRotationDate?.toISOString()).toBe(iso(windowEnd - 1000));
    const chosen = (await state('once')).scheduledStartAt ?? 0;
    expect(chosen).toBeGreaterThanOrEqual(windowStart);
    expect(chosen).toBeLessThan(windowEnd);

    // One second before the chosen start: nothing.
    now = chosen - 1000;
    await quietPeriod();
    expect((await describeSecret('once')).LastRotatedDate).toBeUndefined();

    // At the chosen start the engine rotates, by itself.
    now = chosen;
    const d = await until(() => describeSecret('once'), (x) => x.LastRotatedDate !== undefined);
    expect(d.LastRotatedDate?.getTime()).toBe(chosen);
    expect(d.NextRotationDate?.toISOString()).toBe('2026-03-15T17:59:59.000Z');
    const next = (await state('once')).scheduledStartAt ?? 0;
    expect(next).toBeGreaterThanOrEqual(Date.UTC(2026, 2, 15, 16));
    expect(next).toBeLessThan(Date.UTC(2026, 2, 15, 18));

    // The rest of the window passes: no second rotation.
    now = windowEnd - 1000;
    await quietPeriod();
    expect((await runs('once')).length).toBe(2);
    expect((await describeSecret('once')).LastRotatedDate?.getTime()).toBe(chosen);

    // The next window: the second rotation.
    now = Date.UTC(2026, 2, 15, 17, 59, 59);
    const d2 = await until(() => describeSecret('once'), (x) => x.LastRotatedDate?.getTime() === now);
    expect(d2.NextRotationDate?.toISOString()).toBe('2026-04-01T17:59:59.000Z');
    expect((await runs('once')).map((r) => `${r.Trigger}:${r.Mode}:${r.Status}`)).toEqual([
      'schedule:Rotation:succeeded',
      'schedule:Rotation:succeeded',
      'api:TestRotation:succeeded',
    ]);
  });
});

describe('an unfinished rotation at a scheduled start', () => {
  it('is recorded as ScheduledRotationSkipped with the reason, re-driven, and reattempted once per window', async () => {
    now = Date.UTC(2026, 2, 1, 10, 0);
    await start();
    await sm().send(new CreateSecretCommand({ Name: 'stuck', SecretString: 'v0' }));
    failures.set('createSecret', Infinity);
    const r = await sm().send(new RotateSecretCommand({ SecretId: 'stuck', RotationLambdaARN: FN, RotationRules: { AutomaticallyAfterDays: 1 } }));
    const token = r.VersionId ?? '';
    await until(() => runs('stuck'), (x) => x[0]?.Status === 'failed');
    const d0 = await describeSecret('stuck');
    expect(d0.VersionIdsToStages?.[token]).toEqual(['AWSPENDING']);
    expect(d0.NextRotationDate?.toISOString()).toBe('2026-03-02T23:59:59.000Z');
    expect((await events('stuck')).some((e) => e.EventName === 'ScheduledRotationSkipped')).toBe(false);

    // The scheduled start comes: the pending rotation is re-driven with its own token, and the skip recorded.
    now = Date.UTC(2026, 2, 2, 23, 59, 59);
    const h1 = await until(() => runs('stuck'), (x) => x.length === 2 && x[0]?.Status === 'failed');
    expect(h1[0]).toMatchObject({ Trigger: 'schedule', Mode: 'Rotation', ClientRequestToken: token });
    const skipped = (await events('stuck')).filter((e) => e.EventName === 'ScheduledRotationSkipped');
    expect(skipped).toHaveLength(1);
    expect(skipped[0]?.Reason).toContain("A previous rotation isn't complete");
    expect(skipped[0]?.Reason).toContain(token);
    expect(skipped[0]?.RotationRunId).toBeDefined();

    // It failed again; the rest of the window passes without another attempt; the next start is tomorrow.
    await quietPeriod();
    expect((await runs('stuck')).length).toBe(2);
    expect((await state('stuck')).scheduledStartAt).toBeGreaterThanOrEqual(Date.UTC(2026, 2, 3));

    // Next window, the function is fixed: the same pending version becomes AWSCURRENT.
    failures.clear();
    now = Date.UTC(2026, 2, 3, 23, 59, 59);
    const d = await until(() => describeSecret('stuck'), (x) => x.LastRotatedDate !== undefined);
    expect(d.LastRotatedDate?.getTime()).toBe(now);
    expect(d.VersionIdsToStages?.[token]).toEqual(['AWSCURRENT']);
    expect(d.NextRotationDate?.toISOString()).toBe('2026-03-04T23:59:59.000Z');
    const h2 = await runs('stuck');
    expect(h2.map((x) => `${x.Trigger}:${x.Status}:${x.ClientRequestToken === token}`)).toEqual([
      'schedule:succeeded:true',
      'schedule:failed:true',
      'api:failed:true',
    ]);
    expect((await events('stuck')).filter((e) => e.EventName === 'ScheduledRotationSkipped')).toHaveLength(2);
  });
});

describe('a window missed while Rotor was down', () => {
  it('runs as soon as Rotor is back: inside the window at once, and once after several missed windows', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'rotor-sched-'));
    dirs.push(dataDir);
    const persisted = { memory: false, dataDir };
    now = Date.UTC(2026, 2, 1, 10, 0);
    let t = await start(persisted);
    await configure('restart', { ScheduleExpression: 'rate(4 hours)' });
    // rate(4 hours): windows at 00, 04, 08, 12, 16, 20 UTC, one hour each; the next after 10:00 is 12:00.
    expect((await describeSecret('restart')).NextRotationDate?.toISOString()).toBe('2026-03-01T12:59:59.000Z');
    const chosen = (await state('restart')).scheduledStartAt ?? 0;
    expect(chosen).toBeGreaterThanOrEqual(Date.UTC(2026, 2, 1, 12));

    // Rotor stops before the chosen start and comes back in the middle of the window, after it.
    now = Date.UTC(2026, 2, 1, 11, 59);
    await t.close();
    apps.splice(apps.indexOf(t), 1);
    now = Math.max(chosen, Date.UTC(2026, 2, 1, 12, 30));
    t = await start(persisted);
    const d = await until(() => describeSecret('restart'), (x) => x.LastRotatedDate !== undefined);
    expect(d.LastRotatedDate?.getTime()).toBe(now);
    expect(d.NextRotationDate?.toISOString()).toBe('2026-03-01T16:59:59.000Z');
    await quietPeriod();
    expect((await runs('restart')).map((r) => r.Trigger)).toEqual(['schedule', 'api']);

    // Rotor is down across the 16:00 and 20:00 windows: one rotation when it is back, and the schedule resumes.
    await t.close();
    apps.splice(apps.indexOf(t), 1);
    now = Date.UTC(2026, 2, 1, 23, 30);
    t = await start(persisted);
    const d2 = await until(() => describeSecret('restart'), (x) => x.LastRotatedDate?.getTime() === now);
    expect(d2.NextRotationDate?.toISOString()).toBe('2026-03-02T00:59:59.000Z');
    await quietPeriod();
    expect((await runs('restart')).map((r) => `${r.Trigger}:${r.Status}`)).toEqual(['schedule:succeeded', 'schedule:succeeded', 'api:succeeded']);
  });
});
