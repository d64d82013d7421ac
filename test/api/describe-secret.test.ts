import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { startTestApp, TEST_ACCOUNT, TEST_REGION, type TestApp } from '../helpers/app.js';
import {
  DAY_MS,
  INVALID_NAME_MESSAGE,
  keysOf,
  midnightUtc,
  NOT_FOUND_MESSAGE,
  num,
  obj,
  str,
  token,
  uniqueName,
} from '../helpers/api.js';

let t: TestApp;
const name = () => uniqueName('describe');
const KEY_ID = 'c0ffee00-0000-4000-8000-0000000000d1';

beforeAll(async () => {
  t = await startTestApp({
    kmsKeys: [{ accountId: TEST_ACCOUNT, region: TEST_REGION, keyId: KEY_ID, aliases: ['alias/describe-test'] }],
  });
});
afterAll(async () => {
  await t.close();
});

async function create(n: string, value: string | null = 'v'): Promise<string> {
  const r = await t.client.send(new CreateSecretCommand({ Name: n, ...(value !== null ? { SecretString: value } : {}) }));
  return r.ARN ?? '';
}

describe('validation', () => {
  it('rejects an invalid name with ValidationException', async () => {
    await expect(t.client.send(new DescribeSecretCommand({ SecretId: 'no spaces allowed' }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: INVALID_NAME_MESSAGE,
    });
  });

  it('accepts "!" in a SecretId (service-managed names) and answers not found', async () => {
    await expect(t.client.send(new DescribeSecretCommand({ SecretId: 'rds!db-1234' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: NOT_FOUND_MESSAGE,
    });
  });

  it('answers ResourceNotFoundException (HTTP 400) for an unknown name', async () => {
    const r = await t.raw('DescribeSecret', { SecretId: name() });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ __type: 'ResourceNotFoundException', Message: NOT_FOUND_MESSAGE });
  });

  it('answers not found for an unknown full ARN and for ARNs of another service or resource type', async () => {
    const ids = [
      `arn:aws:secretsmanager:${TEST_REGION}:${TEST_ACCOUNT}:secret:nothing-here-AbCdEf`,
      `arn:aws:ssm:${TEST_REGION}:${TEST_ACCOUNT}:parameter/x`,
      `arn:aws:secretsmanager:${TEST_REGION}:${TEST_ACCOUNT}:other:x-AbCdEf`,
    ];
    for (const id of ids) {
      await expect(t.client.send(new DescribeSecretCommand({ SecretId: id }))).rejects.toMatchObject({
        name: 'ResourceNotFoundException',
        message: NOT_FOUND_MESSAGE,
      });
    }
  });

  it('rejects a missing or too long SecretId', async () => {
    const missing = await t.raw('DescribeSecret', {});
    expect(missing.body).toEqual({
      __type: 'ValidationException',
      Message: "1 validation error detected: Value null at 'secretId' failed to satisfy constraint: Member must not be null",
    });
    const long = await t.raw('DescribeSecret', { SecretId: 'a'.repeat(2049) });
    expect(long.body.__type).toBe('ValidationException');
    expect(long.body.Message).toMatch(/at 'secretId' failed to satisfy constraint: Member must have length less than or equal to 2048$/);
  });
});

describe('serialization', () => {
  it('a fresh secret has exactly ARN, Name, CreatedDate, LastChangedDate, VersionIdsToStages', async () => {
    const n = name();
    const before = Date.now();
    const tok = token();
    await t.client.send(new CreateSecretCommand({ Name: n, SecretString: 'v', ClientRequestToken: tok }));
    const r = await t.raw('DescribeSecret', { SecretId: n });
    expect(keysOf(r.body)).toEqual(['ARN', 'CreatedDate', 'LastChangedDate', 'Name', 'VersionIdsToStages']);
    expect(r.body.VersionIdsToStages).toEqual({ [tok]: ['AWSCURRENT'] });
    // Epoch seconds with a millisecond fraction.
    const created = num(r.body, 'CreatedDate');
    expect(created * 1000).toBeGreaterThanOrEqual(before - 5);
    expect(created * 1000).toBeLessThanOrEqual(Date.now() + 5);
    expect(Math.round(created * 1000) / 1000).toBe(created);
    expect(num(r.body, 'LastChangedDate')).toBe(created);
  });

  it('has no KmsKeyId for the default key but echoes a customer key', async () => {
    const a = name();
    await create(a);
    expect('KmsKeyId' in (await t.raw('DescribeSecret', { SecretId: a })).body).toBe(false);
    const b = name();
    await t.client.send(new CreateSecretCommand({ Name: b, SecretString: 'v', KmsKeyId: KEY_ID }));
    expect((await t.raw('DescribeSecret', { SecretId: b })).body.KmsKeyId).toBe(KEY_ID);
  });

  it('omits Tags when never tagged and has Tags: [] after the last one was removed', async () => {
    const n = name();
    await create(n);
    expect('Tags' in (await t.raw('DescribeSecret', { SecretId: n })).body).toBe(false);
    await t.client.send(new TagResourceCommand({ SecretId: n, Tags: [{ Key: 'k', Value: 'v' }] }));
    expect((await t.raw('DescribeSecret', { SecretId: n })).body.Tags).toEqual([{ Key: 'k', Value: 'v' }]);
    await t.client.send(new UntagResourceCommand({ SecretId: n, TagKeys: ['k'] }));
    expect((await t.raw('DescribeSecret', { SecretId: n })).body.Tags).toEqual([]);
  });

  it('omits VersionIdsToStages for a secret without versions', async () => {
    const n = name();
    await create(n, null);
    const r = await t.raw('DescribeSecret', { SecretId: n });
    expect(keysOf(r.body)).toEqual(['ARN', 'CreatedDate', 'LastChangedDate', 'Name']);
  });

  it('has no rotation members for a secret never configured for rotation', async () => {
    const n = name();
    await create(n);
    const r = await t.raw('DescribeSecret', { SecretId: n });
    for (const k of ['RotationEnabled', 'RotationLambdaARN', 'RotationRules', 'LastRotatedDate', 'NextRotationDate', 'DeletedDate', 'LastAccessedDate', 'OwningService', 'PrimaryRegion', 'ReplicationStatus']) {
      expect(k in r.body, k).toBe(false);
    }
  });

  it('shows LastAccessedDate as midnight UTC of the day of the last read', async () => {
    const n = name();
    await create(n);
    await t.client.send(new GetSecretValueCommand({ SecretId: n }));
    const r = await t.raw('DescribeSecret', { SecretId: n });
    expect(num(r.body, 'LastAccessedDate') * 1000).toBe(midnightUtc(Date.now()));
  });

  it('shows DeletedDate while scheduled for deletion', async () => {
    const n = name();
    await create(n);
    const del = await t.raw('DeleteSecret', { SecretId: n, RecoveryWindowInDays: 10 });
    const r = await t.raw('DescribeSecret', { SecretId: n });
    expect(num(r.body, 'DeletedDate')).toBe(num(del.body, 'DeletionDate'));
    expect(num(r.body, 'DeletedDate') * 1000 - Date.now()).toBeGreaterThan(10 * DAY_MS - 60_000);
  });

  it('hides deprecated versions from VersionIdsToStages and lists labels sorted', async () => {
    const n = name();
    const v1 = token();
    const v2 = token();
    const v3 = token();
    await t.client.send(new CreateSecretCommand({ Name: n, SecretString: '1', ClientRequestToken: v1 }));
    await t.client.send(new PutSecretValueCommand({ SecretId: n, SecretString: '2', ClientRequestToken: v2 }));
    await t.client.send(new PutSecretValueCommand({ SecretId: n, SecretString: '3', ClientRequestToken: v3, VersionStages: ['zz', 'AWSCURRENT', 'aa'] }));
    const r = await t.raw('DescribeSecret', { SecretId: n });
    expect(obj(r.body, 'VersionIdsToStages')).toEqual({ [v2]: ['AWSPREVIOUS'], [v3]: ['AWSCURRENT', 'aa', 'zz'] });
  });
});

describe('behaviour', () => {
  it('resolves a secret by name, full ARN and partial ARN', async () => {
    const n = name();
    const arn = await create(n);
    const partial = arn.slice(0, -7);
    expect(partial.endsWith(`:secret:${n}`)).toBe(true);
    for (const id of [n, arn, partial]) {
      const d = await t.client.send(new DescribeSecretCommand({ SecretId: id }));
      expect(d.ARN).toBe(arn);
      expect(d.Name).toBe(n);
    }
  });

  it('does not match names by prefix nor ARNs by a wrong suffix', async () => {
    const n = name();
    const arn = await create(n);
    await expect(t.client.send(new DescribeSecretCommand({ SecretId: n.slice(0, -1) }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    const wrong = `${arn.slice(0, -6)}${arn.slice(-6) === 'ZZZZZZ' ? 'YYYYYY' : 'ZZZZZZ'}`;
    await expect(t.client.send(new DescribeSecretCommand({ SecretId: wrong }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('cannot find a name ending in -XXXXXX through its partial ARN (the hyphen-6 pitfall)', async () => {
    const n = `Pitfall_${Date.now()}-abcdef`;
    const arn = await create(n);
    const partial = arn.slice(0, -7);
    expect(partial.endsWith(':secret:' + n)).toBe(true);
    await expect(t.client.send(new DescribeSecretCommand({ SecretId: partial }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: NOT_FOUND_MESSAGE,
    });
    // By name and by full ARN it is found.
    expect((await t.client.send(new DescribeSecretCommand({ SecretId: n }))).ARN).toBe(arn);
    expect((await t.client.send(new DescribeSecretCommand({ SecretId: arn }))).Name).toBe(n);
  });

  it('resolves an ambiguous id to the secret whose full ARN it is', async () => {
    const foo = `Amb_${Date.now()}`;
    const fooArn = await create(foo, 'foo');
    const suffix = fooArn.slice(-6);
    // A second secret whose name is "<foo>-<suffix>": its partial ARN equals foo's full ARN.
    const other = `${foo}-${suffix}`;
    await create(other, 'other');
    const d = await t.client.send(new DescribeSecretCommand({ SecretId: fooArn }));
    expect(d.Name).toBe(foo);
  });

  it('answers not found for an ARN of another region or account', async () => {
    const n = name();
    const arn = await create(n);
    const otherRegion = arn.replace(`:${TEST_REGION}:`, ':eu-west-1:');
    await expect(t.client.send(new DescribeSecretCommand({ SecretId: otherRegion }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('reports the version map after an UpdateSecretVersionStage rollback', async () => {
    const n = name();
    const v1 = token();
    const v2 = token();
    await t.client.send(new CreateSecretCommand({ Name: n, SecretString: '1', ClientRequestToken: v1 }));
    await t.client.send(new PutSecretValueCommand({ SecretId: n, SecretString: '2', ClientRequestToken: v2 }));
    await t.client.send(new UpdateSecretVersionStageCommand({ SecretId: n, VersionStage: 'AWSCURRENT', MoveToVersionId: v1, RemoveFromVersionId: v2 }));
    const d = await t.client.send(new DescribeSecretCommand({ SecretId: n }));
    expect(d.VersionIdsToStages).toEqual({ [v1]: ['AWSCURRENT'], [v2]: ['AWSPREVIOUS'] });
  });

  it('works on a secret scheduled for deletion', async () => {
    const n = name();
    const arn = await create(n);
    await t.client.send(new DeleteSecretCommand({ SecretId: n }));
    const d = await t.client.send(new DescribeSecretCommand({ SecretId: arn }));
    expect(d.DeletedDate).toBeInstanceOf(Date);
    expect(str((await t.raw('DescribeSecret', { SecretId: n })).body, 'ARN')).toBe(arn);
  });

  it('updates LastChangedDate on a change but not on a read', async () => {
    const n = name();
    await create(n);
    const a = num((await t.raw('DescribeSecret', { SecretId: n })).body, 'LastChangedDate');
    await t.client.send(new GetSecretValueCommand({ SecretId: n }));
    expect(num((await t.raw('DescribeSecret', { SecretId: n })).body, 'LastChangedDate')).toBe(a);
    await new Promise((r) => setTimeout(r, 5));
    await t.client.send(new TagResourceCommand({ SecretId: n, Tags: [{ Key: 'a', Value: 'b' }] }));
    expect(num((await t.raw('DescribeSecret', { SecretId: n })).body, 'LastChangedDate')).toBeGreaterThan(a);
  });
});
