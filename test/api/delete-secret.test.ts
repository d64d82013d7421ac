import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BatchGetSecretValueCommand,
  CancelRotateSecretCommand,
  CreateSecretCommand,
  DeleteResourcePolicyCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetResourcePolicyCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  ListSecretVersionIdsCommand,
  PutResourcePolicyCommand,
  PutSecretValueCommand,
  RestoreSecretCommand,
  RotateSecretCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateSecretCommand,
  UpdateSecretVersionStageCommand,
  ValidateResourcePolicyCommand,
} from '@aws-sdk/client-secrets-manager';
import { startTestApp, TEST_ACCOUNT, TEST_REGION, type TestApp } from '../helpers/app.js';
import {
  DAY_MS,
  INVALID_NAME_MESSAGE,
  keysOf,
  MARKED_FOR_DELETION_MESSAGE,
  NOT_FOUND_MESSAGE,
  num,
  str,
  token,
  uniqueName,
} from '../helpers/api.js';

let t: TestApp;
let offset = 0;
const name = () => uniqueName('delete');
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${TEST_ACCOUNT}:root` }, Action: 'secretsmanager:GetSecretValue', Resource: '*' }],
});

beforeAll(async () => {
  t = await startTestApp({ clock: () => Date.now() + offset });
});
afterAll(async () => {
  await t.close();
});

async function create(n: string, value = 'v'): Promise<{ arn: string; versionId: string }> {
  const tok = token();
  const r = await t.client.send(new CreateSecretCommand({ Name: n, SecretString: value, ClientRequestToken: tok }));
  return { arn: r.ARN ?? '', versionId: tok };
}

describe('validation', () => {
  it('rejects an invalid name, also with ForceDeleteWithoutRecovery (C2)', async () => {
    for (const input of [{ SecretId: 'bad name' }, { SecretId: 'bad name', ForceDeleteWithoutRecovery: true }]) {
      await expect(t.client.send(new DeleteSecretCommand(input))).rejects.toMatchObject({
        name: 'ValidationException',
        message: INVALID_NAME_MESSAGE,
      });
    }
  });

  it('checks the name before the other parameters', async () => {
    for (const input of [
      { SecretId: 'bad name', RecoveryWindowInDays: 3 },
      { SecretId: 'bad name', ForceDeleteWithoutRecovery: true, RecoveryWindowInDays: 7 },
    ]) {
      await expect(t.client.send(new DeleteSecretCommand(input))).rejects.toMatchObject({
        name: 'ValidationException',
        message: INVALID_NAME_MESSAGE,
      });
    }
  });

  it.each([0, 6, 31, 365])('rejects RecoveryWindowInDays %i', async (days) => {
    const n = name();
    await create(n);
    await expect(t.client.send(new DeleteSecretCommand({ SecretId: n, RecoveryWindowInDays: days }))).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: 'The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).',
    });
    expect((await t.client.send(new DescribeSecretCommand({ SecretId: n }))).DeletedDate).toBeUndefined();
  });

  it('rejects ForceDeleteWithoutRecovery together with RecoveryWindowInDays', async () => {
    const n = name();
    await create(n);
    await expect(
      t.client.send(new DeleteSecretCommand({ SecretId: n, ForceDeleteWithoutRecovery: true, RecoveryWindowInDays: 7 })),
    ).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.",
    });
    expect((await t.client.send(new DescribeSecretCommand({ SecretId: n }))).Name).toBe(n);
  });

  it('accepts ForceDeleteWithoutRecovery=false with a window (a normal soft delete, C2)', async () => {
    const n = name();
    await create(n);
    const r = await t.client.send(new DeleteSecretCommand({ SecretId: n, ForceDeleteWithoutRecovery: false, RecoveryWindowInDays: 7 }));
    expect((r.DeletionDate?.getTime() ?? 0) - Date.now()).toBeGreaterThan(7 * DAY_MS - 60_000);
    expect((await t.client.send(new DescribeSecretCommand({ SecretId: n }))).DeletedDate).toEqual(r.DeletionDate);
  });

  it('answers not found for an unknown secret without force', async () => {
    await expect(t.client.send(new DeleteSecretCommand({ SecretId: name() }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: NOT_FOUND_MESSAGE,
    });
  });

  it('answers 200 for a forced delete of an unknown (valid) name', async () => {
    const n = name();
    const before = Date.now();
    const r = await t.raw('DeleteSecret', { SecretId: n, ForceDeleteWithoutRecovery: true });
    expect(r.status).toBe(200);
    expect(keysOf(r.body)).toEqual(['ARN', 'DeletionDate', 'Name']);
    expect(r.body.Name).toBe(n);
    expect(str(r.body, 'ARN')).toMatch(new RegExp(`^arn:aws:secretsmanager:${TEST_REGION}:${TEST_ACCOUNT}:secret:${escapeRe(n)}-[A-Za-z0-9]{6}$`));
    expect(num(r.body, 'DeletionDate') * 1000).toBeGreaterThanOrEqual(before - 5);
    expect(num(r.body, 'DeletionDate') * 1000).toBeLessThanOrEqual(Date.now() + 5);
  });
});

describe('serialization', () => {
  it('returns exactly ARN, Name and DeletionDate = now + 30 days by default, as epoch seconds', async () => {
    const n = name();
    const { arn } = await create(n);
    const before = Date.now();
    const r = await t.raw('DeleteSecret', { SecretId: n });
    expect(r.status).toBe(200);
    expect(keysOf(r.body)).toEqual(['ARN', 'DeletionDate', 'Name']);
    expect(r.body.ARN).toBe(arn);
    const at = num(r.body, 'DeletionDate') * 1000;
    expect(at).toBeGreaterThanOrEqual(before + 30 * DAY_MS - 5);
    expect(at).toBeLessThanOrEqual(Date.now() + 30 * DAY_MS + 5);
    const d = await t.raw('DescribeSecret', { SecretId: n });
    expect(d.body.DeletedDate).toBe(r.body.DeletionDate);
  });

  it('uses the given recovery window', async () => {
    const n = name();
    await create(n);
    const before = Date.now();
    const r = await t.raw('DeleteSecret', { SecretId: n, RecoveryWindowInDays: 7 });
    const at = num(r.body, 'DeletionDate') * 1000;
    expect(at).toBeGreaterThanOrEqual(before + 7 * DAY_MS - 5);
    expect(at).toBeLessThanOrEqual(Date.now() + 7 * DAY_MS + 5);
  });

  it('a forced delete returns DeletionDate = now', async () => {
    const n = name();
    await create(n);
    const before = Date.now();
    const r = await t.raw('DeleteSecret', { SecretId: n, ForceDeleteWithoutRecovery: true });
    expect(r.body.Name).toBe(n);
    expect(num(r.body, 'DeletionDate') * 1000).toBeGreaterThanOrEqual(before - 5);
    expect(num(r.body, 'DeletionDate') * 1000).toBeLessThanOrEqual(Date.now() + 5);
  });
});

describe('behaviour: operations on a secret scheduled for deletion (§4)', () => {
  let n: string;
  let arn: string;
  let v1: string;

  beforeAll(async () => {
    n = name();
    ({ arn, versionId: v1 } = await create(n, 'value'));
    await t.client.send(new TagResourceCommand({ SecretId: n, Tags: [{ Key: 'k', Value: 'v' }] }));
    await t.client.send(new PutResourcePolicyCommand({ SecretId: n, ResourcePolicy: POLICY }));
    await t.client.send(new DeleteSecretCommand({ SecretId: n, RecoveryWindowInDays: 7 }));
  });

  it('DescribeSecret works and shows DeletedDate', async () => {
    const d = await t.client.send(new DescribeSecretCommand({ SecretId: n }));
    expect(d.ARN).toBe(arn);
    expect(d.DeletedDate).toBeInstanceOf(Date);
    expect(d.VersionIdsToStages).toEqual({ [v1]: ['AWSCURRENT'] });
  });

  it('ListSecretVersionIds works', async () => {
    const r = await t.client.send(new ListSecretVersionIdsCommand({ SecretId: arn }));
    expect(r.Versions?.map((v) => v.VersionId)).toEqual([v1]);
  });

  it('ListSecrets hides it unless IncludePlannedDeletion', async () => {
    const f = [{ Key: 'name' as const, Values: [n] }];
    expect((await t.client.send(new ListSecretsCommand({ Filters: f }))).SecretList).toEqual([]);
    const r = await t.client.send(new ListSecretsCommand({ Filters: f, IncludePlannedDeletion: true }));
    expect(r.SecretList?.map((s) => s.ARN)).toEqual([arn]);
  });

  it('value, mutation and policy operations answer InvalidRequestException "marked for deletion"', async () => {
    const calls: [string, () => Promise<unknown>][] = [
      ['GetSecretValue', () => t.client.send(new GetSecretValueCommand({ SecretId: n }))],
      ['PutSecretValue', () => t.client.send(new PutSecretValueCommand({ SecretId: n, SecretString: 'x' }))],
      ['UpdateSecret(value)', () => t.client.send(new UpdateSecretCommand({ SecretId: n, SecretString: 'x' }))],
      ['UpdateSecret(metadata)', () => t.client.send(new UpdateSecretCommand({ SecretId: n, Description: 'x' }))],
      ['UpdateSecretVersionStage', () => t.client.send(new UpdateSecretVersionStageCommand({ SecretId: n, VersionStage: 'L', MoveToVersionId: v1 }))],
      ['TagResource', () => t.client.send(new TagResourceCommand({ SecretId: n, Tags: [{ Key: 'a', Value: 'b' }] }))],
      ['UntagResource', () => t.client.send(new UntagResourceCommand({ SecretId: n, TagKeys: ['k'] }))],
      ['PutResourcePolicy', () => t.client.send(new PutResourcePolicyCommand({ SecretId: n, ResourcePolicy: POLICY }))],
      ['GetResourcePolicy', () => t.client.send(new GetResourcePolicyCommand({ SecretId: n }))],
      ['DeleteResourcePolicy', () => t.client.send(new DeleteResourcePolicyCommand({ SecretId: n }))],
      ['ValidateResourcePolicy', () => t.client.send(new ValidateResourcePolicyCommand({ SecretId: n, ResourcePolicy: POLICY }))],
      ['RotateSecret', () => t.client.send(new RotateSecretCommand({ SecretId: n, RotationLambdaARN: `arn:aws:lambda:${TEST_REGION}:${TEST_ACCOUNT}:function:f` }))],
      ['CancelRotateSecret', () => t.client.send(new CancelRotateSecretCommand({ SecretId: n }))],
      ['DeleteSecret(again)', () => t.client.send(new DeleteSecretCommand({ SecretId: n }))],
    ];
    for (const [op, call] of calls) {
      const e: unknown = await call().then(
        () => undefined,
        (x: unknown) => x,
      );
      expect(e, op).toBeInstanceOf(Error);
      expect((e as Error).name, op).toBe('InvalidRequestException');
      if (op !== 'DeleteSecret(again)') expect((e as Error).message, op).toBe(MARKED_FOR_DELETION_MESSAGE);
    }
    // Nothing changed.
    const d = await t.client.send(new DescribeSecretCommand({ SecretId: n }));
    expect(d.Tags).toEqual([{ Key: 'k', Value: 'v' }]);
    expect(d.VersionIdsToStages).toEqual({ [v1]: ['AWSCURRENT'] });
  });

  it('BatchGetSecretValue reports it as a per-item error', async () => {
    const r = await t.client.send(new BatchGetSecretValueCommand({ SecretIdList: [n] }));
    expect(r.SecretValues).toEqual([]);
    expect(r.Errors).toEqual([{ SecretId: n, ErrorCode: 'InvalidRequestException', Message: MARKED_FOR_DELETION_MESSAGE }]);
  });

  it('CreateSecret with its name answers "already scheduled for deletion"', async () => {
    await expect(t.client.send(new CreateSecretCommand({ Name: n, SecretString: 'x' }))).rejects.toMatchObject({
      name: 'InvalidRequestException',
      message: "You can't create this secret because a secret with this name is already scheduled for deletion.",
    });
  });
});

describe('behaviour', () => {
  it('soft-deletes by full ARN and by partial ARN', async () => {
    const a = name();
    const ca = await create(a);
    await t.client.send(new DeleteSecretCommand({ SecretId: ca.arn }));
    expect((await t.client.send(new DescribeSecretCommand({ SecretId: a }))).DeletedDate).toBeInstanceOf(Date);
    const b = name();
    const cb = await create(b);
    await t.client.send(new DeleteSecretCommand({ SecretId: cb.arn.slice(0, -7) }));
    expect((await t.client.send(new DescribeSecretCommand({ SecretId: b }))).DeletedDate).toBeInstanceOf(Date);
  });

  it('restores a secret with everything intact', async () => {
    const n = name();
    const { versionId } = await create(n, 'keep me');
    await t.client.send(new TagResourceCommand({ SecretId: n, Tags: [{ Key: 't', Value: '1' }] }));
    await t.client.send(new DeleteSecretCommand({ SecretId: n }));
    await t.client.send(new RestoreSecretCommand({ SecretId: n }));
    const d = await t.raw('DescribeSecret', { SecretId: n });
    expect('DeletedDate' in d.body).toBe(false);
    expect(d.body.Tags).toEqual([{ Key: 't', Value: '1' }]);
    const g = await t.client.send(new GetSecretValueCommand({ SecretId: n }));
    expect([g.SecretString, g.VersionId]).toEqual(['keep me', versionId]);
  });

  it('force-deletes at once: the name is reusable and gets a new ARN suffix; the old ARN is gone', async () => {
    const n = name();
    const { arn } = await create(n, 'old');
    const r = await t.client.send(new DeleteSecretCommand({ SecretId: n, ForceDeleteWithoutRecovery: true }));
    expect(r.ARN).toBe(arn);
    await expect(t.client.send(new DescribeSecretCommand({ SecretId: n }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: NOT_FOUND_MESSAGE,
    });
    const again = await create(n, 'new');
    expect(again.arn).not.toBe(arn);
    expect(again.arn.slice(0, -6)).toBe(arn.slice(0, -6));
    await expect(t.client.send(new DescribeSecretCommand({ SecretId: arn }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    expect((await t.client.send(new GetSecretValueCommand({ SecretId: n }))).SecretString).toBe('new');
  });

  it('force-deletes by full ARN', async () => {
    const n = name();
    const { arn } = await create(n);
    await t.client.send(new DeleteSecretCommand({ SecretId: arn, ForceDeleteWithoutRecovery: true }));
    await expect(t.client.send(new DescribeSecretCommand({ SecretId: n }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('force-deletes a secret already scheduled for deletion', async () => {
    const n = name();
    await create(n);
    await t.client.send(new DeleteSecretCommand({ SecretId: n, RecoveryWindowInDays: 30 }));
    const r = await t.client.send(new DeleteSecretCommand({ SecretId: n, ForceDeleteWithoutRecovery: true }));
    expect(r.Name).toBe(n);
    await expect(t.client.send(new DescribeSecretCommand({ SecretId: n }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await create(n);
  });

  it('rejects a second soft delete of a scheduled secret', async () => {
    const n = name();
    await create(n);
    const first = await t.client.send(new DeleteSecretCommand({ SecretId: n, RecoveryWindowInDays: 7 }));
    await expect(t.client.send(new DeleteSecretCommand({ SecretId: n, RecoveryWindowInDays: 30 }))).rejects.toMatchObject({
      name: 'InvalidRequestException',
    });
    expect((await t.client.send(new DescribeSecretCommand({ SecretId: n }))).DeletedDate).toEqual(first.DeletionDate);
  });

  it('purges the secret after the recovery window; the name is reusable with a new ARN', async () => {
    const n = name();
    const { arn } = await create(n);
    await t.client.send(new DeleteSecretCommand({ SecretId: n, RecoveryWindowInDays: 7 }));
    const app = t.app;
    if (!app) return; // Only in-process: the purge is driven through the service.
    offset = 6 * DAY_MS;
    try {
      await app.services.secrets.purgeDue();
      // Not yet due.
      expect((await t.client.send(new DescribeSecretCommand({ SecretId: n }))).ARN).toBe(arn);
      offset = 7 * DAY_MS + 60_000;
      expect(await app.services.secrets.purgeDue()).toBeGreaterThanOrEqual(1);
    } finally {
      offset = 0;
    }
    await expect(t.client.send(new DescribeSecretCommand({ SecretId: n }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await expect(t.client.send(new RestoreSecretCommand({ SecretId: arn }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    const again = await create(n);
    expect(again.arn).not.toBe(arn);
  });

  it('does not purge a restored secret', async () => {
    const n = name();
    await create(n);
    await t.client.send(new DeleteSecretCommand({ SecretId: n, RecoveryWindowInDays: 7 }));
    await t.client.send(new RestoreSecretCommand({ SecretId: n }));
    const app = t.app;
    if (!app) return;
    offset = 8 * DAY_MS;
    try {
      await app.services.secrets.purgeDue();
    } finally {
      offset = 0;
    }
    expect((await t.client.send(new DescribeSecretCommand({ SecretId: n }))).Name).toBe(n);
  });
});
