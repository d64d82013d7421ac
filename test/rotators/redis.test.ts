/**
 * The Redis built-in rotator against a real redis-server started by the test (never mocked), driven through
 * RotateSecret on the default in-process app, and step by step.
 */
import { randomUUID } from 'node:crypto';
import { GetSecretValueCommand, RotateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBuiltinRotators } from '../../src/rotators/builtin-invoker.js';
import type { StepName } from '../../src/rotators/rotator.js';
import type { TestApp } from '../helpers/app.js';
import { startTestApp } from '../helpers/app.js';
import { startRedis, type RedisServer } from '../helpers/redis.js';
import { builtin, createJsonSecret, rotate, SCOPE, stageJson, startRotorForRotators, waitForRuns } from './support.js';

let rs: RedisServer;
let t: TestApp;

beforeAll(async () => {
  rs = await startRedis();
  t = await startRotorForRotators();
}, 60_000);

afterAll(async () => {
  await t?.close();
  await rs?.stop();
});

let users = 0;
/** A fresh ACL user (by default allowed to change its own ACL entry), and its secret JSON. */
async function newUser(rules = ['~app:*', '+@read', '+acl|setuser', '+acl|getuser'], extra: Record<string, unknown> = {}) {
  const username = `app${++users}`;
  const password = `initial-${randomUUID()}`;
  await rs.command(['ACL', 'SETUSER', username, 'on', `>${password}`, ...rules]);
  return { username, password, rules, json: { engine: 'redis', host: rs.host, port: rs.port, username, password, ssl: false, ...extra } };
}

async function aclRules(username: string): Promise<{ commands: unknown; keys: unknown; passwords: number }> {
  const r = (await rs.command(['ACL', 'GETUSER', username])) as unknown[];
  const get = (k: string) => r[r.indexOf(k) + 1];
  return { commands: get('commands'), keys: get('keys'), passwords: (get('passwords') as unknown[]).length };
}

describe('redis-single-user', () => {
  it('rotates twice: the new AWSCURRENT password logs in, the previous one no longer does, the ACL rules are kept', async () => {
    const u = await newUser();
    const before = await aclRules(u.username);
    const arn = await createJsonSecret(t, u.json);
    let old = u.password;
    for (let n = 1; n <= 2; n++) {
      const run = await rotate(t, arn, 'redis-single-user', n);
      expect(run.status, run.error).toBe('succeeded');
      const cur = await stageJson(t, arn);
      expect(cur).toMatchObject({ engine: 'redis', username: u.username, host: rs.host, port: rs.port });
      expect(String(cur.password)).toHaveLength(32);
      expect(await rs.canLogin(u.username, String(cur.password))).toBe(true);
      expect(await rs.canLogin(u.username, old)).toBe(false);
      expect((await stageJson(t, arn, 'AWSPREVIOUS')).password).toBe(old);
      old = String(cur.password);
    }
    expect(await aclRules(u.username)).toEqual({ ...before, passwords: 1 });
  });

  it('with "masterarn", the master user changes a user that may not touch the ACL', async () => {
    const u = await newUser(['~app:*', '+@read']);
    const masterarn = await createJsonSecret(t, { username: rs.adminUser, password: rs.adminPassword });
    const arn = await createJsonSecret(t, { ...u.json, masterarn });
    const run = await rotate(t, arn, 'redis-single-user', 1);
    expect(run.status, run.error).toBe('succeeded');
    expect(await rs.canLogin(u.username, String((await stageJson(t, arn)).password))).toBe(true);
    expect(await rs.canLogin(u.username, u.password)).toBe(false);
  });

  it('wrong current password: authentication failed (WRONGPASS), AWSCURRENT unchanged, the real password still logs in', async () => {
    const u = await newUser();
    const arn = await createJsonSecret(t, { ...u.json, password: 'not-the-password' });
    const run = await rotate(t, arn, 'redis-single-user', 1);
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/setSecret: authentication failed for the current password \(AWSCURRENT\) of user "app\d+" on Redis at 127\.0\.0\.1:\d+: WRONGPASS/);
    expect(run.error).not.toContain('not-the-password');
    expect((await stageJson(t, arn)).password).toBe('not-the-password');
    expect(await rs.canLogin(u.username, u.password)).toBe(true);
  });

  it('a user without ACL rights and no master: permission denied for ACL SETUSER (NOPERM), nothing changed', async () => {
    const u = await newUser(['~app:*', '+@read']);
    const arn = await createJsonSecret(t, u.json);
    const run = await rotate(t, arn, 'redis-single-user', 1);
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/setSecret: permission denied for ACL SETUSER app\d+ as "app\d+" \(AWSCURRENT\) on Redis at .*NOPERM/);
    expect((await stageJson(t, arn)).password).toBe(u.password);
    expect(await rs.canLogin(u.username, u.password)).toBe(true);
  });

  it('server down: connection refused, AWSCURRENT unchanged; once it is back the re-driven rotation succeeds', async () => {
    const u = await newUser();
    const arn = await createJsonSecret(t, u.json);
    await rs.pause();
    let run;
    try {
      run = await rotate(t, arn, 'redis-single-user', 1);
    } finally {
      await rs.start();
    }
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/setSecret: could not log in to Redis at 127\.0\.0\.1:\d+ .*connection refused/);
    expect((await stageJson(t, arn)).password).toBe(u.password);
    // The test server keeps no data: put the user back as it was.
    await rs.command(['ACL', 'SETUSER', u.username, 'on', `>${u.password}`, ...u.rules]);
    await expect(
      t.client.send(new RotateSecretCommand({ SecretId: arn, RotationLambdaARN: builtin('redis-single-user'), ClientRequestToken: randomUUID() })),
    ).rejects.toThrow(/previous rotation isn't complete/);
    const again = await waitForRuns(t, arn, 2);
    expect(again.status, again.error).toBe('succeeded');
    expect(await rs.canLogin(u.username, String((await stageJson(t, arn)).password))).toBe(true);
    expect(await rs.canLogin(u.username, u.password)).toBe(false);
  });
});

