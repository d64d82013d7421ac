/** Accounts and Regions served by one Rotor are isolated from each other (spec §2.1, §3.1, §3.3, C9). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BatchGetSecretValueCommand,
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  PutSecretValueCommand,
  TagResourceCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { startTestApp, TEST_ACCOUNT, TEST_REGION, type TestApp } from '../helpers/app.js';
import { NOT_FOUND_MESSAGE } from '../helpers/api.js';

const OTHER_ACCOUNT = '444455556666';
const OTHER_KEY_ID = 'AKIATESTROTOR0000002';
const OTHER_SECRET = 'testsecretkey0000000000000000000000000002';
const OTHER_REGION = 'eu-central-1';
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

let t: TestApp;
/** Account A (the test account) in the two Regions, and account B in the first Region. */
let aHome: SecretsManagerClient;
let aAway: SecretsManagerClient;
let bHome: SecretsManagerClient;
let seq = 0;
const shared = () => `shared/name_${++seq}_${Date.now().toString(36)}`;

beforeAll(async () => {
  t = await startTestApp();
  if (!t.app) throw new Error('isolation tests register a second account in-process');
  await t.app.services.credentials.put({ accessKeyId: OTHER_KEY_ID, secretAccessKey: OTHER_SECRET, accountId: OTHER_ACCOUNT });
  aHome = t.client;
  aAway = t.clientFor(OTHER_REGION);
  bHome = t.clientFor(TEST_REGION, OTHER_KEY_ID, OTHER_SECRET);
});
afterAll(async () => {
  aAway.destroy();
  bHome.destroy();
  await t.close();
});

async function createEverywhere(n: string): Promise<{ aHome: string; aAway: string; bHome: string }> {
  const x = await aHome.send(new CreateSecretCommand({ Name: n, SecretString: 'a-home' }));
  const y = await aAway.send(new CreateSecretCommand({ Name: n, SecretString: 'a-away' }));
  const z = await bHome.send(new CreateSecretCommand({ Name: n, SecretString: 'b-home' }));
  return { aHome: x.ARN ?? '', aAway: y.ARN ?? '', bHome: z.ARN ?? '' };
}

