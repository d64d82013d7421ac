import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  UpdateSecretCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { startTestApp, TEST_ACCOUNT, TEST_REGION, type TestApp } from '../helpers/app.js';
import {
  INVALID_NAME_MESSAGE,
  keysOf,
  MARKED_FOR_DELETION_MESSAGE,
  MISSING_TOKEN_MESSAGE,
  NOT_FOUND_MESSAGE,
  token,
  uniqueName,
} from '../helpers/api.js';

let t: TestApp;
const name = () => uniqueName('update');
const KEY_ID = 'c0ffee00-0000-4000-8000-0000000000a1';
const KEY_ARN = `arn:aws:kms:${TEST_REGION}:${TEST_ACCOUNT}:key/${KEY_ID}`;

beforeAll(async () => {
  t = await startTestApp({
    kmsKeys: [{ accountId: TEST_ACCOUNT, region: TEST_REGION, keyId: KEY_ID, aliases: ['alias/update-test'] }],
  });
});
afterAll(async () => {
  await t.close();
});

async function create(n: string, value = 'v0'): Promise<string> {
  const tok = token();
  await t.client.send(new CreateSecretCommand({ Name: n, SecretString: value, ClientRequestToken: tok, Description: 'initial' }));
  return tok;
}

async function stagesMap(n: string): Promise<Record<string, string[]>> {
  return (await t.client.send(new DescribeSecretCommand({ SecretId: n }))).VersionIdsToStages ?? {};
}

async function versionCount(n: string): Promise<number> {
  const l = await t.client.send(new ListSecretVersionIdsCommand({ SecretId: n, IncludeDeprecated: true }));
  return (l.Versions ?? []).length;
}