describe('redis-single-user steps run by hand', () => {
  it('every step run twice is harmless; both passwords work until finishSecret; steps after it do nothing', async () => {
    const u = await newUser();
    const app = await startTestApp({
      rotation: { pollMs: 20, leaseMs: 5000, maxAttempts: 1, backoffBaseMs: 0, backoffMaxMs: 0 },
      invoker: {
        canSecretsManagerInvoke: async () => true,
        invoke: async () => ({ ok: false, payload: '', errorMessage: 'held by the test', logs: '', durationMs: 0 }),
      },
    });
    try {
      const secrets = app.app?.services.secrets;
      if (!secrets) throw new Error('in-process app needed');
      const arn = await createJsonSecret(app, u.json);
      const token = randomUUID();
      await app.client.send(new RotateSecretCommand({ SecretId: arn, RotationLambdaARN: builtin('redis-single-user'), ClientRequestToken: token }));
      await waitForRuns(app, arn, 1);
      const rotators = createBuiltinRotators({ secrets });
      const step = (s: StepName) => rotators.invoke(SCOPE, builtin('redis-single-user'), { Step: s, SecretId: arn, ClientRequestToken: token });
      const value = async (stage: string) => (await app.client.send(new GetSecretValueCommand({ SecretId: arn, VersionStage: stage }))).SecretString ?? '';
      for (let i = 0; i < 2; i++) expect((await step('createSecret')).ok).toBe(true);
      const pending1 = await value('AWSPENDING');
      const pending = JSON.parse(pending1) as { password: string };
      for (let i = 0; i < 2; i++) {
        const r = await step('setSecret');
        expect(r.ok, r.errorMessage).toBe(true);
      }
      expect(await rs.canLogin(u.username, pending.password)).toBe(true);
      expect(await rs.canLogin(u.username, u.password)).toBe(true);
      for (let i = 0; i < 2; i++) expect((await step('testSecret')).ok).toBe(true);
      for (let i = 0; i < 2; i++) {
        const r = await step('finishSecret');
        expect(r.ok, r.errorMessage).toBe(true);
      }
      expect(await value('AWSCURRENT')).toBe(pending1);
      expect(await rs.canLogin(u.username, u.password)).toBe(false);
      expect(await rs.canLogin(u.username, pending.password)).toBe(true);
      for (const s of ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const) {
        const r = await step(s);
        expect(r.ok).toBe(true);
        expect(r.logs).toMatch(/already AWSCURRENT/);
      }
    } finally {
      await app.close();
    }
  });
});
