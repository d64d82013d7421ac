import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  UpdateSecretVersionStageCommand,
  type UpdateSecretVersionStageCommandInput,
} from '@aws-sdk/client-secrets-manager';
import { startTestApp, type TestApp } from '../helpers/app.js';
import {
  INVALID_NAME_MESSAGE,
  keysOf,
  MARKED_FOR_DELETION_MESSAGE,
  NOT_FOUND_MESSAGE,
  token,
  uniqueName,
} from '../helpers/api.js';

let t: TestApp;
const name = () => uniqueName('usvs');

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

/** v1 (AWSPREVIOUS) and v2 (AWSCURRENT). */
async function twoVersions(): Promise<{ n: string; arn: string; v1: string; v2: string }> {
  const n = name();
  const v1 = token();
  const v2 = token();
  const c = await t.client.send(new CreateSecretCommand({ Name: n, SecretString: 'one', ClientRequestToken: v1 }));
  await t.client.send(new PutSecretValueCommand({ SecretId: n, SecretString: 'two', ClientRequestToken: v2 }));
  return { n, arn: c.ARN ?? '', v1, v2 };
}

async function put(n: string, value: string, stages?: string[]): Promise<string> {
  const tok = token();
  await t.client.send(new PutSecretValueCommand({ SecretId: n, SecretString: value, ClientRequestToken: tok, ...(stages ? { VersionStages: stages } : {}) }));
  return tok;
}

const move = (input: UpdateSecretVersionStageCommandInput) => t.client.send(new UpdateSecretVersionStageCommand(input));

async function stagesMap(n: string): Promise<Record<string, string[]>> {
  return (await t.client.send(new DescribeSecretCommand({ SecretId: n }))).VersionIdsToStages ?? {};
}

describe('validation', () => {
  it('rejects an invalid name', async () => {
    await expect(move({ SecretId: 'x y', VersionStage: 'L', MoveToVersionId: token() })).rejects.toMatchObject({
      name: 'ValidationException',
      message: INVALID_NAME_MESSAGE,
    });
  });

  it('answers not found for an unknown secret', async () => {
    await expect(move({ SecretId: name(), VersionStage: 'L', MoveToVersionId: token() })).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: NOT_FOUND_MESSAGE,
    });
  });

  it('requires RemoveFromVersionId to move AWSCURRENT, naming the current holder', async () => {
    const { n, v1, v2 } = await twoVersions();
    await expect(move({ SecretId: n, VersionStage: 'AWSCURRENT', MoveToVersionId: v1 })).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: `The parameter RemoveFromVersionId can't be empty. Staging label AWSCURRENT is currently attached to version ${v2}, so you must explicitly reference that version in RemoveFromVersionId.`,
    });
    expect(await stagesMap(n)).toEqual({ [v1]: ['AWSPREVIOUS'], [v2]: ['AWSCURRENT'] });
  });

  it('rejects a RemoveFromVersionId that does not hold the label', async () => {
    const { n, v1, v2 } = await twoVersions();
    const v3 = await put(n, 'three', ['side']);
    await expect(
      move({ SecretId: n, VersionStage: 'AWSCURRENT', MoveToVersionId: v1, RemoveFromVersionId: v3 }),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
    expect(await stagesMap(n)).toEqual({ [v1]: ['AWSPREVIOUS'], [v2]: ['AWSCURRENT'], [v3]: ['side'] });
  });

  it('refuses to remove AWSCURRENT completely (C5)', async () => {
    const { n, v2 } = await twoVersions();
    await expect(move({ SecretId: n, VersionStage: 'AWSCURRENT', RemoveFromVersionId: v2 })).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: 'You can only move staging label AWSCURRENT to a different secret version. It can’t be completely removed.',
    });
    expect((await t.client.send(new GetSecretValueCommand({ SecretId: n }))).VersionId).toBe(v2);
  });

  it('requires MoveToVersionId or RemoveFromVersionId', async () => {
    const { n } = await twoVersions();
    await expect(move({ SecretId: n, VersionStage: 'L' })).rejects.toMatchObject({ name: 'InvalidParameterException' });
  });

  it('rejects an unknown MoveToVersionId', async () => {
    const { n } = await twoVersions();
    await expect(move({ SecretId: n, VersionStage: 'L', MoveToVersionId: token() })).rejects.toMatchObject({
      name: 'InvalidParameterException',
    });
  });

  it('rejects removing a label from a version that does not have it', async () => {
    const { n, v1 } = await twoVersions();
    await expect(move({ SecretId: n, VersionStage: 'nothere', RemoveFromVersionId: v1 })).rejects.toMatchObject({
      name: 'InvalidParameterException',
    });
  });

  it('rejects a secret scheduled for deletion', async () => {
    const { n, v1, v2 } = await twoVersions();
    await t.client.send(new DeleteSecretCommand({ SecretId: n }));
    await expect(
      move({ SecretId: n, VersionStage: 'AWSCURRENT', MoveToVersionId: v1, RemoveFromVersionId: v2 }),
    ).rejects.toMatchObject({ name: 'InvalidRequestException', message: MARKED_FOR_DELETION_MESSAGE });
  });

  it('rejects an empty VersionStage and malformed version ids (model constraints)', async () => {
    const { n, v1 } = await twoVersions();
    const r = await t.raw('UpdateSecretVersionStage', { SecretId: n, VersionStage: '', MoveToVersionId: v1 });
    expect(r.body).toEqual({
      __type: 'ValidationException',
      Message: "1 validation error detected: Value '' at 'versionStage' failed to satisfy constraint: Member must have length greater than or equal to 1",
    });
    const r2 = await t.raw('UpdateSecretVersionStage', { SecretId: n, VersionStage: 'L', MoveToVersionId: 'short' });
    expect(r2.body.__type).toBe('ValidationException');
    expect(r2.body.Message).toContain("at 'moveToVersionId' failed to satisfy constraint: Member must have length greater than or equal to 32");
  });
});

