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
  INVALID_NAME_MESSAGE,
  keysOf,
  labels,
  MARKED_FOR_DELETION_MESSAGE,
  MISSING_TOKEN_MESSAGE,
  NOT_FOUND_MESSAGE,
  token,
  uniqueName,
} from '../helpers/api.js';

let t: TestApp;
let offset = 0;
const HOUR = 3_600_000;
const name = () => uniqueName('put');

beforeAll(async () => {
  // Small retention numbers so that version purging and the version quota are reachable (spec §2.4).
  t = await startTestApp({ retention: { maxVersions: 5, minAgeHours: 1 }, clock: () => Date.now() + offset });
});
afterAll(async () => {
  await t.close();
});

async function create(n: string, value = 'v0', tok = token()): Promise<string> {
  await t.client.send(new CreateSecretCommand({ Name: n, SecretString: value, ClientRequestToken: tok }));
  return tok;
}

async function put(n: string, value: string, stages?: string[], tok = token()): Promise<string> {
  await t.client.send(
    new PutSecretValueCommand({ SecretId: n, SecretString: value, ClientRequestToken: tok, ...(stages ? { VersionStages: stages } : {}) }),
  );
  return tok;
}

async function stagesMap(n: string): Promise<Record<string, string[]>> {
  const d = await t.client.send(new DescribeSecretCommand({ SecretId: n }));
  return d.VersionIdsToStages ?? {};
}

async function allVersionIds(n: string): Promise<string[]> {
  const l = await t.client.send(new ListSecretVersionIdsCommand({ SecretId: n, IncludeDeprecated: true }));
  return (l.Versions ?? []).map((v) => v.VersionId ?? '').sort();
}

