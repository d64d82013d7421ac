import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  UntagResourceCommand,
  type Tag,
} from '@aws-sdk/client-secrets-manager';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { INVALID_NAME_MESSAGE, MARKED_FOR_DELETION_MESSAGE, NOT_FOUND_MESSAGE, uniqueName } from '../helpers/api.js';

let t: TestApp;
const name = () => uniqueName('untag');

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

async function create(n: string, tags?: Tag[]): Promise<string> {
  const r = await t.client.send(new CreateSecretCommand({ Name: n, SecretString: 'v', ...(tags ? { Tags: tags } : {}) }));
  return r.ARN ?? '';
}

const untag = (SecretId: string, TagKeys: string[]) => t.client.send(new UntagResourceCommand({ SecretId, TagKeys }));

describe('validation', () => {
  it('rejects an invalid name', async () => {
    await expect(untag('x#y', ['a'])).rejects.toMatchObject({ name: 'ValidationException', message: INVALID_NAME_MESSAGE });
  });

  it('answers not found for an unknown secret', async () => {
    await expect(untag(name(), ['a'])).rejects.toMatchObject({ name: 'ResourceNotFoundException', message: NOT_FOUND_MESSAGE });
  });

  it('rejects a missing TagKeys member and a key longer than 128', async () => {
    const n = name();
    await create(n, [{ Key: 'a', Value: 'b' }]);
    const r = await t.raw('UntagResource', { SecretId: n });
    expect(r.body).toEqual({
      __type: 'ValidationException',
      Message: "1 validation error detected: Value null at 'tagKeys' failed to satisfy constraint: Member must not be null",
    });
    await expect(untag(n, ['k'.repeat(129)])).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining("at 'tagKeys.1.member' failed to satisfy constraint: Member must have length less than or equal to 128"),
    });
  });

  it('rejects a secret scheduled for deletion', async () => {
    const n = name();
    await create(n, [{ Key: 'a', Value: 'b' }]);
    await t.client.send(new DeleteSecretCommand({ SecretId: n }));
    await expect(untag(n, ['a'])).rejects.toMatchObject({ name: 'InvalidRequestException', message: MARKED_FOR_DELETION_MESSAGE });
    expect((await t.client.send(new DescribeSecretCommand({ SecretId: n }))).Tags).toEqual([{ Key: 'a', Value: 'b' }]);
  });
});

describe('serialization', () => {
  it('answers 200 with an empty JSON object', async () => {
    const n = name();
    await create(n, [{ Key: 'a', Value: 'b' }]);
    const r = await t.raw('UntagResource', { SecretId: n, TagKeys: ['a'] });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({});
  });

  it('leaves Tags: [] after the last tag is removed', async () => {
    const n = name();
    await create(n, [{ Key: 'a', Value: 'b' }]);
    await untag(n, ['a']);
    const d = await t.raw('DescribeSecret', { SecretId: n });
    expect(d.body.Tags).toEqual([]);
  });
});

describe('behaviour', () => {
  it('removes the listed keys and keeps the others', async () => {
    const n = name();
    await create(n, [{ Key: 'a', Value: '1' }, { Key: 'b', Value: '2' }, { Key: 'c', Value: '3' }]);
    await untag(n, ['a', 'c']);
    expect((await t.client.send(new DescribeSecretCommand({ SecretId: n }))).Tags).toEqual([{ Key: 'b', Value: '2' }]);
  });

  it('ignores keys that are not attached, and matches keys case-sensitively', async () => {
    const n = name();
    await create(n, [{ Key: 'Env', Value: 'x' }]);
    await untag(n, ['env', 'missing']);
    expect((await t.client.send(new DescribeSecretCommand({ SecretId: n }))).Tags).toEqual([{ Key: 'Env', Value: 'x' }]);
  });

  it('works by full ARN and updates LastChangedDate', async () => {
    const n = name();
    const arn = await create(n, [{ Key: 'a', Value: '1' }]);
    const before = (await t.client.send(new DescribeSecretCommand({ SecretId: n }))).LastChangedDate?.getTime() ?? 0;
    await new Promise((r) => setTimeout(r, 5));
    await untag(arn, ['a']);
    const d = await t.client.send(new DescribeSecretCommand({ SecretId: n }));
    expect(d.Tags).toEqual([]);
    expect(d.LastChangedDate?.getTime()).toBeGreaterThan(before);
  });
});
