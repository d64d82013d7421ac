/**
 * The MySQL/MariaDB built-in rotators against a real MariaDB server started by the test (never mocked),
 * driven through RotateSecret on the default in-process app, and step by step.
 */
import { randomUUID } from 'node:crypto';
import { GetSecretValueCommand, RotateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBuiltinRotators } from '../../src/rotators/builtin-invoker.js';
import { replayGrant } from '../../src/rotators/mysql-alternating-users.js';
import type { StepName } from '../../src/rotators/rotator.js';
import type { TestApp } from '../helpers/app.js';
import { startTestApp } from '../helpers/app.js';
import { startMariaDb, type MariaDbServer } from '../helpers/mariadb.js';
import { builtin, createJsonSecret, rotate, SCOPE, stageJson, startRotorForRotators, waitForRuns } from './support.js';

let db: MariaDbServer;
let t: TestApp;

beforeAll(async () => {
  db = await startMariaDb();
  t = await startRotorForRotators();
  await db.sql('CREATE DATABASE appdb');
  await db.sql('CREATE TABLE appdb.orders (id int)');
  await db.sql('INSERT INTO appdb.orders VALUES (1)');
}, 120_000);

afterAll(async () => {
  await t?.close();
  await db?.stop();
});

let users = 0;
/** A fresh user that may read appdb.orders, and its secret JSON. */
async function newUser(extra: Record<string, unknown> = {}, grant = 'SELECT ON appdb.orders'): Promise<{ username: string; password: string; json: Record<string, unknown> }> {
  const username = `app${++users}`;
  const password = `initial-${randomUUID()}`;
  await db.sql("CREATE USER ?@'%' IDENTIFIED BY ?", [username, password]);
  await db.sql(`GRANT ${grant} TO ?@'%'`, [username]);
  return { username, password, json: { engine: 'mariadb', host: db.host, port: db.port, username, password, dbname: 'appdb', ssl: false, ...extra } };
}

const readsOrders = (user: string, password: string) => db.canLogin(user, password, 'SELECT id FROM appdb.orders');