describe('validation', () => {
  it('rejects an invalid name', async () => {
    await expect(t.client.send(new PutSecretValueCommand({ SecretId: 'a b', SecretString: 'x' }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: INVALID_NAME_MESSAGE,
    });
  });

  it('answers not found for an unknown secret', async () => {
    await expect(t.client.send(new PutSecretValueCommand({ SecretId: name(), SecretString: 'x' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: NOT_FOUND_MESSAGE,
    });
  });

  it('requires a value', async () => {
    const n = name();
    await create(n);
    await expect(t.client.send(new PutSecretValueCommand({ SecretId: n }))).rejects.toMatchObject({
      name: 'InvalidRequestException',
      message: 'You must provide either SecretString or SecretBinary.',
    });
  });

  it('rejects both SecretString and SecretBinary', async () => {
    const n = name();
    await create(n);
    await expect(
      t.client.send(new PutSecretValueCommand({ SecretId: n, SecretString: 'a', SecretBinary: Buffer.from('b') })),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
    expect(Object.keys(await stagesMap(n))).toHaveLength(1);
  });

  it('rejects a raw request without ClientRequestToken, even for an unknown or invalid SecretId', async () => {
    const n = name();
    await create(n);
    for (const id of [n, name(), 'bad name']) {
      const r = await t.raw('PutSecretValue', { SecretId: id, SecretString: 'x' });
      expect(r.status).toBe(400);
      expect(r.body).toEqual({ __type: 'InvalidRequestException', Message: MISSING_TOKEN_MESSAGE });
    }
  });

  it('rejects a secret scheduled for deletion', async () => {
    const n = name();
    await create(n);
    await t.client.send(new DeleteSecretCommand({ SecretId: n }));
    await expect(t.client.send(new PutSecretValueCommand({ SecretId: n, SecretString: 'x' }))).rejects.toMatchObject({
      name: 'InvalidRequestException',
      message: MARKED_FOR_DELETION_MESSAGE,
    });
  });

  it('rejects more than 20 VersionStages, an empty list and a too long label (model constraints)', async () => {
    const n = name();
    await create(n);
    const many = Array.from({ length: 21 }, (_, i) => `l${i}`);
    await expect(t.client.send(new PutSecretValueCommand({ SecretId: n, SecretString: 'x', VersionStages: many }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining("at 'versionStages' failed to satisfy constraint: Member must have length less than or equal to 20"),
    });
    await expect(t.client.send(new PutSecretValueCommand({ SecretId: n, SecretString: 'x', VersionStages: [] }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining("at 'versionStages' failed to satisfy constraint: Member must have length greater than or equal to 1"),
    });
    await expect(
      t.client.send(new PutSecretValueCommand({ SecretId: n, SecretString: 'x', VersionStages: ['x'.repeat(257)] })),
    ).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining("at 'versionStages.1.member' failed to satisfy constraint: Member must have length less than or equal to 256"),
    });
  });

  it('rejects a token shorter than 32 characters', async () => {
    const n = name();
    await create(n);
    await expect(
      t.client.send(new PutSecretValueCommand({ SecretId: n, SecretString: 'x', ClientRequestToken: 'x'.repeat(31) })),
    ).rejects.toMatchObject({
      name: 'ValidationException',
      message: `1 validation error detected: Value '${'x'.repeat(31)}' at 'clientRequestToken' failed to satisfy constraint: Member must have length greater than or equal to 32`,
    });
  });
});

describe('serialization', () => {
  it('returns exactly ARN, Name, VersionId and sorted VersionStages', async () => {
    const n = name();
    await create(n);
    const tok = token();
    const r = await t.raw('PutSecretValue', { SecretId: n, SecretString: 'x', ClientRequestToken: tok, VersionStages: ['b', 'AWSCURRENT', 'a'] });
    expect(r.status).toBe(200);
    expect(keysOf(r.body)).toEqual(['ARN', 'Name', 'VersionId', 'VersionStages']);
    expect(r.body).toMatchObject({ Name: n, VersionId: tok, VersionStages: ['AWSCURRENT', 'a', 'b'] });
  });
});

describe('behaviour', () => {
  it('moves AWSCURRENT to the new version, AWSPREVIOUS to the old one, and drops the older AWSPREVIOUS', async () => {
    const n = name();
    const v1 = await create(n, 'one');
    const v2 = await put(n, 'two');
    expect(await stagesMap(n)).toEqual({ [v1]: ['AWSPREVIOUS'], [v2]: ['AWSCURRENT'] });
    const v3 = await put(n, 'three');
    // v1 lost its last label: deprecated, hidden from the map.
    expect(await stagesMap(n)).toEqual({ [v2]: ['AWSPREVIOUS'], [v3]: ['AWSCURRENT'] });
    expect((await t.client.send(new GetSecretValueCommand({ SecretId: n }))).SecretString).toBe('three');
    expect(await allVersionIds(n)).toEqual([v1, v2, v3].sort());
  });

  it('the response lists the labels of the new version', async () => {
    const n = name();
    await create(n);
    const r = await t.client.send(new PutSecretValueCommand({ SecretId: n, SecretString: 'x' }));
    expect(r.VersionStages).toEqual(['AWSCURRENT']);
    expect(r.VersionId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('is idempotent for the same token and value and returns the version\'s current labels', async () => {
    const n = name();
    await create(n);
    const tok = token();
    const first = await t.client.send(new PutSecretValueCommand({ SecretId: n, SecretString: 'same', ClientRequestToken: tok }));
    expect(first.VersionStages).toEqual(['AWSCURRENT']);
    await put(n, 'later');
    const again = await t.client.send(new PutSecretValueCommand({ SecretId: n, SecretString: 'same', ClientRequestToken: tok }));
    expect([again.VersionId, again.VersionStages, again.ARN]).toEqual([tok, ['AWSPREVIOUS'], first.ARN]);
    // Nothing changed: the later value is still current and there is no extra version.
    expect((await t.client.send(new GetSecretValueCommand({ SecretId: n }))).SecretString).toBe('later');
    expect(await allVersionIds(n)).toHaveLength(3);
  });

  it('rejects the same token with a different value', async () => {
    const n = name();
    const v1 = await create(n, 'orig');
    const arn = (await t.client.send(new DescribeSecretCommand({ SecretId: n }))).ARN ?? '';
    const message = `You can't use ClientRequestToken ${v1} because that value is already in use for a version of secret ${arn}.`;
    await expect(put(n, 'changed', undefined, v1)).rejects.toMatchObject({ name: 'ResourceExistsException', message });
    await expect(
      t.client.send(new PutSecretValueCommand({ SecretId: n, SecretBinary: Buffer.from('orig'), ClientRequestToken: v1 })),
    ).rejects.toMatchObject({ name: 'ResourceExistsException', message });
    expect((await t.client.send(new GetSecretValueCommand({ SecretId: n }))).SecretString).toBe('orig');
  });

  it('allows the same token on two different secrets', async () => {
    const a = name();
    const b = name();
    const tok = await create(a, 'a');
    await create(b, 'b0');
    await put(b, 'b1', undefined, tok);
    expect((await t.client.send(new GetSecretValueCommand({ SecretId: b }))).VersionId).toBe(tok);
    expect((await t.client.send(new GetSecretValueCommand({ SecretId: a }))).SecretString).toBe('a');
  });

  it('does not move AWSCURRENT when VersionStages leaves it out', async () => {
    const n = name();
    const v1 = await create(n, 'current');
    const v2 = await put(n, 'pending', ['AWSPENDING']);
    expect(await stagesMap(n)).toEqual({ [v1]: ['AWSCURRENT'], [v2]: ['AWSPENDING'] });
    expect((await t.client.send(new GetSecretValueCommand({ SecretId: n }))).SecretString).toBe('current');
    expect((await t.client.send(new GetSecretValueCommand({ SecretId: n, VersionStage: 'AWSPENDING' }))).SecretString).toBe('pending');
  });

  it('attaches AWSCURRENT to the first version of an empty secret even if not listed', async () => {
    const n = name();
    await t.client.send(new CreateSecretCommand({ Name: n }));
    const r = await t.client.send(new PutSecretValueCommand({ SecretId: n, SecretString: 'first', VersionStages: ['custom'] }));
    expect(r.VersionStages).toEqual(['AWSCURRENT', 'custom']);
    expect((await t.client.send(new GetSecretValueCommand({ SecretId: n }))).SecretString).toBe('first');
  });

  it('moves listed labels implicitly from other versions', async () => {
    const n = name();
    const v1 = await create(n);
    const v2 = await put(n, 'a', ['one', 'two', 'three']);
    const v3 = await put(n, 'b', ['four', 'one', 'two']);
    expect(await stagesMap(n)).toEqual({ [v1]: ['AWSCURRENT'], [v2]: ['three'], [v3]: ['four', 'one', 'two'] });
    // Full overlap: v3 loses every label and is deprecated.
    const v4 = await put(n, 'c', ['four', 'one', 'two']);
    expect(await stagesMap(n)).toEqual({ [v1]: ['AWSCURRENT'], [v2]: ['three'], [v4]: ['four', 'one', 'two'] });
    const l = await t.raw('ListSecretVersionIds', { SecretId: n, IncludeDeprecated: true });
    const dep = (l.body.Versions as Record<string, unknown>[]).find((v) => v.VersionId === v3) ?? {};
    expect('VersionStages' in dep).toBe(false);
  });

  it('moves AWSCURRENT with custom labels when both are listed', async () => {
    const n = name();
    const v1 = await create(n);
    const v2 = await put(n, 'x', ['blue']);
    const v3 = await put(n, 'y', ['AWSCURRENT', 'blue']);
    expect(await stagesMap(n)).toEqual({ [v1]: ['AWSPREVIOUS'], [v3]: ['AWSCURRENT', 'blue'] });
    expect(Object.keys(await stagesMap(n))).not.toContain(v2);
  });

  it('removes AWSPENDING from a pending version when a new AWSCURRENT is created (C1)', async () => {
    const n = name();
    const v1 = await create(n);
    const v2 = await put(n, 'pending', ['AWSPENDING']);
    const v3 = await put(n, 'manual');
    expect(await stagesMap(n)).toEqual({ [v1]: ['AWSPREVIOUS'], [v3]: ['AWSCURRENT'] });
    await expect(t.client.send(new GetSecretValueCommand({ SecretId: n, VersionStage: 'AWSPENDING' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: "Secrets Manager can't find the specified secret value for staging label: AWSPENDING",
    });
    expect(await allVersionIds(n)).toContain(v2);
  });

  it('removes AWSPENDING from the old current version too (C1)', async () => {
    const n = name();
    const v1 = await create(n);
    await t.client.send(new UpdateSecretVersionStageCommand({ SecretId: n, VersionStage: 'AWSPENDING', MoveToVersionId: v1 }));
    expect(await stagesMap(n)).toEqual({ [v1]: ['AWSCURRENT', 'AWSPENDING'] });
    const v2 = await put(n, 'new');
    expect(await stagesMap(n)).toEqual({ [v1]: ['AWSPREVIOUS'], [v2]: ['AWSCURRENT'] });
  });

  it('keeps custom labels on other versions when AWSCURRENT moves', async () => {
    const n = name();
    const v1 = await create(n);
    const v2 = await put(n, 'x', ['keep']);
    const v3 = await put(n, 'y');
    expect(await stagesMap(n)).toEqual({ [v1]: ['AWSPREVIOUS'], [v2]: ['keep'], [v3]: ['AWSCURRENT'] });
  });

  it('allows 20 labels on a secret and rejects the 21st with LimitExceededException', async () => {
    const n = name();
    await create(n);
    const nineteen = Array.from({ length: 19 }, (_, i) => `label${i}`);
    await put(n, 'many', nineteen);
    const before = await stagesMap(n);
    await expect(put(n, 'one more', ['label-extra'])).rejects.toMatchObject({ name: 'LimitExceededException' });
    expect(await stagesMap(n)).toEqual(before);
    // Moving an existing label does not add one.
    await put(n, 'moved', ['label0']);
  });

  it('round-trips a binary value', async () => {
    const n = name();
    await create(n);
    const bytes = Buffer.from([1, 2, 3, 0, 254, 255]);
    const r = await t.client.send(new PutSecretValueCommand({ SecretId: n, SecretBinary: bytes }));
    const g = await t.client.send(new GetSecretValueCommand({ SecretId: n, VersionId: r.VersionId }));
    expect(Buffer.from(g.SecretBinary ?? new Uint8Array()).equals(bytes)).toBe(true);
    expect(g.SecretString).toBeUndefined();
  });

  it('updates LastChangedDate', async () => {
    const n = name();
    await create(n);
    const a = (await t.client.send(new DescribeSecretCommand({ SecretId: n }))).LastChangedDate?.getTime() ?? 0;
    await new Promise((r) => setTimeout(r, 5));
    await put(n, 'x');
    const b = (await t.client.send(new DescribeSecretCommand({ SecretId: n }))).LastChangedDate?.getTime() ?? 0;
    expect(b).toBeGreaterThan(a);
  });

  it('works through a full ARN and a partial ARN', async () => {
    const n = name();
    await create(n);
    const arn = (await t.client.send(new DescribeSecretCommand({ SecretId: n }))).ARN ?? '';
    await put(arn, 'by-arn');
    expect((await t.client.send(new GetSecretValueCommand({ SecretId: n }))).SecretString).toBe('by-arn');
    await put(arn.slice(0, -7), 'by-partial');
    expect((await t.client.send(new GetSecretValueCommand({ SecretId: n }))).SecretString).toBe('by-partial');
  });
});

describe('behaviour: version retention (maxVersions 5, minAgeHours 1)', () => {
  it('never purges deprecated versions younger than the minimum age: LimitExceededException instead', async () => {
    const n = name();
    const ids = [await create(n, 'v0')];
    for (let i = 1; i < 5; i++) ids.push(await put(n, `v${i}`));
    expect(await allVersionIds(n)).toHaveLength(5);
    // Three deprecated versions, all younger than an hour: nothing can be purged.
    await expect(put(n, 'v5')).rejects.toMatchObject({ name: 'LimitExceededException' });
    expect(await allVersionIds(n)).toEqual([...ids].sort());
    expect((await t.client.send(new GetSecretValueCommand({ SecretId: n }))).SecretString).toBe('v4');
  });

  it('purges the oldest deprecated version once it is old enough; its VersionId then reads as deleted (C4)', async () => {
    const n = name();
    const ids = [await create(n, 'v0')];
    for (let i = 1; i < 5; i++) ids.push(await put(n, `v${i}`));
    offset = 2 * HOUR;
    try {
      const v5 = await put(n, 'v5');
      const [oldest] = ids;
      const remaining = await allVersionIds(n);
      expect(remaining).toHaveLength(5);
      expect(remaining).not.toContain(oldest);
      expect(remaining).toContain(v5);
      await expect(t.client.send(new GetSecretValueCommand({ SecretId: n, VersionId: oldest }))).rejects.toMatchObject({
        name: 'InvalidRequestException',
        message: `You can't perform this operation on secret version ${oldest ?? ''} because it was deleted.`,
      });
      // A VersionId that never existed is still "not found".
      const never = token();
      await expect(t.client.send(new GetSecretValueCommand({ SecretId: n, VersionId: never }))).rejects.toMatchObject({
        name: 'ResourceNotFoundException',
        message: `Secrets Manager can't find the specified secret value for VersionId: ${never}`,
      });
      // Labelled versions are never purged.
      const m = await stagesMap(n);
      expect(labels(m[v5])).toEqual(['AWSCURRENT']);
      expect(labels(m[ids[4] ?? ''])).toEqual(['AWSPREVIOUS']);
    } finally {
      offset = 0;
    }
  });

  it('answers LimitExceededException when every version is labelled, whatever their age', async () => {
    const n = name();
    await create(n, 'v0');
    await put(n, 'a', ['A']);
    await put(n, 'b', ['B']);
    await put(n, 'c', ['C']);
    await put(n, 'd', ['D']);
    offset = 48 * HOUR;
    try {
      await expect(put(n, 'e', ['E'])).rejects.toMatchObject({ name: 'LimitExceededException' });
      await expect(put(n, 'f')).rejects.toMatchObject({ name: 'LimitExceededException' });
      expect(await allVersionIds(n)).toHaveLength(5);
    } finally {
      offset = 0;
    }
  });

  it('an idempotent retry does not count against the version limit', async () => {
    const n = name();
    await create(n, 'v0');
    let last = '';
    for (let i = 1; i < 5; i++) last = await put(n, `v${i}`);
    const again = await t.client.send(new PutSecretValueCommand({ SecretId: n, SecretString: 'v4', ClientRequestToken: last }));
    expect(again.VersionStages).toEqual(['AWSCURRENT']);
  });
});
