import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { startTestApp, type TestApp } from '../helpers/app.js';
import {
  DAY_MS,
  INVALID_NAME_MESSAGE,
  keysOf,
  MARKED_FOR_DELETION_MESSAGE,
  midnightUtc,
  NOT_FOUND_MESSAGE,
  num,
  token,
  uniqueName,
} from '../helpers/api.js';

let t: TestApp;
let offset = 0;
const name = () => uniqueName('get');

beforeAll(async () => {
  // A small version limit so that retention purges versions within a test (spec §2.4, C4).
  t = await startTestApp({ retention: { maxVersions: 3, minAgeHours: 0 }, clock: () => Date.now() + offset });
});
afterAll(async () => {
  await t.close();
});

/** A secret with versions v1 (deprecated after two puts), v2 (AWSPREVIOUS), v3 (AWSCURRENT). */
async function threeVersions(): Promise<{ n: string; arn: string; v1: string; v2: string; v3: string }> {
  const n = name();
  const v1 = token();
  const v2 = token();
  const v3 = token();
  const c = await t.client.send(new CreateSecretCommand({ Name: n, SecretString: 'one', ClientRequestToken: v1 }));
  await t.client.send(new PutSecretValueCommand({ SecretId: n, SecretString: 'two', ClientRequestToken: v2 }));
  await t.client.send(new PutSecretValueCommand({ SecretId: n, SecretString: 'three', ClientRequestToken: v3 }));
  return { n, arn: c.ARN ?? '', v1, v2, v3 };
}

