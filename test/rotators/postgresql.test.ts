/**
 * The PostgreSQL built-in rotators against a real PostgreSQL server started by the test (never mocked),
 * driven through RotateSecret on the default in-process app.
 */
import { randomUUID } from 'node:crypto';
import { GetSecretValueCommand, RotateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StepName } from '../../src/rotators/rotator.js';
import { createBuiltinRotators } from '../../src/rotators/builtin-invoker.js';
import type { TestApp } from '../helpers/app.js';
import { startTestApp } from '../helpers/app.js';
import { startPostgres, type PostgresServer } from '../helpers/postgres.js';
import { builtin, createJsonSecret, rotate, SCOPE, stageJson, startRotorForRotators, waitForRuns } from './support.js';

let db: PostgresServer;
let t: TestApp;

beforeAll(async () => {
  db = await startPostgres();
  t = await startRotorForRotators();
  await db.sql('CREATE DATABASE appdb');
  await db.sql('CREATE TABLE orders (id int)', [], 'appdb');
  await db.sql('INSERT INTO orders VALUES (1)', [], 'appdb');
}, 120_000);

afterAll(async () => {
  await t?.close();
  await db?.stop();
});

let users = 0;
/** A fresh login role that may read `orders`, and its secret JSON. */
async function newUser(extra: Record<string, unknown> = {}): Promise<{ username: string; password: string; json: Record<string, unknown> }> {
  const username = `app${++users}`;
  const password = `initial-${randomUUID()}`;
  await db.sql(`CREATE ROLE ${username} LOGIN PASSWORD '${password}'`);
  await db.sql(`GRANT SELECT ON orders TO ${username}`, [], 'appdb');
  return { username, password, json: { engine: 'postgres', host: db.host, port: db.port, username, password, dbname: 'appdb', ssl: false, ...extra } };
}

async function readsOrders(user: string, password: string): Promise<boolean> {
  const ok = await db.canLogin(user, password, 'appdb');
  if (!ok) return false;
  const pg = (await import('pg')).default;
  const c = new pg.Client({ host: db.host, port: db.port, user, password, database: 'appdb' });
  await c.connect();
  try {
    return (await c.query('SELECT id FROM orders')).rowCount === 1;
  } finally {
    await c.end();
  }
}