describe('mysql-single-user', () => {
  it('rotates twice: each new AWSCURRENT password logs in and the previous one no longer does', async () => {
    const u = await newUser();
    const arn = await createJsonSecret(t, u.json);
    let old = u.password;
    for (let n = 1; n <= 2; n++) {
      const run = await rotate(t, arn, 'mysql-single-user', n);
      expect(run.status, run.error).toBe('succeeded');
      const cur = await stageJson(t, arn);
      expect(cur).toMatchObject({ engine: 'mariadb', username: u.username, host: db.host, port: db.port, dbname: 'appdb' });
      expect(cur.password).not.toBe(old);
      expect(String(cur.password)).toHaveLength(32);
      expect(String(cur.password)).not.toMatch(/[/@"'\\]/);
      expect(await readsOrders(u.username, String(cur.password))).toBe(true);
      expect(await db.canLogin(u.username, old)).toBe(false);
      expect((await stageJson(t, arn, 'AWSPREVIOUS')).password).toBe(old);
      old = String(cur.password);
    }
  });

  it('with no "ssl" key tries TLS and falls back to plaintext (this server has no TLS), as the templates do', async () => {
    const u = await newUser();
    const { ssl: _ssl, ...json } = u.json;
    const arn = await createJsonSecret(t, { ...json, engine: 'mysql' });
    const run = await rotate(t, arn, 'mysql-single-user', 1);
    expect(run.status, run.error).toBe('succeeded');
    expect(await db.canLogin(u.username, String((await stageJson(t, arn)).password))).toBe(true);
  });

  it('wrong current password: authentication failed, nothing changed, the real password still logs in', async () => {
    const u = await newUser();
    const arn = await createJsonSecret(t, { ...u.json, password: 'not-the-password' });
    const run = await rotate(t, arn, 'mysql-single-user', 1);
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/setSecret: authentication failed for the current password \(AWSCURRENT\) of user "app\d+" on MySQL at 127\.0\.0\.1:\d+/);
    expect(run.error).toMatch(/Access denied for user .*\[ER_ACCESS_DENIED_ERROR 1045, SQLSTATE 28000\]/);
    expect(run.error).not.toContain('not-the-password');
    expect((await stageJson(t, arn)).password).toBe('not-the-password');
    expect(await readsOrders(u.username, u.password)).toBe(true);
  });

  it('server down: connection refused, AWSCURRENT unchanged; once it is back the re-driven rotation succeeds', async () => {
    const u = await newUser();
    const arn = await createJsonSecret(t, u.json);
    await db.pause();
    let run;
    try {
      run = await rotate(t, arn, 'mysql-single-user', 1);
    } finally {
      await db.start();
    }
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/setSecret: could not log in to MySQL at 127\.0\.0\.1:\d+ .*connection refused/);
    expect(run.steps.find((s) => !s.ok)?.step).toBe('setSecret');
    expect((await stageJson(t, arn)).password).toBe(u.password);
    expect(await readsOrders(u.username, u.password)).toBe(true);
    await expect(
      t.client.send(new RotateSecretCommand({ SecretId: arn, RotationLambdaARN: builtin('mysql-single-user'), ClientRequestToken: randomUUID() })),
    ).rejects.toThrow(/previous rotation isn't complete/);
    const again = await waitForRuns(t, arn, 2);
    expect(again.status, again.error).toBe('succeeded');
    expect(await readsOrders(u.username, String((await stageJson(t, arn)).password))).toBe(true);
    expect(await db.canLogin(u.username, u.password)).toBe(false);
  }, 60_000);
});

describe('mysql-alternating-users', () => {
  it('creates <user>_clone with the same grants, alternates, and AWSPREVIOUS keeps logging in', async () => {
    const u = await newUser();
    const masterarn = await createJsonSecret(t, { engine: 'mariadb', host: db.host, port: db.port, username: db.superuser, password: db.superPassword });
    const arn = await createJsonSecret(t, { ...u.json, masterarn });
    const expected = [`${u.username}_clone`, u.username, `${u.username}_clone`];
    for (let n = 1; n <= 3; n++) {
      const run = await rotate(t, arn, 'mysql-alternating-users', n);
      expect(run.status, run.error).toBe('succeeded');
      const cur = await stageJson(t, arn);
      const prev = await stageJson(t, arn, 'AWSPREVIOUS');
      expect(cur.username).toBe(expected[n - 1]);
      expect(cur.masterarn).toBe(masterarn);
      expect(await readsOrders(String(cur.username), String(cur.password))).toBe(true);
      expect(await readsOrders(String(prev.username), String(prev.password))).toBe(true);
    }
    // Same grants, no more: the clone may read orders but not write them.
    const cur = await stageJson(t, arn);
    expect(await db.canLogin(String(cur.username), String(cur.password), 'INSERT INTO appdb.orders VALUES (2)')).toBe(false);
    expect(await db.canLogin(u.username, u.password)).toBe(false);
  });

  it('a master without CREATE USER: permission denied, AWSCURRENT unchanged and working', async () => {
    const u = await newUser();
    const weak = await newUser();
    const masterarn = await createJsonSecret(t, { username: weak.username, password: weak.password });
    const arn = await createJsonSecret(t, { ...u.json, masterarn });
    const run = await rotate(t, arn, 'mysql-alternating-users', 1);
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(new RegExp(`setSecret: permission denied for .* as "${weak.username}" \\(master\\) on MySQL at 127\\.0\\.0\\.1:\\d+: permission denied: .*SQLSTATE`));
    expect(run.error).not.toContain(weak.password);
    expect(await stageJson(t, arn)).toMatchObject({ username: u.username, password: u.password });
    expect(await readsOrders(u.username, u.password)).toBe(true);
  });

  it('a wrong current password: authentication failed before the master acts (confused deputy)', async () => {
    const u = await newUser();
    const masterarn = await createJsonSecret(t, { username: db.superuser, password: db.superPassword });
    const arn = await createJsonSecret(t, { ...u.json, password: 'wrong-one', masterarn });
    const run = await rotate(t, arn, 'mysql-alternating-users', 1);
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/setSecret: authentication failed for the current password \(AWSCURRENT\) of user "app\d+"/);
    expect(await db.canLogin(`${u.username}_clone`, 'x')).toBe(false);
    expect(((await db.sql("SELECT 1 FROM mysql.user WHERE User = ?", [`${u.username}_clone`])) as unknown[]).length).toBe(0);
  });

  it('refuses a <user>_clone longer than 32 characters in createSecret', async () => {
    const arn = await createJsonSecret(t, { engine: 'mysql', host: db.host, port: db.port, username: 'u'.repeat(27), password: 'p', masterarn: 'x' });
    const run = await rotate(t, arn, 'mysql-alternating-users', 1);
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/createSecret: the alternate user name "u{27}_clone" is longer than MySQL's 32 characters/);
  });

  it('replays SHOW GRANTS lines for the clone', () => {
    expect(replayGrant("GRANT USAGE ON *.* TO `a`@`%` IDENTIFIED BY PASSWORD '*ABC'", '`a_clone`@`%`')).toBe('GRANT USAGE ON *.* TO `a_clone`@`%`');
    expect(replayGrant('GRANT SELECT ON `d`.* TO `a`@`%` WITH GRANT OPTION', "'b'@'%'")).toBe("GRANT SELECT ON `d`.* TO 'b'@'%' WITH GRANT OPTION");
    expect(replayGrant('REVOKE x', "'b'@'%'")).toBeUndefined();
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

describe('mysql steps run by hand', () => {
  for (const fn of ['mysql-single-user', 'mysql-alternating-users'] as const) {
    it(`${fn}: every step run twice is harmless, and steps after finishSecret do nothing`, async () => {
      const u = await newUser();
      const master = fn === 'mysql-alternating-users' ? { username: db.superuser, password: db.superPassword } : undefined;
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

  it('refuses a pending secret for another user (confused deputy)', async () => {
    const u = await newUser();
    const p = await pausedRotation(u.json, 'mysql-single-user');
    try {
      await p.secrets.putSecretValue(SCOPE, {
        SecretId: p.arn,
        ClientRequestToken: p.token,
        SecretString: JSON.stringify({ ...u.json, username: db.superuser, password: 'x' }),
        VersionStages: ['AWSPENDING'],
      });
      const r = await p.step('setSecret');
      expect(r.ok).toBe(false);
      expect(r.errorMessage).toMatch(/refusing to change another user's password/);
      expect(await db.canLogin(db.superuser, db.superPassword)).toBe(true);
    } finally {
      await p.app.close();
    }
  });
});