describe('validation', () => {
  it('rejects an invalid name', async () => {
    await expect(t.client.send(new GetSecretValueCommand({ SecretId: 'a*b' }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: INVALID_NAME_MESSAGE,
    });
  });

  it('answers not found for an unknown secret', async () => {
    await expect(t.client.send(new GetSecretValueCommand({ SecretId: name() }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: NOT_FOUND_MESSAGE,
    });
  });

  it('rejects a VersionId shorter than 32 characters', async () => {
    const r = await t.raw('GetSecretValue', { SecretId: name(), VersionId: 'abc' });
    expect(r.body).toEqual({
      __type: 'ValidationException',
      Message:
        "1 validation error detected: Value 'abc' at 'versionId' failed to satisfy constraint: Member must have length greater than or equal to 32",
    });
  });

  it('answers not found for an unknown VersionId, naming it', async () => {
    const { n } = await threeVersions();
    const id = token();
    await expect(t.client.send(new GetSecretValueCommand({ SecretId: n, VersionId: id }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: `Secrets Manager can't find the specified secret value for VersionId: ${id}`,
    });
  });

  it('answers not found for a staging label attached to no version', async () => {
    const { n } = await threeVersions();
    await expect(t.client.send(new GetSecretValueCommand({ SecretId: n, VersionStage: 'AWSPENDING' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: "Secrets Manager can't find the specified secret value for staging label: AWSPENDING",
    });
  });

  it('rejects a VersionStage that is not on the given VersionId', async () => {
    const { n, v2 } = await threeVersions();
    await expect(
      t.client.send(new GetSecretValueCommand({ SecretId: n, VersionId: v2, VersionStage: 'AWSCURRENT' })),
    ).rejects.toMatchObject({
      name: 'InvalidRequestException',
      message: 'You provided a VersionStage that is not associated to the provided VersionId.',
    });
  });

  it('rejects reads of a secret scheduled for deletion', async () => {
    const { n, v3 } = await threeVersions();
    await t.client.send(new DeleteSecretCommand({ SecretId: n }));
    for (const input of [{ SecretId: n }, { SecretId: n, VersionId: v3 }, { SecretId: n, VersionStage: 'AWSCURRENT' }]) {
      await expect(t.client.send(new GetSecretValueCommand(input))).rejects.toMatchObject({
        name: 'InvalidRequestException',
        message: MARKED_FOR_DELETION_MESSAGE,
      });
    }
  });

  it('answers "was deleted" for a VersionId purged by retention, but not found for one that never existed (C4)', async () => {
    const { n, v1 } = await threeVersions();
    // A fourth version exceeds maxVersions 3: the oldest deprecated version (v1) is purged.
    await t.client.send(new PutSecretValueCommand({ SecretId: n, SecretString: 'four', ClientRequestToken: token() }));
    const all = await t.client.send(new ListSecretVersionIdsCommand({ SecretId: n, IncludeDeprecated: true }));
    expect(all.Versions?.map((v) => v.VersionId)).not.toContain(v1);
    await expect(t.client.send(new GetSecretValueCommand({ SecretId: n, VersionId: v1 }))).rejects.toMatchObject({
      name: 'InvalidRequestException',
      message: `You can't perform this operation on secret version ${v1} because it was deleted.`,
    });
  });
});

describe('serialization', () => {
  it('returns exactly ARN, Name, VersionId, SecretString, VersionStages, CreatedDate', async () => {
    const n = name();
    const tok = token();
    const c = await t.raw('CreateSecret', { Name: n, SecretString: 'hello', ClientRequestToken: tok });
    const r = await t.raw('GetSecretValue', { SecretId: n });
    expect(r.status).toBe(200);
    expect(keysOf(r.body)).toEqual(['ARN', 'CreatedDate', 'Name', 'SecretString', 'VersionId', 'VersionStages']);
    expect(r.body).toMatchObject({ ARN: c.body.ARN, Name: n, VersionId: tok, SecretString: 'hello', VersionStages: ['AWSCURRENT'] });
    const versions = await t.raw('ListSecretVersionIds', { SecretId: n });
    const v = (versions.body.Versions as Record<string, unknown>[])[0];
    expect(num(r.body, 'CreatedDate')).toBe(v?.CreatedDate);
  });

  it('returns SecretBinary as base64 and no SecretString for a binary secret', async () => {
    const n = name();
    const bytes = Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00]);
    await t.raw('CreateSecret', { Name: n, SecretBinary: bytes.toString('base64'), ClientRequestToken: token() });
    const r = await t.raw('GetSecretValue', { SecretId: n });
    expect(keysOf(r.body)).toEqual(['ARN', 'CreatedDate', 'Name', 'SecretBinary', 'VersionId', 'VersionStages']);
    expect(r.body.SecretBinary).toBe(bytes.toString('base64'));
  });

  it('returns VersionStages sorted', async () => {
    const n = name();
    await t.client.send(new CreateSecretCommand({ Name: n, SecretString: '1' }));
    await t.client.send(new PutSecretValueCommand({ SecretId: n, SecretString: '2', VersionStages: ['zeta', 'AWSCURRENT', 'alpha', 'Beta'] }));
    const r = await t.raw('GetSecretValue', { SecretId: n });
    expect(r.body.VersionStages).toEqual(['AWSCURRENT', 'Beta', 'alpha', 'zeta']);
  });
});

describe('behaviour', () => {
  it('returns AWSCURRENT by default, and selects by stage, by id and by both', async () => {
    const { n, v1, v2, v3 } = await threeVersions();
    const cur = await t.client.send(new GetSecretValueCommand({ SecretId: n }));
    expect([cur.SecretString, cur.VersionId, cur.VersionStages]).toEqual(['three', v3, ['AWSCURRENT']]);
    const prev = await t.client.send(new GetSecretValueCommand({ SecretId: n, VersionStage: 'AWSPREVIOUS' }));
    expect([prev.SecretString, prev.VersionId, prev.VersionStages]).toEqual(['two', v2, ['AWSPREVIOUS']]);
    const byId = await t.client.send(new GetSecretValueCommand({ SecretId: n, VersionId: v2 }));
    expect(byId.SecretString).toBe('two');
    const both = await t.client.send(new GetSecretValueCommand({ SecretId: n, VersionId: v3, VersionStage: 'AWSCURRENT' }));
    expect(both.SecretString).toBe('three');
    // A deprecated (unlabelled) version is still readable by id, with no labels.
    const dep = await t.client.send(new GetSecretValueCommand({ SecretId: n, VersionId: v1 }));
    expect(dep.SecretString).toBe('one');
    expect(dep.VersionStages ?? []).toEqual([]);
  });

  it('reads by full ARN and partial ARN', async () => {
    const { n, arn } = await threeVersions();
    expect((await t.client.send(new GetSecretValueCommand({ SecretId: arn }))).Name).toBe(n);
    expect((await t.client.send(new GetSecretValueCommand({ SecretId: arn.slice(0, -7) }))).SecretString).toBe('three');
  });

  it('answers "for staging label: AWSCURRENT" for a secret created without a value', async () => {
    const n = name();
    await t.client.send(new CreateSecretCommand({ Name: n }));
    await expect(t.client.send(new GetSecretValueCommand({ SecretId: n }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT",
    });
  });

  it('returns a custom label set by PutSecretValue', async () => {
    const n = name();
    await t.client.send(new CreateSecretCommand({ Name: n, SecretString: 'cur' }));
    await t.client.send(new PutSecretValueCommand({ SecretId: n, SecretString: 'blue', VersionStages: ['blue'] }));
    expect((await t.client.send(new GetSecretValueCommand({ SecretId: n, VersionStage: 'blue' }))).SecretString).toBe('blue');
    expect((await t.client.send(new GetSecretValueCommand({ SecretId: n }))).SecretString).toBe('cur');
  });

  it('follows AWSCURRENT after UpdateSecretVersionStage', async () => {
    const { n, v2, v3 } = await threeVersions();
    await t.client.send(new UpdateSecretVersionStageCommand({ SecretId: n, VersionStage: 'AWSCURRENT', MoveToVersionId: v2, RemoveFromVersionId: v3 }));
    expect((await t.client.send(new GetSecretValueCommand({ SecretId: n }))).SecretString).toBe('two');
  });

  it('round-trips a binary value', async () => {
    const n = name();
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    await t.client.send(new CreateSecretCommand({ Name: n, SecretBinary: bytes }));
    const g = await t.client.send(new GetSecretValueCommand({ SecretId: n }));
    expect(Buffer.from(g.SecretBinary ?? new Uint8Array()).equals(bytes)).toBe(true);
    expect(g.SecretString).toBeUndefined();
  });

  it('sets LastAccessedDate on the secret and the version to midnight UTC, day by day', async () => {
    const n = name();
    const c = await t.client.send(new CreateSecretCommand({ Name: n, SecretString: 'x' }));
    const before = await t.raw('DescribeSecret', { SecretId: n });
    expect('LastAccessedDate' in before.body).toBe(false);
    await t.client.send(new GetSecretValueCommand({ SecretId: n }));
    const today = midnightUtc(Date.now());
    const d = await t.raw('DescribeSecret', { SecretId: n });
    expect(num(d.body, 'LastAccessedDate') * 1000).toBe(today);
    const l = await t.raw('ListSecretVersionIds', { SecretId: n });
    const v = (l.body.Versions as Record<string, unknown>[])[0] ?? {};
    expect(num(v, 'LastAccessedDate') * 1000).toBe(today);
    expect(v.VersionId).toBe(c.VersionId);

    // Two days later (the server's clock is shifted; signatures are still checked against real time), a
    // read moves the date to that day's midnight.
    offset = 2 * DAY_MS;
    try {
      await t.client.send(new GetSecretValueCommand({ SecretId: n }));
      const d2 = await t.client.send(new DescribeSecretCommand({ SecretId: n }));
      expect(d2.LastAccessedDate?.getTime()).toBe(midnightUtc(Date.now() + offset));
      const l2 = await t.client.send(new ListSecretVersionIdsCommand({ SecretId: n }));
      expect(l2.Versions?.[0]?.LastAccessedDate?.getTime()).toBe(midnightUtc(Date.now() + offset));
    } finally {
      offset = 0;
    }
  });

  it('does not change LastChangedDate when reading', async () => {
    const n = name();
    await t.client.send(new CreateSecretCommand({ Name: n, SecretString: 'x' }));
    const a = (await t.raw('DescribeSecret', { SecretId: n })).body.LastChangedDate;
    await t.client.send(new GetSecretValueCommand({ SecretId: n }));
    expect((await t.raw('DescribeSecret', { SecretId: n })).body.LastChangedDate).toBe(a);
  });
});
