/**
 * Scheduled rotation at server level, on the test clock (issue 4): a real `rotor serve --test-clock
 * --data-dir …` process (compiled code: run `npm run build` first), a Python rotation function deployed
 * with `aws lambda create-function`, and POST /_rotor/clock to move time. Secrets on
 * `AutomaticallyAfterDays`, `rate(4 hours)` and `cron(0 16 1,15 * ? *)` with `Duration: 2h` rotate exactly
 * when their window comes — not a second before the window, once inside it — with the LastRotatedDate and
 * NextRotationDate AWS would show; a SIGKILL in the middle of a window's rotation still rotates once.
 *
 * The test years are far ahead (2099): after a restart the test clock starts again at the real time, which
 * is then before every scheduled start, until the test sets it.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRequest } from '../../src/auth/sigv4.js';
import { startRotor, type RotorProcess } from '../helpers/process.js';
import { runAws, type AwsResult } from '../helpers/aws-cli-any.js';

const FIXTURES = new URL('../e2e/fixtures/', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'rotor-sched-server-'));
const dataDir = join(work, 'data');
const markers = join(work, 'markers');
const configFile = join(work, 'config.json');
writeFileSync(configFile, JSON.stringify({ rotation: { pollMs: 50, leaseMs: 1000, backoffBaseMs: 100, backoffMaxMs: 400 } }));
const HOUR = 3_600_000;
let rotor: RotorProcess;

// ---- helpers ----------------------------------------------------------------------------------------

function aws(args: string[]): Promise<AwsResult> {
  return runAws(rotor, work, args);
}

async function ok(args: string[]): Promise<Record<string, unknown>> {
  const r = await aws(args);
  if (r.status !== 0) throw new Error(`aws ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.json;
}

async function deploy(name: string, env: Record<string, string> = {}): Promise<string> {
  const zip = join(work, `${name}.zip`);
  writeFileSync(zip, zipSync({ 'lambda_function.py': new Uint8Array(readFileSync(join(FIXTURES, 'lambda_function.py'))) }));
  const vars = Object.entries({ MARKER_DIR: markers, ...env }).map(([k, v]) => `${k}=${v}`).join(',');
  const f = await ok([
    'lambda', 'create-function', '--function-name', name, '--runtime', 'python3.11', '--handler', 'lambda_function.lambda_handler',
    '--role', `arn:aws:iam::${rotor.accountId}:role/rotation-role`, '--zip-file', `fileb://${zip}`, '--timeout', '30',
    '--environment', `Variables={${vars}}`,
  ]);
  await ok(['lambda', 'add-permission', '--function-name', name, '--statement-id', 'SecretsManagerAccess',
    '--action', 'lambda:InvokeFunction', '--principal', 'secretsmanager.amazonaws.com']);
  return String(f.FunctionArn);
}

async function clock(body?: { now: number } | { advanceMs: number }): Promise<{ status: number; json: Record<string, unknown> }> {
  const r = await fetch(`${rotor.url}/_rotor/clock`, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) });
  return { status: r.status, json: (await r.json()) as Record<string, unknown> };
}
async function setClock(ms: number): Promise<void> {
  const r = await clock({ now: ms });
  expect(r).toEqual({ status: 200, json: { now: ms, iso: new Date(ms).toISOString() } });
}

/** The CLI prints dates as ISO 8601 strings (v2) or epoch seconds (v1). */
type CliDate = string | number;
interface Described {
  LastRotatedDate?: CliDate;
  NextRotationDate?: CliDate;
  RotationRules?: Record<string, unknown>;
  VersionIdsToStages?: Record<string, string[]>;
}
const describeSecret = async (id: string) => (await ok(['secretsmanager', 'describe-secret', '--secret-id', id])) as Described;
const iso = (d: CliDate | undefined) => (d === undefined ? undefined : new Date(typeof d === 'number' ? d * 1000 : Date.parse(d)).toISOString());