describe('serialization', () => {
  it('returns exactly ARN and Name', async () => {
    const { n, arn, v1, v2 } = await twoVersions();
    const r = await t.raw('UpdateSecretVersionStage', { SecretId: n, VersionStage: 'AWSCURRENT', MoveToVersionId: v1, RemoveFromVersionId: v2 });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ ARN: arn, Name: n });
    expect(keysOf(r.body)).toEqual(['ARN', 'Name']);
  });
});

describe('behaviour', () => {
  it('rolls back: moving AWSCURRENT to the AWSPREVIOUS version swaps the two labels', async () => {
    const { n, v1, v2 } = await twoVersions();
    await move({ SecretId: n, VersionStage: 'AWSCURRENT', MoveToVersionId: v1, RemoveFromVersionId: v2 });
    expect(await stagesMap(n)).toEqual({ [v1]: ['AWSCURRENT'], [v2]: ['AWSPREVIOUS'] });
    expect((await t.client.send(new GetSecretValueCommand({ SecretId: n }))).SecretString).toBe('one');
  });

  it('AWSPREVIOUS follows AWSCURRENT and leaves the version that had it', async () => {
    const { n, v1, v2 } = await twoVersions();
    const v3 = await put(n, 'three', ['staged']);
    await move({ SecretId: n, VersionStage: 'AWSCURRENT', MoveToVersionId: v3, RemoveFromVersionId: v2 });
    expect(await stagesMap(n)).toEqual({ [v2]: ['AWSPREVIOUS'], [v3]: ['AWSCURRENT', 'staged'] });
    expect(Object.keys(await stagesMap(n))).not.toContain(v1);
  });

  it('keeps AWSPENDING when AWSCURRENT moves onto the pending version', async () => {
    const n = name();
    const v1 = token();
    await t.client.send(new CreateSecretCommand({ Name: n, SecretString: 'one', ClientRequestToken: v1 }));
    const v2 = await put(n, 'two', ['AWSPENDING']);
    await move({ SecretId: n, VersionStage: 'AWSCURRENT', MoveToVersionId: v2, RemoveFromVersionId: v1 });
    expect(await stagesMap(n)).toEqual({ [v1]: ['AWSPREVIOUS'], [v2]: ['AWSCURRENT', 'AWSPENDING'] });
  });

  it('keeps AWSPENDING and custom labels on the version AWSCURRENT leaves', async () => {
    const n = name();
    const v1 = token();
    await t.client.send(new CreateSecretCommand({ Name: n, SecretString: 'one', ClientRequestToken: v1 }));
    await move({ SecretId: n, VersionStage: 'AWSPENDING', MoveToVersionId: v1 });
    await move({ SecretId: n, VersionStage: 'mine', MoveToVersionId: v1 });
    const v2 = await put(n, 'two', ['other']);
    await move({ SecretId: n, VersionStage: 'AWSCURRENT', MoveToVersionId: v2, RemoveFromVersionId: v1 });
    expect(await stagesMap(n)).toEqual({ [v1]: ['AWSPENDING', 'AWSPREVIOUS', 'mine'], [v2]: ['AWSCURRENT', 'other'] });
  });

  it('moves a custom label implicitly without RemoveFromVersionId (C7), or explicitly with it', async () => {
    const { n, v1, v2 } = await twoVersions();
    await move({ SecretId: n, VersionStage: 'blue', MoveToVersionId: v1 });
    expect(await stagesMap(n)).toEqual({ [v1]: ['AWSPREVIOUS', 'blue'], [v2]: ['AWSCURRENT'] });
    await move({ SecretId: n, VersionStage: 'blue', MoveToVersionId: v2 });
    expect(await stagesMap(n)).toEqual({ [v1]: ['AWSPREVIOUS'], [v2]: ['AWSCURRENT', 'blue'] });
    await move({ SecretId: n, VersionStage: 'blue', MoveToVersionId: v1, RemoveFromVersionId: v2 });
    expect(await stagesMap(n)).toEqual({ [v1]: ['AWSPREVIOUS', 'blue'], [v2]: ['AWSCURRENT'] });
  });

  it('is a no-op when the label already is on MoveToVersionId', async () => {
    const { n, v1, v2 } = await twoVersions();
    const before = await t.raw('DescribeSecret', { SecretId: n });
    await move({ SecretId: n, VersionStage: 'AWSCURRENT', MoveToVersionId: v2 });
    await move({ SecretId: n, VersionStage: 'AWSCURRENT', MoveToVersionId: v2, RemoveFromVersionId: v2 });
    expect((await t.raw('DescribeSecret', { SecretId: n })).body).toEqual(before.body);
    expect(await stagesMap(n)).toEqual({ [v1]: ['AWSPREVIOUS'], [v2]: ['AWSCURRENT'] });
  });

  it('removing the last label deprecates a version: hidden by default, shown without VersionStages with IncludeDeprecated', async () => {
    const { n, v1, v2 } = await twoVersions();
    await move({ SecretId: n, VersionStage: 'AWSPREVIOUS', RemoveFromVersionId: v1 });
    expect(await stagesMap(n)).toEqual({ [v2]: ['AWSCURRENT'] });
    const def = await t.raw('ListSecretVersionIds', { SecretId: n });
    expect((def.body.Versions as Record<string, unknown>[]).map((v) => v.VersionId)).toEqual([v2]);
    const inc = await t.raw('ListSecretVersionIds', { SecretId: n, IncludeDeprecated: true });
    const dep = (inc.body.Versions as Record<string, unknown>[]).find((v) => v.VersionId === v1);
    expect(dep).toBeDefined();
    expect('VersionStages' in (dep ?? {})).toBe(false);
    // Still readable by VersionId, and can be made current again.
    expect((await t.client.send(new GetSecretValueCommand({ SecretId: n, VersionId: v1 }))).SecretString).toBe('one');
    await move({ SecretId: n, VersionStage: 'AWSCURRENT', MoveToVersionId: v1, RemoveFromVersionId: v2 });
    expect(await stagesMap(n)).toEqual({ [v1]: ['AWSCURRENT'], [v2]: ['AWSPREVIOUS'] });
  });

  it('enforces the 20-label limit', async () => {
    const { n, v1 } = await twoVersions();
    // AWSCURRENT and AWSPREVIOUS plus 18 custom labels = 20.
    for (let i = 0; i < 18; i++) await move({ SecretId: n, VersionStage: `c${i}`, MoveToVersionId: v1 });
    const before = await stagesMap(n);
    await expect(move({ SecretId: n, VersionStage: 'c18', MoveToVersionId: v1 })).rejects.toMatchObject({
      name: 'LimitExceededException',
    });
    expect(await stagesMap(n)).toEqual(before);
  });

  it('updates LastChangedDate', async () => {
    const { n, v1 } = await twoVersions();
    const a = (await t.client.send(new DescribeSecretCommand({ SecretId: n }))).LastChangedDate?.getTime() ?? 0;
    await new Promise((r) => setTimeout(r, 5));
    await move({ SecretId: n, VersionStage: 'x', MoveToVersionId: v1 });
    expect((await t.client.send(new DescribeSecretCommand({ SecretId: n }))).LastChangedDate?.getTime()).toBeGreaterThan(a);
  });

  it('works by full ARN', async () => {
    const { arn, v1, v2, n } = await twoVersions();
    await move({ SecretId: arn, VersionStage: 'AWSCURRENT', MoveToVersionId: v1, RemoveFromVersionId: v2 });
    expect(await stagesMap(n)).toEqual({ [v1]: ['AWSCURRENT'], [v2]: ['AWSPREVIOUS'] });
  });
});
