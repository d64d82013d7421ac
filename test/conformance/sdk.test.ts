/**
 * Conformance through @aws-sdk/client-secrets-manager (JS SDK v3) against a real `rotor serve` process (or
 * ROTOR_TEST_ENDPOINT): every operation of the CLI/boto3 suites, paginateListSecrets, names with every allowed
 * special character, the 65,536-character SecretString limit and Unicode values.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes, randomUUID } from 'node:crypto';
import {
  BatchGetSecretValueCommand,
  CreateSecretCommand,
  DeleteResourcePolicyCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetResourcePolicyCommand,
  GetSecretValueCommand,
  InvalidRequestException,
  ListSecretVersionIdsCommand,
  ListSecretsCommand,
  PutResourcePolicyCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  RestoreSecretCommand,
  SecretsManagerClient,
  SecretsManagerServiceException,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateSecretCommand,
  UpdateSecretVersionStageCommand,
  ValidateResourcePolicyCommand,
  paginateListSecrets,
  type DescribeSecretCommandOutput,
} from '@aws-sdk/client-secrets-manager';
import { startTarget, type TestTarget } from '../helpers/process.js';
import { rawJson } from '../helpers/raw.js';

let t: TestTarget;
let sm: SecretsManagerClient;

beforeAll(async () => {
  t = await startTarget();
  sm = new SecretsManagerClient({
    endpoint: t.endpoint,
    region: t.region,
    credentials: { accessKeyId: t.accessKeyId, secretAccessKey: t.secretAccessKey },
    maxAttempts: 1,
  });
});
afterAll(async () => {
  sm?.destroy();
  await t?.close();
});

async function failure(p: Promise<unknown>): Promise<SecretsManagerServiceException> {
  try {
    await p;
  } catch (e) {
    if (e instanceof SecretsManagerServiceException) return e;
    throw e;
  }
  throw new Error('expected the call to fail');
}

async function expectError(p: Promise<unknown>, code: string, message?: string): Promise<void> {
  const e = await failure(p);
  expect(e.name).toBe(code);
  expect(e.$metadata.httpStatusCode).toBe(400);
  expect(e.$fault).toBe('client');
  if (message !== undefined) expect(e.message).toBe(message);
}

function stages(d: DescribeSecretCommandOutput): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(d.VersionIdsToStages ?? {})) out[k] = [...v].sort();
  return out;
}

const NOT_FOUND = "Secrets Manager can't find the specified secret.";
const MARKED = "You can't perform this operation on the secret because it was marked for deletion.";

describe.concurrent('@aws-sdk/client-secrets-manager → rotor', () => {
  it('create / describe / get by name, ARN and partial ARN; modelled errors', async () => {
    const name = `${t.prefix}/sdk/service-one`;
    const c = await sm.send(new CreateSecretCommand({ Name: name, SecretString: 's1', Description: 'd', Tags: [{ Key: 'k', Value: 'v' }] }));
    expect(c.ARN).toMatch(new RegExp(`^arn:aws:secretsmanager:${t.region}:${t.accountId ?? '\\d{12}'}:secret:${name}-[A-Za-z0-9]{6}$`));
    expect(c.VersionId).toMatch(/^[0-9a-f-]{36}$/);
    const d = await sm.send(new DescribeSecretCommand({ SecretId: name }));
    expect(d.CreatedDate).toBeInstanceOf(Date);
    expect(d.Tags).toEqual([{ Key: 'k', Value: 'v' }]);
    expect(d.Description).toBe('d');
    expect(stages(d)).toEqual({ [c.VersionId ?? '']: ['AWSCURRENT'] });
    for (const id of [name, c.ARN ?? '', (c.ARN ?? '').slice(0, -7)]) {
      const g = await sm.send(new GetSecretValueCommand({ SecretId: id }));
      expect(g.SecretString).toBe('s1');
      expect(g.VersionStages).toEqual(['AWSCURRENT']);
      expect(g.CreatedDate).toBeInstanceOf(Date);
    }
    const e = await failure(sm.send(new GetSecretValueCommand({ SecretId: `${t.prefix}-absent` })));
    expect(e).toBeInstanceOf(ResourceNotFoundException);
    expect(e.message).toBe(NOT_FOUND);
    expect(e.$metadata.requestId).toBeTruthy();
    const dup = await failure(sm.send(new CreateSecretCommand({ Name: name, SecretString: 'x' })));
    expect(dup).toBeInstanceOf(ResourceExistsException);
    expect(dup.message).toBe(`The operation failed because the secret ${name} already exists.`);
  });

  it('a name with every allowed special character /_+=.@- and a 512-character name', async () => {
    const name = `${t.prefix}/a_b+c=d.e@f-g/_+=.@-end`;
    const c = await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'special' }));
    expect(c.Name).toBe(name);
    expect(c.ARN?.startsWith(`arn:aws:secretsmanager:${t.region}:`)).toBe(true);
    expect(c.ARN).toContain(`:secret:${name}-`);
    for (const id of [name, c.ARN ?? '', (c.ARN ?? '').slice(0, -7)]) {
      expect((await sm.send(new GetSecretValueCommand({ SecretId: id }))).SecretString).toBe('special');
    }
    const listed = await sm.send(new ListSecretsCommand({ Filters: [{ Key: 'name', Values: [name] }] }));
    expect(listed.SecretList?.map((s) => s.Name)).toEqual([name]);
    const long = `${t.prefix}-${'x'.repeat(512 - t.prefix.length - 1)}`;
    expect(long).toHaveLength(512);
    await sm.send(new CreateSecretCommand({ Name: long, SecretString: 'long name' }));
    expect((await sm.send(new GetSecretValueCommand({ SecretId: long }))).SecretString).toBe('long name');
    await expectError(sm.send(new CreateSecretCommand({ Name: `${long}y`, SecretString: 'x' })), 'ValidationException');
    for (const bad of [`${t.prefix} space`, `${t.prefix}*star`, `${t.prefix}#hash`, `${t.prefix}é`]) {
      await expectError(
        sm.send(new CreateSecretCommand({ Name: bad, SecretString: 'x' })),
        'ValidationException',
        'Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!',
      );
    }
  });

  it('SecretString limits: 65,536 characters accepted, 65,537 refused (without echoing the value)', async () => {
    const name = `${t.prefix}-max-string`;
    const max = 'A'.repeat(65_535) + 'Z';
    const c = await sm.send(new CreateSecretCommand({ Name: name, SecretString: max }));
    const g = await sm.send(new GetSecretValueCommand({ SecretId: name }));
    expect(g.SecretString).toHaveLength(65_536);
    expect(g.SecretString === max).toBe(true);
    expect(g.VersionId).toBe(c.VersionId);
    const marker = 'LEAKCHECK'.repeat(7282); // 65,538 characters
    const e = await failure(sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: marker })));
    expect(e.name).toBe('ValidationException');
    expect(e.message).not.toContain('LEAKCHECK');
    // Lengths count UTF-16 units: 32,768 astral characters = 65,536 units.
    const emoji = '😀'.repeat(32_768);
    await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: emoji }));
    expect((await sm.send(new GetSecretValueCommand({ SecretId: name }))).SecretString === emoji).toBe(true);
    // Binary: 65,536 bytes accepted, 65,537 refused.
    const bytes = randomBytes(65_536);
    await sm.send(new PutSecretValueCommand({ SecretId: name, SecretBinary: bytes }));
    const gb = await sm.send(new GetSecretValueCommand({ SecretId: name }));
    expect(Buffer.from(gb.SecretBinary ?? new Uint8Array()).equals(bytes)).toBe(true);
    await expectError(sm.send(new PutSecretValueCommand({ SecretId: name, SecretBinary: randomBytes(65_537) })), 'ValidationException');
  });

  it('Unicode values, descriptions and tags round-trip exactly', async () => {
    const name = `${t.prefix}-unicode`;
    const value = 'Grüße, 世界! Ωμέγα — naïve café 🚀🔐 \u0000 \u2028 \uFEFF tab\t"quote" \\ back';
    const desc = 'Beschreibung: 説明 📝';
    await sm.send(new CreateSecretCommand({ Name: name, SecretString: value, Description: desc, Tags: [{ Key: 'ключ', Value: 'значение ✓' }] }));
    const g = await sm.send(new GetSecretValueCommand({ SecretId: name }));
    expect(g.SecretString).toBe(value);
    const d = await sm.send(new DescribeSecretCommand({ SecretId: name }));
    expect(d.Description).toBe(desc);
    expect(d.Tags).toEqual([{ Key: 'ключ', Value: 'значение ✓' }]);
    const json = JSON.stringify({ password: 'p@ss→wörd', note: '日本語' });
    await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: json }));
    expect(JSON.parse((await sm.send(new GetSecretValueCommand({ SecretId: name }))).SecretString ?? '')).toEqual(JSON.parse(json));
    const b = await sm.send(new BatchGetSecretValueCommand({ SecretIdList: [name] }));
    expect(b.SecretValues?.[0]?.SecretString).toBe(json);
  });

  it('put-secret-value, idempotency, update-secret, update-secret-version-stage rollback, list-secret-version-ids', async () => {
    const name = `${t.prefix}-lifecycle`;
    const v1 = await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'one' }));
    const v2 = await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'two' }));
    expect(v2.VersionStages).toEqual(['AWSCURRENT']);
    expect((await sm.send(new GetSecretValueCommand({ SecretId: name, VersionStage: 'AWSPREVIOUS' }))).SecretString).toBe('one');
    const token = randomUUID();
    const v3 = await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'three', ClientRequestToken: token, VersionStages: ['BLUE'] }));
    expect(v3.VersionId).toBe(token);
    expect(v3.VersionStages).toEqual(['BLUE']);
    const again = await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'three', ClientRequestToken: token, VersionStages: ['BLUE'] }));
    expect(again.VersionId).toBe(token);
    await expectError(
      sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'other', ClientRequestToken: token })),
      'ResourceExistsException',
      `You can't use ClientRequestToken ${token} because that value is already in use for a version of secret ${v1.ARN ?? ''}.`,
    );
    expect((await sm.send(new GetSecretValueCommand({ SecretId: name }))).SecretString).toBe('two');
    const u = await sm.send(new UpdateSecretCommand({ SecretId: name, SecretString: 'four', Description: 'changed' }));
    expect(u.VersionId).toBeTruthy();
    const meta = await sm.send(new UpdateSecretCommand({ SecretId: name, Description: 'again' }));
    expect(meta.VersionId).toBeUndefined();
    expect(stages(await sm.send(new DescribeSecretCommand({ SecretId: name })))).toEqual({
      [u.VersionId ?? '']: ['AWSCURRENT'],
      [v2.VersionId ?? '']: ['AWSPREVIOUS'],
      [token]: ['BLUE'],
    });
    await sm.send(
      new UpdateSecretVersionStageCommand({ SecretId: name, VersionStage: 'AWSCURRENT', MoveToVersionId: v2.VersionId, RemoveFromVersionId: u.VersionId }),
    );
    expect((await sm.send(new GetSecretValueCommand({ SecretId: name }))).SecretString).toBe('two');
    expect(stages(await sm.send(new DescribeSecretCommand({ SecretId: name })))).toEqual({
      [v2.VersionId ?? '']: ['AWSCURRENT'],
      [u.VersionId ?? '']: ['AWSPREVIOUS'],
      [token]: ['BLUE'],
    });
    // Custom label move: implicit (spec C7); removal of the last label deprecates the version.
    await sm.send(new UpdateSecretVersionStageCommand({ SecretId: name, VersionStage: 'BLUE', RemoveFromVersionId: token }));
    await expectError(
      sm.send(new UpdateSecretVersionStageCommand({ SecretId: name, VersionStage: 'AWSCURRENT', RemoveFromVersionId: v2.VersionId })),
      'InvalidParameterException',
    );
    const plain = await sm.send(new ListSecretVersionIdsCommand({ SecretId: name }));
    expect(plain.Versions?.map((v) => v.VersionId).sort()).toEqual([v2.VersionId, u.VersionId].sort());
    const all = await sm.send(new ListSecretVersionIdsCommand({ SecretId: name, IncludeDeprecated: true }));
    expect(all.Versions?.map((v) => v.VersionId).sort()).toEqual([v1.VersionId, v2.VersionId, token, u.VersionId].sort());
    for (const v of all.Versions ?? []) {
      if (v.VersionId === v1.VersionId || v.VersionId === token) expect(v.VersionStages).toBeUndefined();
      expect(v.CreatedDate).toBeInstanceOf(Date);
    }
  });

  it('paginateListSecrets and BatchGetSecretValue', async () => {
    const base = `${t.prefix}-pg-`;
    const names = Array.from({ length: 11 }, (_, i) => `${base}${String(i).padStart(2, '0')}`);
    for (const n of names) await sm.send(new CreateSecretCommand({ Name: n, SecretString: `v:${n}` }));
    const seen: string[] = [];
    let pages = 0;
    for await (const page of paginateListSecrets({ client: sm, pageSize: 3 }, { Filters: [{ Key: 'name', Values: [base] }] })) {
      pages++;
      expect(page.SecretList?.length ?? 0).toBeLessThanOrEqual(3);
      for (const s of page.SecretList ?? []) seen.push(s.Name ?? '');
    }
    expect(seen).toEqual(names); // default order: creation, oldest first (spec §5.8)
    expect(pages).toBeGreaterThanOrEqual(4);
    await expectError(sm.send(new ListSecretsCommand({ NextToken: 'bm90IGEgdG9rZW4=' })), 'InvalidNextTokenException');
    await expectError(sm.send(new ListSecretsCommand({ MaxResults: 101 })), 'ValidationException');

    const b = await sm.send(new BatchGetSecretValueCommand({ SecretIdList: [names[0] ?? '', names[3] ?? '', `${t.prefix}-nothing`] }));
    expect(b.SecretValues?.map((v) => [v.Name, v.SecretString]).sort()).toEqual([
      [names[0], `v:${names[0] ?? ''}`],
      [names[3], `v:${names[3] ?? ''}`],
    ]);
    expect(b.Errors).toEqual([{ SecretId: `${t.prefix}-nothing`, ErrorCode: 'ResourceNotFoundException', Message: NOT_FOUND }]);
    const viaFilter: string[] = [];
    let token: string | undefined;
    for (let i = 0; i < 10; i++) {
      const r = await sm.send(new BatchGetSecretValueCommand({ Filters: [{ Key: 'name', Values: [base] }], MaxResults: 5, ...(token ? { NextToken: token } : {}) }));
      for (const v of r.SecretValues ?? []) viaFilter.push(v.Name ?? '');
      token = r.NextToken;
      if (token === undefined) break;
    }
    expect([...viaFilter].sort()).toEqual(names);
    await expectError(sm.send(new BatchGetSecretValueCommand({ SecretIdList: [names[0] ?? ''], MaxResults: 5 })), 'InvalidParameterException');
  });

  it('delete with a recovery window, restore, force delete', async () => {
    const name = `${t.prefix}-to-delete`;
    await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'bye' }));
    const d = await sm.send(new DeleteSecretCommand({ SecretId: name, RecoveryWindowInDays: 7 }));
    expect(Math.abs((d.DeletionDate?.getTime() ?? 0) - (Date.now() + 7 * 86_400_000))).toBeLessThan(5 * 60_000);
    const e = await failure(sm.send(new GetSecretValueCommand({ SecretId: name })));
    expect(e).toBeInstanceOf(InvalidRequestException);
    expect(e.message).toBe(MARKED);
    await expectError(sm.send(new UpdateSecretCommand({ SecretId: name, Description: 'x' })), 'InvalidRequestException', MARKED);
    await expectError(sm.send(new DeleteSecretCommand({ SecretId: name, RecoveryWindowInDays: 7 })), 'InvalidRequestException');
    expect((await sm.send(new DescribeSecretCommand({ SecretId: name }))).DeletedDate).toBeInstanceOf(Date);
    await sm.send(new RestoreSecretCommand({ SecretId: name }));
    expect((await sm.send(new GetSecretValueCommand({ SecretId: name }))).SecretString).toBe('bye');
    await sm.send(new DeleteSecretCommand({ SecretId: name, ForceDeleteWithoutRecovery: true }));
    await expectError(sm.send(new DescribeSecretCommand({ SecretId: name })), 'ResourceNotFoundException', NOT_FOUND);
    await expectError(sm.send(new RestoreSecretCommand({ SecretId: name })), 'ResourceNotFoundException');
  });

  it('sharp edges of spec §13: empty secrets, first version, token reuse, LastAccessedDate, raw calls without a token', async () => {
    const empty = `${t.prefix}-empty`;
    const c = await sm.send(new CreateSecretCommand({ Name: empty, Description: '' }));
    expect(c.VersionId).toBeUndefined();
    const d0 = await sm.send(new DescribeSecretCommand({ SecretId: empty }));
    expect(d0.VersionIdsToStages).toBeUndefined();
    expect(d0.Description).toBeUndefined();
    await expectError(
      sm.send(new GetSecretValueCommand({ SecretId: empty })),
      'ResourceNotFoundException',
      "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT",
    );
    // The first version of a secret gets AWSCURRENT even when not asked for (spec §5.5).
    const first = await sm.send(new PutSecretValueCommand({ SecretId: empty, SecretString: 'first', VersionStages: ['CUSTOM'] }));
    expect([...(first.VersionStages ?? [])].sort()).toEqual(['AWSCURRENT', 'CUSTOM']);
    expect((await sm.send(new GetSecretValueCommand({ SecretId: empty }))).SecretString).toBe('first');

    // UpdateSecret: same token + same value ⇒ 200 with VersionId = token, no new version (spec C12, §13.5).
    const token = randomUUID();
    const u1 = await sm.send(new UpdateSecretCommand({ SecretId: empty, SecretString: 'second', ClientRequestToken: token }));
    const u2 = await sm.send(new UpdateSecretCommand({ SecretId: empty, SecretString: 'second', ClientRequestToken: token }));
    expect([u1.VersionId, u2.VersionId]).toEqual([token, token]);
    const versions = await sm.send(new ListSecretVersionIdsCommand({ SecretId: empty, IncludeDeprecated: true }));
    expect(versions.Versions).toHaveLength(2);

    // LastAccessedDate: day granularity, midnight UTC (spec §2.1).
    const d1 = await sm.send(new DescribeSecretCommand({ SecretId: empty }));
    const today = new Date();
    expect(d1.LastAccessedDate?.toISOString()).toBe(new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate())).toISOString());

    // ListSecrets names the map SecretVersionsToStages.
    const listed = await sm.send(new ListSecretsCommand({ Filters: [{ Key: 'name', Values: [empty] }] }));
    expect(Object.keys(listed.SecretList?.[0]?.SecretVersionsToStages ?? {}).sort()).toEqual([first.VersionId, token].sort());

    // Reserved tag prefix.
    await expectError(sm.send(new TagResourceCommand({ SecretId: empty, Tags: [{ Key: 'aws:owner', Value: 'x' }] })), 'InvalidParameterException');

    // Raw calls without ClientRequestToken (spec §4, §13.1): refused before the lookup.
    const raw = { endpoint: t.endpoint, accessKeyId: t.accessKeyId, secretAccessKey: t.secretAccessKey, region: t.region };
    const missing = 'You must provide a ClientRequestToken value. We recommend a UUID-type value.';
    for (const [op, body, code] of [
      ['CreateSecret', { Name: `${t.prefix}-no-token`, SecretString: 'x' }, 'InvalidRequestException'],
      ['PutSecretValue', { SecretId: `${t.prefix}-unknown`, SecretString: 'x' }, 'InvalidRequestException'],
      ['UpdateSecret', { SecretId: empty, SecretString: 'x' }, 'InvalidRequestException'],
      ['RotateSecret', { SecretId: `${t.prefix}-unknown` }, 'InvalidParameterException'],
    ] as const) {
      const r = await rawJson(raw, op, body);
      expect(r.status, op).toBe(400);
      expect(r.json, op).toEqual({ __type: code, Message: missing });
    }
  });

  it('tags, random passwords, resource policies', async () => {
    const name = `${t.prefix}-misc`;
    const c = await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'm' }));
    await sm.send(new TagResourceCommand({ SecretId: name, Tags: [{ Key: 'a', Value: '1' }, { Key: 'b', Value: '' }] }));
    expect((await sm.send(new DescribeSecretCommand({ SecretId: name }))).Tags?.map((x) => `${x.Key}=${x.Value}`).sort()).toEqual(['a=1', 'b=']);
    await sm.send(new UntagResourceCommand({ SecretId: name, TagKeys: ['a', 'b'] }));
    expect((await sm.send(new DescribeSecretCommand({ SecretId: name }))).Tags).toEqual([]);

    const p = await sm.send(new GetRandomPasswordCommand({ PasswordLength: 64, ExcludeUppercase: true, ExcludeCharacters: '0123' }));
    expect(p.RandomPassword).toHaveLength(64);
    expect(p.RandomPassword).not.toMatch(/[A-Z0-3]/);
    expect(p.RandomPassword).toMatch(/[4-9]/);
    await expectError(sm.send(new GetRandomPasswordCommand({ PasswordLength: 0 })), 'ValidationException');
    await expectError(
      sm.send(new GetRandomPasswordCommand({ ExcludeLowercase: true, ExcludeUppercase: true, ExcludeNumbers: true, ExcludePunctuation: true })),
      'InvalidParameterException',
    );

    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: 'secretsmanager:GetSecretValue', Resource: '*' }],
    });
    expect(await sm.send(new PutResourcePolicyCommand({ SecretId: name, ResourcePolicy: policy }))).toMatchObject({ ARN: c.ARN, Name: name });
    expect((await sm.send(new GetResourcePolicyCommand({ SecretId: name }))).ResourcePolicy).toBe(policy);
    const v = await sm.send(new ValidateResourcePolicyCommand({ ResourcePolicy: policy }));
    expect(v.PolicyValidationPassed).toBe(true);
    await expectError(sm.send(new PutResourcePolicyCommand({ SecretId: name, ResourcePolicy: '[]' })), 'MalformedPolicyDocumentException');
    await sm.send(new DeleteResourcePolicyCommand({ SecretId: name }));
    expect((await sm.send(new GetResourcePolicyCommand({ SecretId: name }))).ResourcePolicy).toBeUndefined();
  });
});