async function rotor_(target: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const url = new URL(rotor.url);
  const text = JSON.stringify(body);
  const headers = signRequest({
    method: 'POST', host: url.host, path: '/', body: text,
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `rotor.${target}` },
    accessKeyId: rotor.accessKeyId, secretAccessKey: rotor.secretAccessKey, region: rotor.region, service: 'secretsmanager',
  });
  const r = await fetch(rotor.url, { method: 'POST', headers, body: text });
  return (await r.json()) as Record<string, unknown>;
}
interface Run {
  Trigger: string;
  Mode: string;
  Status: string;
  ClientRequestToken: string;
  Steps: { Step: string; Outcome: string }[];
}
const runs = async (id: string) => (await rotor_('ListRotationRuns', { SecretId: id, MaxResults: 20 })).RotationRuns as Run[];
const eventNames = async (id: string) => ((await rotor_('ListEvents', { SecretId: id })).Events as { EventName: string }[]).map((e) => e.EventName);

async function until<T>(f: () => Promise<T>, pred: (v: T) => boolean, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (pred(v)) return v;
    if (Date.now() > end) throw new Error(`timed out: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
/** Lets the engine (pollMs 50) tick many times, for something that must not happen. */
const quietPeriod = () => new Promise((r) => setTimeout(r, 600));

/** The start the scheduler chose inside the window (internal; read from the database file). */
function chosenStart(name: string): number {
  const db = new Database(join(dataDir, 'rotor.db'), { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare<[string], { s: number | null }>('SELECT scheduled_start_at AS s FROM secrets WHERE name = ?').get(name);
    if (row?.s == null) throw new Error(`no scheduled start for ${name}`);
    return row.s;
  } finally {
    db.close();
  }
}

/** Creates the secret at `at` and configures rotation with a test run only, as a user would, then waits for it. */
async function configure(name: string, at: number, fn: string, rules: string): Promise<void> {
  await setClock(at);
  await ok(['secretsmanager', 'create-secret', '--name', name, '--secret-string', '{"username":"app","password":"initial-password"}']);
  await ok(['secretsmanager', 'rotate-secret', '--secret-id', name, '--rotation-lambda-arn', fn, '--no-rotate-immediately', '--rotation-rules', rules]);
  await until(() => runs(name), (r) => r[0]?.Status === 'succeeded');
}

async function rotations(name: string): Promise<number> {
  const v = await ok(['secretsmanager', 'get-secret-value', '--secret-id', name]);
  return Number((JSON.parse(String(v.SecretString)) as { rotations?: number }).rotations ?? 0);
}

// ---- the tests ---------------------------------------------------------------------------------------

let fnArn = '';
let pauseArn = '';

beforeAll(async () => {
  mkdirSync(markers);
  rotor = await startRotor({ dataDir, configFile, extraArgs: ['--test-clock'] });
  fnArn = await deploy('rotate-scheduled');
  pauseArn = await deploy('rotate-scheduled-pause', { PAUSE_STEP: 'setSecret', PAUSE_SECONDS: '20' });
}, 120_000);

afterAll(async () => {
  await rotor?.stop('SIGTERM');
  rmSync(work, { recursive: true, force: true });
});

describe('the test clock', () => {
  it('is read and set over /_rotor/clock, says so loudly, and refuses bad input', async () => {
    expect(rotor.stderr()).toContain('WARNING: --test-clock is on');
    const t0 = Date.UTC(2099, 0, 1);
    await setClock(t0);
    expect(await clock()).toEqual({ status: 200, json: { now: t0, iso: '2099-01-01T00:00:00.000Z' } });
    expect((await clock({ advanceMs: 90_000 })).json.now).toBe(t0 + 90_000);
    const bad = await fetch(`${rotor.url}/_rotor/clock`, { method: 'POST', body: '{"now":"tomorrow"}' });
    expect(bad.status).toBe(400);
    const both = await fetch(`${rotor.url}/_rotor/clock`, { method: 'POST', body: JSON.stringify({ now: t0, advanceMs: 1 }) });
    expect(both.status).toBe(400);
    expect((await clock()).json.now).toBe(t0 + 90_000);
    // The domain uses it (CreatedDate) while signatures keep real time (the CLI signs with the real clock).
    const c = await ok(['secretsmanager', 'create-secret', '--name', 'clock/probe', '--secret-string', 'x']);
    const d = await ok(['secretsmanager', 'describe-secret', '--secret-id', String(c.ARN)]);
    expect(iso(d.CreatedDate as CliDate)).toBe('2099-01-01T00:01:30.000Z');
  });
});

describe('scheduled rotation on the test clock, without waiting', () => {
  it('AutomaticallyAfterDays=7: not before the window, rotated by its end', async () => {
    const name = 'sched/days';
    await configure(name, Date.UTC(2099, 1, 1, 10), fnArn, 'AutomaticallyAfterDays=7');
    const d0 = await describeSecret(name);
    expect(iso(d0.NextRotationDate)).toBe('2099-02-08T23:59:59.000Z');
    expect(d0.LastRotatedDate).toBeUndefined();

    await setClock(Date.UTC(2099, 1, 7, 23, 59, 59)); // the second before the window opens
    await quietPeriod();
    expect((await describeSecret(name)).LastRotatedDate).toBeUndefined();
    expect(await rotations(name)).toBe(0);

    const end = Date.UTC(2099, 1, 8, 23, 59, 59); // the window's last second
    await setClock(end);
    const d = await until(() => describeSecret(name), (x) => x.LastRotatedDate !== undefined);
    expect(iso(d.LastRotatedDate)).toBe('2099-02-08T23:59:59.000Z');
    expect(iso(d.NextRotationDate)).toBe('2099-02-15T23:59:59.000Z');
    expect(d.RotationRules).toEqual({ AutomaticallyAfterDays: 7 });
    expect(await rotations(name)).toBe(1);
    expect((await runs(name))[0]).toMatchObject({ Trigger: 'schedule', Mode: 'Rotation', Status: 'succeeded' });
    await ok(['secretsmanager', 'cancel-rotate-secret', '--secret-id', name]);
  }, 60_000);

  it('rate(4 hours): rotated in the 12:00 window, not again until the 16:00 one', async () => {
    const name = 'sched/rate';
    await configure(name, Date.UTC(2099, 2, 1, 9), fnArn, '{"ScheduleExpression":"rate(4 hours)"}');
    expect(iso((await describeSecret(name)).NextRotationDate)).toBe('2099-03-01T12:59:59.000Z');

    await setClock(Date.UTC(2099, 2, 1, 11, 59, 59));
    await quietPeriod();
    expect((await describeSecret(name)).LastRotatedDate).toBeUndefined();

    await setClock(Date.UTC(2099, 2, 1, 12, 59, 59));
    const d = await until(() => describeSecret(name), (x) => x.LastRotatedDate !== undefined);
    expect(iso(d.LastRotatedDate)).toBe('2099-03-01T12:59:59.000Z');
    expect(iso(d.NextRotationDate)).toBe('2099-03-01T16:59:59.000Z');
    expect(d.RotationRules).toEqual({ ScheduleExpression: 'rate(4 hours)', AutomaticallyAfterDays: 1 });

    // Between windows: nothing more.
    await setClock(Date.UTC(2099, 2, 1, 15, 59, 59));
    await quietPeriod();
    expect(await rotations(name)).toBe(1);

    await setClock(Date.UTC(2099, 2, 1, 16, 59, 59));
    const d2 = await until(() => describeSecret(name), (x) => iso(x.LastRotatedDate) === '2099-03-01T16:59:59.000Z');
    expect(iso(d2.NextRotationDate)).toBe('2099-03-01T20:59:59.000Z');
    expect(await rotations(name)).toBe(2);
    expect((await runs(name)).map((r) => `${r.Trigger}:${r.Status}`)).toEqual(['schedule:succeeded', 'schedule:succeeded', 'api:succeeded']);
    await ok(['secretsmanager', 'cancel-rotate-secret', '--secret-id', name]);
  }, 60_000);

  it('cron(0 16 1,15 * ? *) with Duration 2h: rotated inside 16:00–18:00 on the 15th, next on the 1st', async () => {
    const name = 'sched/cron';
    await configure(name, Date.UTC(2099, 3, 2, 10), fnArn, '{"ScheduleExpression":"cron(0 16 1,15 * ? *)","Duration":"2h"}');
    const d0 = await describeSecret(name);
    expect(iso(d0.NextRotationDate)).toBe('2099-04-15T17:59:59.000Z');
    // The displayed days: the gap between the next two windows (15 April → 1 May).
    expect(d0.RotationRules).toEqual({ ScheduleExpression: 'cron(0 16 1,15 * ? *)', Duration: '2h', AutomaticallyAfterDays: 16 });

    await setClock(Date.UTC(2099, 3, 15, 15, 59, 59));
    await quietPeriod();
    expect((await describeSecret(name)).LastRotatedDate).toBeUndefined();

    await setClock(Date.UTC(2099, 3, 15, 17, 59, 59));
    const d = await until(() => describeSecret(name), (x) => x.LastRotatedDate !== undefined);
    expect(iso(d.LastRotatedDate)).toBe('2099-04-15T17:59:59.000Z');
    expect(iso(d.NextRotationDate)).toBe('2099-05-01T17:59:59.000Z');
    expect(d.RotationRules).toEqual({ ScheduleExpression: 'cron(0 16 1,15 * ? *)', Duration: '2h', AutomaticallyAfterDays: 14 });
    expect(await rotations(name)).toBe(1);
    await ok(['secretsmanager', 'cancel-rotate-secret', '--secret-id', name]);
  }, 60_000);

  it('a SIGKILL during the scheduled rotation, in the middle of the window: after restart it completes, once', async () => {
    const name = 'sched/kill';
    await configure(name, Date.UTC(2099, 4, 2, 10), pauseArn, '{"ScheduleExpression":"cron(0 16 1,15 * ? *)","Duration":"2h"}');
    expect(iso((await describeSecret(name)).NextRotationDate)).toBe('2099-05-15T17:59:59.000Z');
    const start = chosenStart(name);
    expect(start).toBeGreaterThanOrEqual(Date.UTC(2099, 4, 15, 16));
    expect(start).toBeLessThan(Date.UTC(2099, 4, 15, 18));

    // The chosen start comes; the function pauses in setSecret; the server is killed.
    await setClock(start);
    await until(async () => existsSync(join(markers, 'setSecret')), (v) => v);
    const token = (await runs(name))[0]?.ClientRequestToken ?? '';
    rotor = await rotor.restart('SIGKILL');

    // Back in the same window, after the dead node's lease (1 s of test time): the run resumes with its token.
    const back = start + 2000;
    await setClock(back);
    const d = await until(() => describeSecret(name), (x) => x.LastRotatedDate !== undefined);
    expect(iso(d.LastRotatedDate)).toBe(new Date(back).toISOString());
    expect(iso(d.NextRotationDate)).toBe('2099-06-01T17:59:59.000Z');
    expect(d.VersionIdsToStages?.[token]).toEqual(['AWSCURRENT']);
    expect(await rotations(name)).toBe(1);

    // Killed again later in the same window: still one rotation.
    rotor = await rotor.restart('SIGKILL');
    await setClock(Date.UTC(2099, 4, 15, 17, 59, 59));
    await quietPeriod();
    expect(await rotations(name)).toBe(1);
    const h = await runs(name);
    expect(h.map((r) => `${r.Trigger}:${r.Mode}:${r.Status}`)).toEqual(['schedule:Rotation:succeeded', 'api:TestRotation:succeeded']);
    expect(h[0]?.ClientRequestToken).toBe(token);
    expect((await eventNames(name)).filter((e) => e === 'RotationStarted')).toHaveLength(1);
    await ok(['secretsmanager', 'cancel-rotate-secret', '--secret-id', name]);
  }, 90_000);
});