describe('validation', () => {
  it('rejects an invalid name', async () => {
    await expect(t.client.send(new UpdateSecretCommand({ SecretId: 'bad?name', Description: 'x' }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: INVALID_NAME_MESSAGE,
    });
  });

  it('answers not found for an unknown secret', async () => {
    await expect(t.client.send(new UpdateSecretCommand({ SecretId: name(), SecretString: 'x' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: NOT_FOUND_MESSAGE,
    });
  });

  it('rejects SecretString together with SecretBinary', async () => {
    const n = name();
    await create(n);
    await expect(
      t.client.send(new UpdateSecretCommand({ SecretId: n, SecretString: 'a', SecretBinary: Buffer.from('b') })),
    ).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: "You can't specify both a binary secret value and a string secret value in the same secret.",
    });
  });

  it('rejects a raw request with a value but no ClientRequestToken, even for an unknown secret', async () => {
    const n = name();
    await create(n);
    for (const id of [n, name()]) {
      const r = await t.raw('UpdateSecret', { SecretId: id, SecretString: 'x' });
      expect(r.status).toBe(400);
      expect(r.body).toEqual({ __type: 'InvalidRequestException', Message: MISSING_TOKEN_MESSAGE });
    }
    expect((await t.client.send(new GetSecretValueCommand({ SecretId: n }))).SecretString).toBe('v0');
  });

  it('accepts a raw metadata-only update without ClientRequestToken', async () => {
    const n = name();
    await create(n);
    const r = await t.raw('UpdateSecret', { SecretId: n, Description: 'raw' });
    expect(r.status).toBe(200);
    expect((await t.client.send(new DescribeSecretCommand({ SecretId: n }))).Description).toBe('raw');
  });

  it('rejects a secret scheduled for deletion', async () => {
    const n = name();
    await create(n);
    await t.client.send(new DeleteSecretCommand({ SecretId: n }));
    for (const input of [{ SecretId: n, SecretString: 'x' }, { SecretId: n, Description: 'd' }]) {
      await expect(t.client.send(new UpdateSecretCommand(input))).rejects.toMatchObject({
        name: 'InvalidRequestException',
        message: MARKED_FOR_DELETION_MESSAGE,
      });
    }
  });

  it('rejects an unknown KMS key and changes nothing', async () => {
    const n = name();
    await create(n);
    await expect(t.client.send(new UpdateSecretCommand({ SecretId: n, KmsKeyId: 'alias/nope', Description: 'changed' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    const d = await t.client.send(new DescribeSecretCommand({ SecretId: n }));
    expect(d.Description).toBe('initial');
    expect(d.KmsKeyId).toBeUndefined();
  });

  it('rejects a Description longer than 2048 characters', async () => {
    const n = name();
    await create(n);
    await expect(t.client.send(new UpdateSecretCommand({ SecretId: n, Description: 'd'.repeat(2049) }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining("at 'description' failed to satisfy constraint: Member must have length less than or equal to 2048"),
    });
  });
});

describe('serialization', () => {
  it('returns exactly ARN and Name for a metadata-only update', async () => {
    const n = name();
    await create(n);
    const r = await t.raw('UpdateSecret', { SecretId: n, Description: 'new', ClientRequestToken: token() });
    expect(keysOf(r.body)).toEqual(['ARN', 'Name']);
  });

  it('returns ARN, Name and VersionId (= token) for a value update', async () => {
    const n = name();
    await create(n);
    const tok = token();
    const r = await t.raw('UpdateSecret', { SecretId: n, SecretString: 'new', ClientRequestToken: tok });
    expect(keysOf(r.body)).toEqual(['ARN', 'Name', 'VersionId']);
    expect(r.body.VersionId).toBe(tok);
  });

  it('returns ARN and Name for a call with only SecretId (C12)', async () => {
    const n = name();
    await create(n);
    const before = await t.raw('DescribeSecret', { SecretId: n });
    const r = await t.raw('UpdateSecret', { SecretId: n });
    expect(r.status).toBe(200);
    expect(keysOf(r.body)).toEqual(['ARN', 'Name']);
    expect((await t.raw('DescribeSecret', { SecretId: n })).body).toEqual(before.body);
  });
});

describe('behaviour', () => {
  it('updates the description and LastChangedDate; "" removes the description', async () => {
    const n = name();
    await create(n);
    const a = (await t.client.send(new DescribeSecretCommand({ SecretId: n }))).LastChangedDate?.getTime() ?? 0;
    await new Promise((r) => setTimeout(r, 5));
    await t.client.send(new UpdateSecretCommand({ SecretId: n, Description: 'second' }));
    const d = await t.client.send(new DescribeSecretCommand({ SecretId: n }));
    expect(d.Description).toBe('second');
    expect(d.LastChangedDate?.getTime()).toBeGreaterThan(a);
    expect(await versionCount(n)).toBe(1);
    await t.client.send(new UpdateSecretCommand({ SecretId: n, Description: '' }));
    expect('Description' in (await t.raw('DescribeSecret', { SecretId: n })).body).toBe(false);
  });

  it('creates a new AWSCURRENT version for a value; the old one becomes AWSPREVIOUS', async () => {
    const n = name();
    const v1 = await create(n, 'one');
    const r = await t.client.send(new UpdateSecretCommand({ SecretId: n, SecretString: 'two' }));
    const v2 = r.VersionId ?? '';
    expect(await stagesMap(n)).toEqual({ [v1]: ['AWSPREVIOUS'], [v2]: ['AWSCURRENT'] });
    expect((await t.client.send(new GetSecretValueCommand({ SecretId: n }))).SecretString).toBe('two');
  });

  it('returns VersionId = token for the same token and value, without a new version', async () => {
    const n = name();
    await create(n);
    const tok = token();
    await t.client.send(new UpdateSecretCommand({ SecretId: n, SecretString: 'same', ClientRequestToken: tok }));
    const before = await t.raw('DescribeSecret', { SecretId: n });
    const again = await t.client.send(new UpdateSecretCommand({ SecretId: n, SecretString: 'same', ClientRequestToken: tok }));
    expect(again.VersionId).toBe(tok);
    expect(await versionCount(n)).toBe(2);
    expect((await t.raw('DescribeSecret', { SecretId: n })).body).toEqual(before.body);
  });

  it('rejects the same token with a different value', async () => {
    const n = name();
    const v1 = await create(n, 'orig');
    const arn = (await t.client.send(new DescribeSecretCommand({ SecretId: n }))).ARN ?? '';
    await expect(
      t.client.send(new UpdateSecretCommand({ SecretId: n, SecretString: 'other', ClientRequestToken: v1 })),
    ).rejects.toMatchObject({
      name: 'ResourceExistsException',
      message: `You can't use ClientRequestToken ${v1} because that value is already in use for a version of secret ${arn}.`,
    });
    expect((await t.client.send(new GetSecretValueCommand({ SecretId: n }))).SecretString).toBe('orig');
  });

  it('creates a new version for an identical value with a new token (C12)', async () => {
    const n = name();
    const v1 = await create(n, 'same');
    const r = await t.client.send(new UpdateSecretCommand({ SecretId: n, SecretString: 'same' }));
    expect(r.VersionId).not.toBe(v1);
    expect(await stagesMap(n)).toEqual({ [v1]: ['AWSPREVIOUS'], [r.VersionId ?? '']: ['AWSCURRENT'] });
  });

  it('removes AWSPENDING from every version when it makes a new AWSCURRENT (C1)', async () => {
    const n = name();
    const v1 = await create(n);
    const p = await t.client.send(new PutSecretValueCommand({ SecretId: n, SecretString: 'pending', VersionStages: ['AWSPENDING'] }));
    expect(Object.keys(await stagesMap(n))).toContain(p.VersionId);
    const r = await t.client.send(new UpdateSecretCommand({ SecretId: n, SecretString: 'manual' }));
    expect(await stagesMap(n)).toEqual({ [v1]: ['AWSPREVIOUS'], [r.VersionId ?? '']: ['AWSCURRENT'] });

    // And from the current version itself.
    const m = name();
    const w1 = await create(m);
    await t.client.send(new UpdateSecretVersionStageCommand({ SecretId: m, VersionStage: 'AWSPENDING', MoveToVersionId: w1 }));
    const r2 = await t.client.send(new UpdateSecretCommand({ SecretId: m, SecretString: 'manual' }));
    expect(await stagesMap(m)).toEqual({ [w1]: ['AWSPREVIOUS'], [r2.VersionId ?? '']: ['AWSCURRENT'] });
  });

  it('updates metadata and value in one call', async () => {
    const n = name();
    await create(n);
    const r = await t.client.send(new UpdateSecretCommand({ SecretId: n, SecretString: 'both', Description: 'both' }));
    expect(r.VersionId).toBeDefined();
    const d = await t.client.send(new DescribeSecretCommand({ SecretId: n }));
    expect(d.Description).toBe('both');
    expect((await t.client.send(new GetSecretValueCommand({ SecretId: n }))).SecretString).toBe('both');
  });

  it('records a new KMS key for new versions and reverts to the default with ""', async () => {
    const n = name();
    await create(n);
    await t.client.send(new UpdateSecretCommand({ SecretId: n, KmsKeyId: 'alias/update-test' }));
    expect((await t.client.send(new DescribeSecretCommand({ SecretId: n }))).KmsKeyId).toBe('alias/update-test');
    const r = await t.client.send(new UpdateSecretCommand({ SecretId: n, SecretString: 'under custom key' }));
    const l = await t.client.send(new ListSecretVersionIdsCommand({ SecretId: n }));
    expect(l.Versions?.find((v) => v.VersionId === r.VersionId)?.KmsKeyIds).toEqual([KEY_ARN]);
    expect((await t.client.send(new GetSecretValueCommand({ SecretId: n }))).SecretString).toBe('under custom key');
    await t.client.send(new UpdateSecretCommand({ SecretId: n, KmsKeyId: '' }));
    expect('KmsKeyId' in (await t.raw('DescribeSecret', { SecretId: n })).body).toBe(false);
    const r2 = await t.client.send(new UpdateSecretCommand({ SecretId: n, SecretString: 'default again' }));
    const l2 = await t.client.send(new ListSecretVersionIdsCommand({ SecretId: n }));
    expect(l2.Versions?.find((v) => v.VersionId === r2.VersionId)?.KmsKeyIds).toEqual(['DefaultEncryptionKey']);
  });

  it('updates a binary value', async () => {
    const n = name();
    await create(n);
    const bytes = Buffer.from([9, 8, 7, 0, 255]);
    await t.client.send(new UpdateSecretCommand({ SecretId: n, SecretBinary: bytes }));
    const g = await t.client.send(new GetSecretValueCommand({ SecretId: n }));
    expect(Buffer.from(g.SecretBinary ?? new Uint8Array()).equals(bytes)).toBe(true);
    expect(g.SecretString).toBeUndefined();
  });

  it('gives an empty secret its first AWSCURRENT version', async () => {
    const n = name();
    await t.client.send(new CreateSecretCommand({ Name: n }));
    const r = await t.client.send(new UpdateSecretCommand({ SecretId: n, SecretString: 'first' }));
    expect(await stagesMap(n)).toEqual({ [r.VersionId ?? '']: ['AWSCURRENT'] });
  });

  it('works by full ARN', async () => {
    const n = name();
    await create(n);
    const arn = (await t.client.send(new DescribeSecretCommand({ SecretId: n }))).ARN ?? '';
    const r = await t.client.send(new UpdateSecretCommand({ SecretId: arn, Description: 'via arn' }));
    expect([r.ARN, r.Name]).toEqual([arn, n]);
  });
});
