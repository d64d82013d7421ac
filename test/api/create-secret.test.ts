import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
} from '@aws-sdk/client-secrets-manager';
import { startTestApp, TEST_ACCOUNT, TEST_REGION, type TestApp } from '../helpers/app.js';
import {
  INVALID_NAME_MESSAGE,
  keysOf,
  MISSING_TOKEN_MESSAGE,
  NOT_FOUND_MESSAGE,
  str,
  token,
  uniqueName,
} from '../helpers/api.js';

let t: TestApp;
const name = (p = 'create') => uniqueName(p);
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

beforeAll(async () => {
  t = await startTestApp({
    kmsKeys: [{ accountId: TEST_ACCOUNT, region: TEST_REGION, keyId: 'c0ffee00-0000-4000-8000-000000000001', aliases: ['alias/create-test'] }],
  });
});
afterAll(async () => {
  await t.close();
});

describe('validation', () => {
  it.each(['has space', 'star*', 'quest?', 'bracket]', 'back\\slash', 'bang!', 'comma,'])(
    'rejects the invalid name %j with ValidationException',
    async (bad) => {
      await expect(t.client.send(new CreateSecretCommand({ Name: bad, SecretString: 'x' }))).rejects.toMatchObject({
        name: 'ValidationException',
        message: INVALID_NAME_MESSAGE,
      });
    },
  );

  it('rejects a 513-character name (model constraint) and accepts 512', async () => {
    await expect(t.client.send(new CreateSecretCommand({ Name: 'a'.repeat(513) }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringMatching(/^1 validation error detected: Value '.*' at 'name' failed to satisfy constraint: Member must have length less than or equal to 512$/),
    });
    const long = `L${Date.now()}`.padEnd(512, 'z');
    const r = await t.client.send(new CreateSecretCommand({ Name: long }));
    expect(r.Name).toBe(long);
  });

  it('rejects SecretString together with SecretBinary', async () => {
    const n = name();
    await expect(
      t.client.send(new CreateSecretCommand({ Name: n, SecretString: 'a', SecretBinary: Buffer.from('b') })),
    ).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: "You can't specify both a binary secret value and a string secret value in the same secret.",
    });
    await expect(t.client.send(new DescribeSecretCommand({ SecretId: n }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('rejects a raw request with a value but no ClientRequestToken, before checking the name', async () => {
    const n = name();
    const r = await t.raw('CreateSecret', { Name: n, SecretString: 'v' });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ __type: 'InvalidRequestException', Message: MISSING_TOKEN_MESSAGE });
    const bad = await t.raw('CreateSecret', { Name: 'bad name', SecretString: 'v' });
    expect(bad.body).toEqual({ __type: 'InvalidRequestException', Message: MISSING_TOKEN_MESSAGE });
    await expect(t.client.send(new DescribeSecretCommand({ SecretId: n }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('accepts a raw request without a token when there is no value', async () => {
    const n = name();
    const r = await t.raw('CreateSecret', { Name: n });
    expect(r.status).toBe(200);
    expect(keysOf(r.body)).toEqual(['ARN', 'Name']);
  });

  it('rejects a ClientRequestToken shorter than 32 characters', async () => {
    const r = await t.raw('CreateSecret', { Name: name(), SecretString: 'v', ClientRequestToken: 'short-token' });
    expect(r.status).toBe(400);
    expect(r.body.__type).toBe('ValidationException');
    expect(r.body.Message).toBe(
      "1 validation error detected: Value 'short-token' at 'clientRequestToken' failed to satisfy constraint: Member must have length greater than or equal to 32",
    );
  });

  it('rejects a missing Name', async () => {
    const r = await t.raw('CreateSecret', { SecretString: 'v', ClientRequestToken: token() });
    expect(r.body).toEqual({
      __type: 'ValidationException',
      Message: "1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null",
    });
  });

  it('rejects a Description longer than 2048 characters', async () => {
    await expect(t.client.send(new CreateSecretCommand({ Name: name(), Description: 'd'.repeat(2049) }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining("at 'description' failed to satisfy constraint: Member must have length less than or equal to 2048"),
    });
  });

  it('rejects an unknown KMS key and creates nothing', async () => {
    const n = name();
    await expect(
      t.client.send(new CreateSecretCommand({ Name: n, SecretString: 'v', KmsKeyId: 'alias/does-not-exist' })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await expect(t.client.send(new DescribeSecretCommand({ SecretId: n }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: NOT_FOUND_MESSAGE,
    });
  });

  it('rejects tag keys with the reserved aws: prefix and creates nothing', async () => {
    const n = name();
    await expect(
      t.client.send(new CreateSecretCommand({ Name: n, Tags: [{ Key: 'aws:owner', Value: 'x' }] })),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
    await expect(t.client.send(new DescribeSecretCommand({ SecretId: n }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('rejects an empty SecretString (min length 1)', async () => {
    const r = await t.raw('CreateSecret', { Name: name(), SecretString: '', ClientRequestToken: token() });
    expect(r.body.__type).toBe('ValidationException');
    expect(r.body.Message).toBe(
      "1 validation error detected: Value at 'secretString' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
  });
});

describe('serialization', () => {
  it('returns exactly ARN, Name and VersionId (= the token) when a value is given', async () => {
    const n = name();
    const tok = token();
    const r = await t.raw('CreateSecret', { Name: n, SecretString: 's', ClientRequestToken: tok });
    expect(r.status).toBe(200);
    expect(keysOf(r.body)).toEqual(['ARN', 'Name', 'VersionId']);
    expect(r.body.Name).toBe(n);
    expect(r.body.VersionId).toBe(tok);
    expect(str(r.body, 'ARN')).toMatch(new RegExp(`^arn:aws:secretsmanager:${TEST_REGION}:${TEST_ACCOUNT}:secret:${escapeRe(n)}-[A-Za-z0-9]{6}$`));
  });

  it('omits VersionId when no value is given', async () => {
    const r = await t.raw('CreateSecret', { Name: name(), ClientRequestToken: token(), Description: 'no value' });
    expect(keysOf(r.body)).toEqual(['ARN', 'Name']);
  });

  it('embeds a name with slashes verbatim in the ARN', async () => {
    const n = `prod/db/creds_${Date.now()}`;
    const r = await t.client.send(new CreateSecretCommand({ Name: n, SecretString: 'x' }));
    expect(r.ARN).toMatch(new RegExp(`:secret:${escapeRe(n)}-[A-Za-z0-9]{6}$`));
  });
});

describe('behaviour', () => {
  it('is idempotent for the same token and value: same response, no new version, no change', async () => {
    const n = name();
    const tok = token();
    const first = await t.client.send(new CreateSecretCommand({ Name: n, SecretString: 'same', ClientRequestToken: tok }));
    const before = await t.raw('DescribeSecret', { SecretId: n });
    const again = await t.client.send(new CreateSecretCommand({ Name: n, SecretString: 'same', ClientRequestToken: tok }));
    expect({ ARN: again.ARN, Name: again.Name, VersionId: again.VersionId }).toEqual({
      ARN: first.ARN,
      Name: first.Name,
      VersionId: tok,
    });
    const after = await t.raw('DescribeSecret', { SecretId: n });
    expect(after.body).toEqual(before.body);
    const versions = await t.client.send(new ListSecretVersionIdsCommand({ SecretId: n, IncludeDeprecated: true }));
    expect(versions.Versions?.map((v) => v.VersionId)).toEqual([tok]);
  });

  it('is idempotent for the same token and the same binary value', async () => {
    const n = name();
    const tok = token();
    const bin = Buffer.from([0, 1, 2, 255]);
    const first = await t.client.send(new CreateSecretCommand({ Name: n, SecretBinary: bin, ClientRequestToken: tok }));
    const again = await t.client.send(new CreateSecretCommand({ Name: n, SecretBinary: bin, ClientRequestToken: tok }));
    expect(again.ARN).toBe(first.ARN);
    expect(again.VersionId).toBe(tok);
  });

  it('rejects the same token with a different value (ResourceExistsException naming token and ARN)', async () => {
    const n = name();
    const tok = token();
    const first = await t.client.send(new CreateSecretCommand({ Name: n, SecretString: 'one', ClientRequestToken: tok }));
    await expect(
      t.client.send(new CreateSecretCommand({ Name: n, SecretString: 'two', ClientRequestToken: tok })),
    ).rejects.toMatchObject({
      name: 'ResourceExistsException',
      message: `You can't use ClientRequestToken ${tok} because that value is already in use for a version of secret ${first.ARN ?? ''}.`,
    });
    // A string vs a binary with the same bytes is a different value too.
    await expect(
      t.client.send(new CreateSecretCommand({ Name: n, SecretBinary: Buffer.from('one'), ClientRequestToken: tok })),
    ).rejects.toMatchObject({ name: 'ResourceExistsException', message: expect.stringContaining(`ClientRequestToken ${tok}`) });
    const v = await t.client.send(new GetSecretValueCommand({ SecretId: n }));
    expect(v.SecretString).toBe('one');
  });

  it('rejects a duplicate name with a new token: "already exists"', async () => {
    const n = name();
    await t.client.send(new CreateSecretCommand({ Name: n, SecretString: 'one' }));
    // The SDK fills in a fresh token, as every caller does.
    await expect(t.client.send(new CreateSecretCommand({ Name: n, SecretString: 'one' }))).rejects.toMatchObject({
      name: 'ResourceExistsException',
      message: `The operation failed because the secret ${n} already exists.`,
    });
    await expect(
      t.client.send(new CreateSecretCommand({ Name: n, ClientRequestToken: token() })),
    ).rejects.toMatchObject({ name: 'ResourceExistsException', message: `The operation failed because the secret ${n} already exists.` });
  });

  it('rejects a name that is scheduled for deletion', async () => {
    const n = name();
    await t.client.send(new CreateSecretCommand({ Name: n, SecretString: 'x' }));
    await t.client.send(new DeleteSecretCommand({ SecretId: n, RecoveryWindowInDays: 7 }));
    await expect(t.client.send(new CreateSecretCommand({ Name: n, SecretString: 'y' }))).rejects.toMatchObject({
      name: 'InvalidRequestException',
      message: "You can't create this secret because a secret with this name is already scheduled for deletion.",
    });
  });

  it('creates the first version with AWSCURRENT and VersionId = token', async () => {
    const n = name();
    const tok = token();
    await t.client.send(new CreateSecretCommand({ Name: n, SecretString: 'v1', ClientRequestToken: tok }));
    const d = await t.client.send(new DescribeSecretCommand({ SecretId: n }));
    expect(d.VersionIdsToStages).toEqual({ [tok]: ['AWSCURRENT'] });
    const g = await t.client.send(new GetSecretValueCommand({ SecretId: n }));
    expect(g.VersionId).toBe(tok);
    expect(g.VersionStages).toEqual(['AWSCURRENT']);
    expect(g.SecretString).toBe('v1');
  });

  it('creates an empty secret without a value: no version, GetSecretValue fails for AWSCURRENT', async () => {
    const n = name();
    const r = await t.client.send(new CreateSecretCommand({ Name: n, Description: 'empty' }));
    expect(r.VersionId).toBeUndefined();
    const d = await t.raw('DescribeSecret', { SecretId: n });
    expect(d.body.VersionIdsToStages).toBeUndefined();
    expect(d.body.Description).toBe('empty');
    await expect(t.client.send(new GetSecretValueCommand({ SecretId: n }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT",
    });
    const l = await t.client.send(new ListSecretVersionIdsCommand({ SecretId: n, IncludeDeprecated: true }));
    expect(l.Versions).toEqual([]);
  });

  it('round-trips a SecretBinary value byte for byte', async () => {
    const n = name();
    const bytes = Buffer.from([0x00, 0xff, 0x10, 0x80, 0x7f, 0x0a]);
    await t.client.send(new CreateSecretCommand({ Name: n, SecretBinary: bytes }));
    const g = await t.client.send(new GetSecretValueCommand({ SecretId: n }));
    expect(g.SecretString).toBeUndefined();
    expect(Buffer.from(g.SecretBinary ?? new Uint8Array()).equals(bytes)).toBe(true);
  });

  it('treats Description "" as no description', async () => {
    const n = name();
    await t.client.send(new CreateSecretCommand({ Name: n, SecretString: 'x', Description: '' }));
    const d = await t.raw('DescribeSecret', { SecretId: n });
    expect('Description' in d.body).toBe(false);
  });

  it('stores tags given at creation', async () => {
    const n = name();
    await t.client.send(
      new CreateSecretCommand({ Name: n, Tags: [{ Key: 'env', Value: 'prod' }, { Key: 'Env', Value: '' }] }),
    );
    const d = await t.client.send(new DescribeSecretCommand({ SecretId: n }));
    expect(d.Tags).toEqual([
      { Key: 'env', Value: 'prod' },
      { Key: 'Env', Value: '' },
    ]);
  });

  it('accepts alias/aws/secretsmanager and a declared customer key', async () => {
    const a = name();
    await t.client.send(new CreateSecretCommand({ Name: a, SecretString: 'dflt', KmsKeyId: 'alias/aws/secretsmanager' }));
    expect((await t.client.send(new GetSecretValueCommand({ SecretId: a }))).SecretString).toBe('dflt');
    const b = name();
    await t.client.send(new CreateSecretCommand({ Name: b, SecretString: 'cust', KmsKeyId: 'alias/create-test' }));
    expect((await t.client.send(new GetSecretValueCommand({ SecretId: b }))).SecretString).toBe('cust');
    const d = await t.client.send(new DescribeSecretCommand({ SecretId: b }));
    expect(d.KmsKeyId).toBe('alias/create-test');
  });

  it('accepts a name ending in a hyphen and six characters (not rejected, only discouraged)', async () => {
    const n = `Valid/_+=.@-Name-${Date.now().toString(36).slice(-6).padStart(6, 'a')}`;
    const r = await t.client.send(new CreateSecretCommand({ Name: n, SecretString: 'x' }));
    expect(r.Name).toBe(n);
    expect((await t.client.send(new DescribeSecretCommand({ SecretId: n }))).ARN).toBe(r.ARN);
  });

  it('treats names case-sensitively', async () => {
    const base = `CaseName_${Date.now()}`;
    const upper = await t.client.send(new CreateSecretCommand({ Name: base.toUpperCase(), SecretString: 'U' }));
    const lower = await t.client.send(new CreateSecretCommand({ Name: base.toLowerCase(), SecretString: 'l' }));
    expect(upper.ARN).not.toBe(lower.ARN);
    expect((await t.client.send(new GetSecretValueCommand({ SecretId: base.toLowerCase() }))).SecretString).toBe('l');
  });

  it('gives each secret a fresh ARN suffix', async () => {
    const a = await t.client.send(new CreateSecretCommand({ Name: name() }));
    const b = await t.client.send(new CreateSecretCommand({ Name: name() }));
    expect(a.ARN?.slice(-6)).not.toBe(b.ARN?.slice(-6));
  });
});