describe('postgresql-single-user', () => {
  it('rotates twice: each new AWSCURRENT password logs in and the previous one no longer does', async () => {
    const u = await newUser();
    const arn = await createJsonSecret(t, u.json);
    let old = u.password;
    for (let n = 1; n <= 2; n++) {
      const run = await rotate(t, arn, 'postgresql-single-user', n);
      expect(run.status, run.error).toBe('succeeded');
      const cur = await stageJson(t, arn);
      expect(cur).toMatchObject({ engine: 'postgres', username: u.username, host: db.host, port: db.port, dbname: 'appdb' });
      expect(cur.password).not.toBe(old);
      expect(String(cur.password)).toHaveLength(32);
      expect(String(cur.password)).not.toMatch(/[:/@"'\\]/);
      expect(await readsOrders(u.username, String(cur.password))).toBe(true);
      expect(await db.canLogin(u.username, old, 'appdb')).toBe(false);
      expect((await stageJson(t, arn, 'AWSPREVIOUS')).password).toBe(old);
      old = String(cur.password);
    }
  });

  it('with no "ssl" key tries TLS and falls back to plaintext (this server has no TLS), as the templates do', async () => {
    const u = await newUser();
    const { ssl: _ssl, ...json } = u.json;
    const arn = await createJsonSecret(t, json);
    const run = await rotate(t, arn, 'postgresql-single-user', 1);
    expect(run.status, run.error).toBe('succeeded');
    expect(await db.canLogin(u.username, String((await stageJson(t, arn)).password), 'appdb')).toBe(true);
  });

  it('wrong current password: authentication failed, nothing changed, the real password still logs in', async () => {
    const u = await newUser();
    const arn = await createJsonSecret(t, { ...u.json, password: 'not-the-password' });
    const run = await rotate(t, arn, 'postgresql-single-user', 1);
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/setSecret: authentication failed for the current password \(AWSCURRENT\) of user "app\d+"/);
    expect(run.error).toMatch(/password authentication failed for user/);
    expect(run.error).not.toContain('not-the-password');
    expect((await stageJson(t, arn)).password).toBe('not-the-password');
    expect(await db.canLogin(u.username, u.password, 'appdb')).toBe(true);
  });

  it('server down: connection refused, AWSCURRENT unchanged; once it is back the re-driven rotation succeeds', async () => {
    const u = await newUser();
    const arn = await createJsonSecret(t, u.json);
    await db.pause();
    let run;
    try {
      run = await rotate(t, arn, 'postgresql-single-user', 1);
    } finally {
      await db.start();
    }
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/setSecret: could not log in to PostgreSQL at 127\.0\.0\.1:\d+ .*connection refused/);
    const failedStep = run.steps.find((s) => !s.ok);
    expect(failedStep?.step).toBe('setSecret');
    expect((await stageJson(t, arn)).password).toBe(u.password);
    expect(await db.canLogin(u.username, u.password, 'appdb')).toBe(true);
    // As on AWS: the next RotateSecret says the previous rotation isn't complete and re-drives it.
    await expect(
      t.client.send(new RotateSecretCommand({ SecretId: arn, RotationLambdaARN: builtin('postgresql-single-user'), ClientRequestToken: randomUUID() })),
    ).rejects.toThrow(/previous rotation isn't complete/);
    const again = await waitForRuns(t, arn, 2);
    expect(again.status, again.error).toBe('succeeded');
    const cur = await stageJson(t, arn);
    expect(await db.canLogin(u.username, String(cur.password), 'appdb')).toBe(true);
    expect(await db.canLogin(u.username, u.password, 'appdb')).toBe(false);
  });

});

describe('postgresql-alternating-users', () => {
  it('creates <user>_clone with the same grants, alternates, and AWSPREVIOUS keeps logging in', async () => {
    const u = await newUser();
    const masterarn = await createJsonSecret(t, { engine: 'postgres', host: db.host, port: db.port, username: db.superuser, password: db.superPassword });
    const arn = await createJsonSecret(t, { ...u.json, masterarn });
    const expected = [`${u.username}_clone`, u.username, `${u.username}_clone`];
    for (let n = 1; n <= 3; n++) {
      const run = await rotate(t, arn, 'postgresql-alternating-users', n);
      expect(run.status, run.error).toBe('succeeded');
      const cur = await stageJson(t, arn);
      const prev = await stageJson(t, arn, 'AWSPREVIOUS');
      expect(cur.username).toBe(expected[n - 1]);
      expect(cur.masterarn).toBe(masterarn);
      expect(await readsOrders(String(cur.username), String(cur.password))).toBe(true);
      expect(await readsOrders(String(prev.username), String(prev.password))).toBe(true);
    }
    const clone = await db.sql('SELECT rolcanlogin FROM pg_roles WHERE rolname = $1', [`${u.username}_clone`]);
    expect(clone.rows).toEqual([{ rolcanlogin: true }]);
    // The original password of the first user stopped working at the second rotation, not before.
    expect(await db.canLogin(u.username, u.password, 'appdb')).toBe(false);
  });

  it('a master without CREATEROLE: permission denied for CREATE ROLE, AWSCURRENT unchanged and working', async () => {
    const u = await newUser();
    const weak = await newUser();
    const masterarn = await createJsonSecret(t, { username: weak.username, password: weak.password });
    const arn = await createJsonSecret(t, { ...u.json, masterarn });
    const run = await rotate(t, arn, 'postgresql-alternating-users', 1);
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(new RegExp(`setSecret: permission denied for CREATE ROLE "${u.username}_clone" as "${weak.username}" \\(master\\).*permission denied to create role \\[SQLSTATE 42501\\]`));
    const cur = await stageJson(t, arn);
    expect(cur).toMatchObject({ username: u.username, password: u.password });
    expect(await readsOrders(u.username, u.password)).toBe(true);
    expect((await db.sql('SELECT 1 FROM pg_roles WHERE rolname = $1', [`${u.username}_clone`])).rowCount).toBe(0);
  });

  it('a wrong master password: authentication failed for the master secret', async () => {
    const u = await newUser();
    const masterarn = await createJsonSecret(t, { username: db.superuser, password: 'wrong' });
    const arn = await createJsonSecret(t, { ...u.json, masterarn });
    const run = await rotate(t, arn, 'postgresql-alternating-users', 1);
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/setSecret: authentication failed for the master secret's password \(masterarn\) of user "postgres"/);
    expect(await readsOrders(u.username, u.password)).toBe(true);
  });
});

/** A second app whose functions all fail: RotateSecret leaves an empty AWSPENDING placeholder, and the test drives the built-in's steps by hand. */
async function pausedRotation(base: Record<string, unknown>, fn: string, master?: Record<string, unknown>) {
  const app = await startTestApp({
    rotation: { pollMs: 20, leaseMs: 5000, maxAttempts: 1, backoffBaseMs: 0, backoffMaxMs: 0 },
    invoker: {
      canSecretsManagerInvoke: async () => true,
      invoke: async () => ({ ok: false, payload: '', errorMessage: 'held by the test', logs: '', durationMs: 0 }),
    },
  });
  const secrets = app.app?.services.secrets;
  if (!secrets) throw new Error('in-process app needed');
  const json = master ? { ...base, masterarn: await createJsonSecret(app, master) } : base;
  const arn = await createJsonSecret(app, json);
  const token = randomUUID();
  await app.client.send(new RotateSecretCommand({ SecretId: arn, RotationLambdaARN: builtin(fn), ClientRequestToken: token }));
  await waitForRuns(app, arn, 1);
  const rotators = createBuiltinRotators({ secrets });
  const step = (s: StepName) => rotators.invoke(SCOPE, builtin(fn), { Step: s, SecretId: arn, ClientRequestToken: token, RotationToken: 'x' });
  const value = async (stage: string) => (await app.client.send(new GetSecretValueCommand({ SecretId: arn, VersionStage: stage }))).SecretString ?? '';
  return { app, arn, token, step, value, secrets, json };
}

describe('steps run by hand', () => {
  for (const fn of ['postgresql-single-user', 'postgresql-alternating-users'] as const) {
    it(`${fn}: every step run twice is harmless, and steps after finishSecret do nothing`, async () => {
      const u = await newUser();
      const master = fn === 'postgresql-alternating-users' ? { username: db.superuser, password: db.superPassword } : undefined;
      const h = await pausedRotation(u.json, fn, master);
      try {
        const r1 = await h.step('createSecret');
        expect(r1.ok, r1.errorMessage).toBe(true);
        const pending1 = await h.value('AWSPENDING');
        expect((await h.step('createSecret')).ok).toBe(true);
        expect(await h.value('AWSPENDING')).toBe(pending1);
        const pending = JSON.parse(pending1) as { username: string; password: string };
        for (let i = 0; i < 2; i++) {
          const r = await h.step('setSecret');
          expect(r.ok, r.errorMessage).toBe(true);
        }
        expect(await readsOrders(pending.username, pending.password)).toBe(true);
        for (let i = 0; i < 2; i++) expect((await h.step('testSecret')).ok).toBe(true);
        for (let i = 0; i < 2; i++) expect((await h.step('finishSecret')).ok).toBe(true);
        expect(await h.value('AWSCURRENT')).toBe(pending1);
        expect(JSON.parse(await h.value('AWSPREVIOUS'))).toEqual(h.json);
        for (const s of ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const) {
          const r = await h.step(s);
          expect(r.ok).toBe(true);
          expect(r.logs).toMatch(/already AWSCURRENT/);
        }
        expect(await h.value('AWSCURRENT')).toBe(pending1);
      } finally {
        await h.app.close();
      }
    });
  }

  it('refuses a pending secret for another user or another server (confused deputy)', async () => {
    const u = await newUser();
    const p = await pausedRotation(u.json, 'postgresql-single-user');
    try {
      await p.secrets.putSecretValue(SCOPE, {
        SecretId: p.arn,
        ClientRequestToken: p.token,
        SecretString: JSON.stringify({ ...u.json, username: 'postgres', password: 'x' }),
        VersionStages: ['AWSPENDING'],
      });
      const r = await p.step('setSecret');
      expect(r.ok).toBe(false);
      expect(r.errorMessage).toMatch(/refusing to change another user's password/);
      expect(await db.canLogin('postgres', 'x')).toBe(false);
    } finally {
      await p.app.close();
    }
  });
});
