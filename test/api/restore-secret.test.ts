import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetResourcePolicyCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  PutResourcePolicyCommand,
  PutSecretValueCommand,
  RestoreSecretCommand,
} from '@aws-sdk/client-secrets-manager';
import { startTestApp, TEST_ACCOUNT, type TestApp } from '../helpers/app.js';
import { DAY_MS, INVALID_NAME_MESSAGE, keysOf, NOT_FOUND_MESSAGE, token, uniqueName } from '../helpers/api.js';

let t: TestApp;
let offset = 0;
const name = () => uniqueName('restore');
const POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${TEST_ACCOUNT}:root` }, Action: 'secretsmanager:*', Resource: '*' }],
});

beforeAll(async () => {
  t = await startTestApp({ clock: () => Date.now() + offset });
});
afterAll(async () => {
  await t.close();
});

async function create(n: string): Promise<{ arn: string; v1: string }> {
  const v1 = token();
  const r = await t.client.send(
    new CreateSecretCommand({ Name: n, SecretString: 'one', ClientRequestToken: v1, Description: 'd', Tags: [{ Key: 'k', Value: 'v' }] }),
  );
  return { arn: r.ARN ?? '', v1 };
}

describe('validation', () => {
  it('rejects an invalid name', async () => {
    await expect(t.client.send(new RestoreSecretCommand({ SecretId: 'a b' }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: INVALID_NAME_MESSAGE,
    });
  });

  it('answers not found for an unknown secret', async () => {
    await expect(t.client.send(new RestoreSecretCommand({ SecretId: name() }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: NOT_FOUND_MESSAGE,
    });
  });

  it('rejects a missing SecretId', async () => {
    const r = await t.raw('RestoreSecret', {});
    expect(r.body).toEqual({
      __type: 'ValidationException',
      Message: "1 validation error detected: Value null at 'secretId' failed to satisfy constraint: Member must not be null",
    });
  });
});

describe('serialization', () => {
  it('returns exactly ARN and Name', async () => {
    const n = name();
    const { arn } = await create(n);
    await t.client.send(new DeleteSecretCommand({ SecretId: n }));
    const r = await t.raw('RestoreSecret', { SecretId: n });
    expect(r.status).toBe(200);
    expect(keysOf(r.body)).toEqual(['ARN', 'Name']);
    expect(r.body).toEqual({ ARN: arn, Name: n });
  });
});

describe('behaviour', () => {
  it('clears DeletedDate and keeps versions, labels, tags, description and policy', async () => {
    const n = name();
    const { v1 } = await create(n);
    const v2 = token();
    await t.client.send(new PutSecretValueCommand({ SecretId: n, SecretString: 'two', ClientRequestToken: v2 }));
    await t.client.send(new PutResourcePolicyCommand({ SecretId: n, ResourcePolicy: POLICY }));
    await t.client.send(new DeleteSecretCommand({ SecretId: n, RecoveryWindowInDays: 7 }));
    await t.client.send(new RestoreSecretCommand({ SecretId: n }));
    const d = await t.raw('DescribeSecret', { SecretId: n });
    expect('DeletedDate' in d.body).toBe(false);
    expect(d.body).toMatchObject({ Description: 'd', Tags: [{ Key: 'k', Value: 'v' }], VersionIdsToStages: { [v1]: ['AWSPREVIOUS'], [v2]: ['AWSCURRENT'] } });
    expect((await t.client.send(new GetSecretValueCommand({ SecretId: n }))).SecretString).toBe('two');
    expect((await t.client.send(new GetResourcePolicyCommand({ SecretId: n }))).ResourcePolicy).toBe(POLICY);
    // Usable again: writes work.
    await t.client.send(new PutSecretValueCommand({ SecretId: n, SecretString: 'three' }));
    expect((await t.client.send(new GetSecretValueCommand({ SecretId: n }))).SecretString).toBe('three');
  });

  it('makes the secret visible in ListSecrets again', async () => {
    const n = name();
    await create(n);
    await t.client.send(new DeleteSecretCommand({ SecretId: n }));
    const f = [{ Key: 'name' as const, Values: [n] }];
    expect((await t.client.send(new ListSecretsCommand({ Filters: f }))).SecretList).toEqual([]);
    await t.client.send(new RestoreSecretCommand({ SecretId: n }));
    expect((await t.client.send(new ListSecretsCommand({ Filters: f }))).SecretList?.map((s) => s.Name)).toEqual([n]);
  });

  it('restores by full ARN and by partial ARN', async () => {
    for (const partial of [false, true]) {
      const n = name();
      const { arn } = await create(n);
      await t.client.send(new DeleteSecretCommand({ SecretId: n }));
      const r = await t.client.send(new RestoreSecretCommand({ SecretId: partial ? arn.slice(0, -7) : arn }));
      expect(r.ARN).toBe(arn);
      expect((await t.client.send(new DescribeSecretCommand({ SecretId: n }))).DeletedDate).toBeUndefined();
    }
  });

  it('is a successful no-op on a secret that is not scheduled for deletion', async () => {
    const n = name();
    const { arn } = await create(n);
    const before = await t.raw('DescribeSecret', { SecretId: n });
    const r = await t.client.send(new RestoreSecretCommand({ SecretId: n }));
    expect([r.ARN, r.Name]).toEqual([arn, n]);
    expect((await t.raw('DescribeSecret', { SecretId: n })).body).toEqual(before.body);
  });

  it('answers not found once the secret was purged', async () => {
    const n = name();
    await create(n);
    await t.client.send(new DeleteSecretCommand({ SecretId: n, ForceDeleteWithoutRecovery: true }));
    await expect(t.client.send(new RestoreSecretCommand({ SecretId: n }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: NOT_FOUND_MESSAGE,
    });
    const m = name();
    await create(m);
    await t.client.send(new DeleteSecretCommand({ SecretId: m, RecoveryWindowInDays: 7 }));
    const app = t.app;
    if (!app) return;
    offset = 8 * DAY_MS;
    try {
      await app.services.secrets.purgeDue();
    } finally {
      offset = 0;
    }
    await expect(t.client.send(new RestoreSecretCommand({ SecretId: m }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('updates LastChangedDate', async () => {
    const n = name();
    await create(n);
    await t.client.send(new DeleteSecretCommand({ SecretId: n }));
    const a = (await t.client.send(new DescribeSecretCommand({ SecretId: n }))).LastChangedDate?.getTime() ?? 0;
    await new Promise((r) => setTimeout(r, 5));
    await t.client.send(new RestoreSecretCommand({ SecretId: n }));
    expect((await t.client.send(new DescribeSecretCommand({ SecretId: n }))).LastChangedDate?.getTime()).toBeGreaterThan(a);
  });
});