describe('validation', () => {
  it('another account cannot reach a secret by its full ARN: AccessDeniedException, not the value (C9)', async () => {
    const n = shared();
    const arn = (await aHome.send(new CreateSecretCommand({ Name: n, SecretString: 'private' }))).ARN ?? '';
    for (const call of [
      () => bHome.send(new GetSecretValueCommand({ SecretId: arn })),
      () => bHome.send(new DescribeSecretCommand({ SecretId: arn })),
      () => bHome.send(new PutSecretValueCommand({ SecretId: arn, SecretString: 'overwrite' })),
      () => bHome.send(new TagResourceCommand({ SecretId: arn, Tags: [{ Key: 'x', Value: 'y' }] })),
      () => bHome.send(new DeleteSecretCommand({ SecretId: arn, ForceDeleteWithoutRecovery: true })),
    ]) {
      await expect(call()).rejects.toMatchObject({ name: 'AccessDeniedException' });
    }
    // Untouched.
    const g = await aHome.send(new GetSecretValueCommand({ SecretId: n }));
    expect(g.SecretString).toBe('private');
    expect((await aHome.send(new DescribeSecretCommand({ SecretId: n }))).Tags).toBeUndefined();
  });

  it('the answer to another account does not reveal whether the secret exists', async () => {
    const n = shared();
    const arn = (await aHome.send(new CreateSecretCommand({ Name: n, SecretString: 'x' }))).ARN ?? '';
    const missing = arn.replace(/-[A-Za-z0-9]{6}$/, '-QQQQQQ');
    const e1: unknown = await bHome.send(new DescribeSecretCommand({ SecretId: arn })).catch((e: unknown) => e);
    const e2: unknown = await bHome.send(new DescribeSecretCommand({ SecretId: missing })).catch((e: unknown) => e);
    expect((e1 as Error).name).toBe('AccessDeniedException');
    expect((e2 as Error).name).toBe('AccessDeniedException');
  });

  it('a name or partial ARN never leaves the caller\'s own account', async () => {
    const n = shared();
    const arn = (await aHome.send(new CreateSecretCommand({ Name: n, SecretString: 'x' }))).ARN ?? '';
    await expect(bHome.send(new GetSecretValueCommand({ SecretId: n }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: NOT_FOUND_MESSAGE,
    });
    await expect(bHome.send(new GetSecretValueCommand({ SecretId: arn.slice(0, -7) }))).rejects.toMatchObject({
      name: 'AccessDeniedException',
    });
  });

  it('another Region cannot reach a secret by name or ARN', async () => {
    const n = shared();
    const arn = (await aHome.send(new CreateSecretCommand({ Name: n, SecretString: 'x' }))).ARN ?? '';
    for (const id of [n, arn, arn.slice(0, -7)]) {
      await expect(aAway.send(new GetSecretValueCommand({ SecretId: id }))).rejects.toMatchObject({
        name: 'ResourceNotFoundException',
        message: NOT_FOUND_MESSAGE,
      });
    }
  });

  it('BatchGetSecretValue reports foreign ids as per-item errors', async () => {
    const n = shared();
    const arns = await createEverywhere(n);
    const r = await bHome.send(new BatchGetSecretValueCommand({ SecretIdList: [n, arns.aHome] }));
    expect(r.SecretValues?.map((v) => [v.ARN, v.SecretString])).toEqual([[arns.bHome, 'b-home']]);
    expect(r.Errors?.map((e) => [e.SecretId, e.ErrorCode])).toEqual([[arns.aHome, 'AccessDeniedException']]);
  });
});

describe('serialization', () => {
  it('ARNs carry the caller\'s Region and account', async () => {
    const n = shared();
    const arns = await createEverywhere(n);
    expect(arns.aHome).toMatch(new RegExp(`^arn:aws:secretsmanager:${TEST_REGION}:${TEST_ACCOUNT}:secret:${escapeRe(n)}-[A-Za-z0-9]{6}$`));
    expect(arns.aAway).toMatch(new RegExp(`^arn:aws:secretsmanager:${OTHER_REGION}:${TEST_ACCOUNT}:secret:${escapeRe(n)}-[A-Za-z0-9]{6}$`));
    expect(arns.bHome).toMatch(new RegExp(`^arn:aws:secretsmanager:${TEST_REGION}:${OTHER_ACCOUNT}:secret:${escapeRe(n)}-[A-Za-z0-9]{6}$`));
  });

  it('uses the partition of the Region', async () => {
    const cn = t.clientFor('cn-north-1');
    try {
      const r = await cn.send(new CreateSecretCommand({ Name: shared(), SecretString: 'x' }));
      expect(r.ARN).toMatch(/^arn:aws-cn:secretsmanager:cn-north-1:111122223333:secret:/);
      expect((await cn.send(new GetSecretValueCommand({ SecretId: r.ARN }))).SecretString).toBe('x');
    } finally {
      cn.destroy();
    }
  });
});

describe('behaviour', () => {
  it('the same name coexists in two accounts and two Regions, each with its own value', async () => {
    const n = shared();
    const arns = await createEverywhere(n);
    expect(new Set(Object.values(arns)).size).toBe(3);
    expect((await aHome.send(new GetSecretValueCommand({ SecretId: n }))).SecretString).toBe('a-home');
    expect((await aAway.send(new GetSecretValueCommand({ SecretId: n }))).SecretString).toBe('a-away');
    expect((await bHome.send(new GetSecretValueCommand({ SecretId: n }))).SecretString).toBe('b-home');
    // Each caller resolves its own ARN.
    expect((await aAway.send(new DescribeSecretCommand({ SecretId: arns.aAway }))).ARN).toBe(arns.aAway);
    expect((await bHome.send(new DescribeSecretCommand({ SecretId: arns.bHome }))).ARN).toBe(arns.bHome);
  });

  it('ListSecrets shows only the caller\'s own secrets in its Region', async () => {
    const n = shared();
    const arns = await createEverywhere(n);
    const f = [{ Key: 'name' as const, Values: [n] }];
    expect((await aHome.send(new ListSecretsCommand({ Filters: f }))).SecretList?.map((s) => s.ARN)).toEqual([arns.aHome]);
    expect((await aAway.send(new ListSecretsCommand({ Filters: f }))).SecretList?.map((s) => s.ARN)).toEqual([arns.aAway]);
    expect((await bHome.send(new ListSecretsCommand({ Filters: f }))).SecretList?.map((s) => s.ARN)).toEqual([arns.bHome]);
  });

  it('changes in one scope do not affect the others', async () => {
    const n = shared();
    await createEverywhere(n);
    await aHome.send(new PutSecretValueCommand({ SecretId: n, SecretString: 'a-home-2' }));
    await bHome.send(new DeleteSecretCommand({ SecretId: n, ForceDeleteWithoutRecovery: true }));
    expect((await aHome.send(new GetSecretValueCommand({ SecretId: n }))).SecretString).toBe('a-home-2');
    expect((await aAway.send(new GetSecretValueCommand({ SecretId: n }))).SecretString).toBe('a-away');
    await expect(bHome.send(new DescribeSecretCommand({ SecretId: n }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    // B can reuse the name at once; A's secrets are untouched.
    await bHome.send(new CreateSecretCommand({ Name: n, SecretString: 'b-again' }));
    expect((await bHome.send(new GetSecretValueCommand({ SecretId: n }))).SecretString).toBe('b-again');
  });

  it('a name scheduled for deletion in one account is free in another', async () => {
    const n = shared();
    await aHome.send(new CreateSecretCommand({ Name: n, SecretString: 'x' }));
    await aHome.send(new DeleteSecretCommand({ SecretId: n }));
    const r = await bHome.send(new CreateSecretCommand({ Name: n, SecretString: 'y' }));
    expect(r.ARN).toContain(`:${OTHER_ACCOUNT}:`);
    const r2 = await aAway.send(new CreateSecretCommand({ Name: n, SecretString: 'z' }));
    expect(r2.ARN).toContain(`:${OTHER_REGION}:`);
  });
});
