/**
 * `random-value` through RotateSecret on the default app, and the built-ins as the Lambda API shows them
 * (ListFunctions, GetFunctionConfiguration, the reserved prefix).
 */
import { randomUUID } from 'node:crypto';
import { RotateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRequest } from '../../src/auth/sigv4.js';
import { TEST_KEY_ID, TEST_REGION, TEST_SECRET, type TestApp } from '../helpers/app.js';
import { builtin, createJsonSecret, rotate, stageJson, stageValue, startRotorForRotators } from './support.js';

let t: TestApp;
beforeAll(async () => {
  t = await startRotorForRotators();
});
afterAll(async () => {
  await t?.close();
});

describe('random-value', () => {
  it('regenerates "password" of a JSON secret and keeps the other keys', async () => {
    const arn = await createJsonSecret(t, { username: 'svc', password: 'old', note: 1 });
    const run = await rotate(t, arn, 'random-value', 1);
    expect(run.status, run.error).toBe('succeeded');
    const cur = await stageJson(t, arn);
    expect(cur).toMatchObject({ username: 'svc', note: 1 });
    expect(String(cur.password)).toHaveLength(32);
    expect(String(cur.password)).not.toMatch(/[/@"'\\]/);
    expect((await stageJson(t, arn, 'AWSPREVIOUS')).password).toBe('old');
    expect(run.steps.map((s) => s.step)).toEqual(['createSecret', 'setSecret', 'testSecret', 'finishSecret']);
  });

  it('takes the field from "rotor:field" and GetRandomPassword options from "rotor:passwordOptions"', async () => {
    const opts = { PasswordLength: 12, ExcludePunctuation: true, ExcludeUppercase: true };
    const arn = await createJsonSecret(t, { 'rotor:field': 'apiKey', 'rotor:passwordOptions': opts, apiKey: 'k', password: 'untouched' });
    for (let n = 1; n <= 2; n++) {
      const run = await rotate(t, arn, 'random-value', n);
      expect(run.status, run.error).toBe('succeeded');
    }
    const cur = await stageJson(t, arn);
    expect(cur.password).toBe('untouched');
    expect(cur['rotor:passwordOptions']).toEqual(opts);
    expect(String(cur.apiKey)).toMatch(/^[a-z0-9]{12}$/);
    expect(cur.apiKey).not.toBe((await stageJson(t, arn, 'AWSPREVIOUS')).apiKey);
  });

  it('regenerates the whole SecretString when it is not a JSON object', async () => {
    const arn = await createJsonSecret(t, 'plain-token');
    const run = await rotate(t, arn, 'random-value', 1);
    expect(run.status, run.error).toBe('succeeded');
    const v = await stageValue(t, arn);
    expect(v).toHaveLength(32);
    expect(v).not.toBe('plain-token');
  });

  it('unusable options fail at createSecret with the reason, and AWSCURRENT is unchanged', async () => {
    const arn = await createJsonSecret(t, { password: 'p', 'rotor:passwordOptions': { PasswordLenght: 10 } });
    const run = await rotate(t, arn, 'random-value', 1);
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/createSecret.*unknown member "PasswordLenght"/);
    expect((await stageJson(t, arn)).password).toBe('p');
  });

  it('an unknown rotor-builtin- name cannot be set as the rotation function', async () => {
    const arn = await createJsonSecret(t, { password: 'p' });
    await expect(
      t.client.send(new RotateSecretCommand({ SecretId: arn, RotationLambdaARN: builtin('nope'), ClientRequestToken: randomUUID() })),
    ).rejects.toThrow(/cannot invoke/);
  });
});

async function lambda(method: string, path: string, body = ''): Promise<{ status: number; json: Record<string, unknown> }> {
  const url = new URL(t.endpoint);
  const headers = signRequest({
    method,
    host: url.host,
    path,
    headers: body !== '' ? { 'content-type': 'application/json' } : {},
    body,
    accessKeyId: TEST_KEY_ID,
    secretAccessKey: TEST_SECRET,
    region: TEST_REGION,
    service: 'lambda',
  });
  const res = await fetch(`${t.endpoint}${path}`, { method, headers, ...(body !== '' ? { body } : {}) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe('built-ins in the Lambda API', () => {
  it('ListFunctions lists them with Runtime rotor.builtin, pages included', async () => {
    const r = await lambda('GET', '/2015-03-31/functions');
    expect(r.status).toBe(200);
    const fns = r.json.Functions as { FunctionName: string; FunctionArn: string; Runtime: string }[];
    expect(fns.map((f) => f.FunctionName)).toEqual([
      'rotor-builtin-mysql-alternating-users',
      'rotor-builtin-mysql-single-user',
      'rotor-builtin-postgresql-alternating-users',
      'rotor-builtin-postgresql-single-user',
      'rotor-builtin-random-value',
      'rotor-builtin-redis-single-user',
    ]);
    expect(fns.every((f) => f.Runtime === 'rotor.builtin')).toBe(true);
    expect(fns[fns.length - 1]?.FunctionArn).toBe(builtin('redis-single-user'));
    const pageSize = fns.length - 1;
    const p1 = await lambda('GET', `/2015-03-31/functions?MaxItems=${pageSize}`);
    expect((p1.json.Functions as unknown[]).length).toBe(pageSize);
    const p2 = await lambda('GET', `/2015-03-31/functions?MaxItems=${pageSize}&Marker=${String(p1.json.NextMarker)}`);
    expect((p2.json.Functions as { FunctionName: string }[]).map((f) => f.FunctionName)).toEqual(['rotor-builtin-redis-single-user']);
    expect(p2.json.NextMarker).toBeUndefined();
  });

  it('GetFunctionConfiguration describes one; CreateFunction refuses the reserved prefix', async () => {
    const c = await lambda('GET', '/2015-03-31/functions/rotor-builtin-random-value/configuration');
    expect(c.status).toBe(200);
    expect(c.json.FunctionArn).toBe(builtin('random-value'));
    const created = await lambda('POST', '/2015-03-31/functions', JSON.stringify({ FunctionName: 'rotor-builtin-mine', Runtime: 'nodejs20.x', Role: 'r', Handler: 'h', Code: {} }));
    expect(created.status).toBe(400);
    expect(String(created.json.message)).toMatch(/reserved/);
    const missing = await lambda('GET', '/2015-03-31/functions/rotor-builtin-nope');
    expect(missing.status).toBe(404);
  });
});
