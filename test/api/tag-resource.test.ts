import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateSecretCommand, DeleteSecretCommand, DescribeSecretCommand, TagResourceCommand, type Tag } from '@aws-sdk/client-secrets-manager';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { INVALID_NAME_MESSAGE, MARKED_FOR_DELETION_MESSAGE, NOT_FOUND_MESSAGE, uniqueName } from '../helpers/api.js';

let t: TestApp;
const name = () => uniqueName('tag');

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

const tag = (SecretId: string, Tags: Tag[]) => t.client.send(new TagResourceCommand({ SecretId, Tags }));
const tagsOf = async (n: string) => (await t.client.send(new DescribeSecretCommand({ SecretId: n }))).Tags;

describe('validation', () => {
  it('rejects an invalid name', async () => {
    await expect(tag('no way!?', [{ Key: 'a', Value: 'b' }])).rejects.toMatchObject({
      name: 'ValidationException',
      message: INVALID_NAME_MESSAGE,
    });
  });

  it('answers not found for an unknown secret', async () => {
    await expect(tag(name(), [{ Key: 'a', Value: 'b' }])).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: NOT_FOUND_MESSAGE,
    });
  });

  it('reserves the aws: prefix and changes nothing', async () => {
    const n = name();
    await create(n, [{ Key: 'keep', Value: '1' }]);
    await expect(tag(n, [{ Key: 'ok', Value: '1' }, { Key: 'aws:createdBy', Value: 'me' }])).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: expect.stringContaining('aws:'),
    });
    expect(await tagsOf(n)).toEqual([{ Key: 'keep', Value: '1' }]);
  });

  it('rejects keys longer than 128 and values longer than 256 characters, and an empty key', async () => {
    const n = name();
    await create(n);
    await expect(tag(n, [{ Key: 'k'.repeat(129), Value: 'v' }])).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining("at 'tags.1.member.key' failed to satisfy constraint: Member must have length less than or equal to 128"),
    });
    await expect(tag(n, [{ Key: 'k', Value: 'v'.repeat(257) }])).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining("at 'tags.1.member.value' failed to satisfy constraint: Member must have length less than or equal to 256"),
    });
    await expect(tag(n, [{ Key: '', Value: 'v' }])).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining("at 'tags.1.member.key' failed to satisfy constraint: Member must have length greater than or equal to 1"),
    });
    expect(await tagsOf(n)).toBeUndefined();
  });

  it('rejects more than 50 tags on a secret', async () => {
    const n = name();
    await create(n, Array.from({ length: 40 }, (_, i) => ({ Key: `a${i}`, Value: '' })));
    await expect(tag(n, Array.from({ length: 11 }, (_, i) => ({ Key: `b${i}`, Value: '' })))).rejects.toMatchObject({
      name: 'InvalidParameterException',
    });
    expect(await tagsOf(n)).toHaveLength(40);
    await tag(n, Array.from({ length: 10 }, (_, i) => ({ Key: `b${i}`, Value: '' })));
    expect(await tagsOf(n)).toHaveLength(50);
  });

  it('rejects a tag without a Key (the model does not require it) instead of failing', async () => {
    const n = name();
    await create(n);
    for (const tags of [[{}], [{ Value: 'v' }], [{ Key: null, Value: null }]]) {
      const r = await t.raw('TagResource', { SecretId: n, Tags: tags });
      expect(r.status).toBe(400);
      expect(r.body.__type).toBe('InvalidParameterException');
      const c = await t.raw('CreateSecret', { Name: name(), Tags: tags });
      expect(c.status).toBe(400);
      expect(c.body.__type).toBe('InvalidParameterException');
    }
    expect(await tagsOf(n)).toBeUndefined();
  });

  it('rejects a missing Tags member', async () => {
    const n = name();
    await create(n);
    const r = await t.raw('TagResource', { SecretId: n });
    expect(r.body).toEqual({
      __type: 'ValidationException',
      Message: "1 validation error detected: Value null at 'tags' failed to satisfy constraint: Member must not be null",
    });
  });

  it('rejects a secret scheduled for deletion', async () => {
    const n = name();
    await create(n);
    await t.client.send(new DeleteSecretCommand({ SecretId: n }));
    await expect(tag(n, [{ Key: 'a', Value: 'b' }])).rejects.toMatchObject({
      name: 'InvalidRequestException',
      message: MARKED_FOR_DELETION_MESSAGE,
    });
  });
});

describe('serialization', () => {
  it('answers 200 with an empty JSON object', async () => {
    const n = name();
    await create(n);
    const r = await t.raw('TagResource', { SecretId: n, Tags: [{ Key: 'a', Value: 'b' }] });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({});
    expect(r.headers.get('content-type')).toBe('application/x-amz-json-1.1');
  });

  it('DescribeSecret shows tags as {Key, Value} in insertion order', async () => {
    const n = name();
    await create(n);
    await tag(n, [{ Key: 'z', Value: '1' }, { Key: 'a', Value: '2' }]);
    const d = await t.raw('DescribeSecret', { SecretId: n });
    expect(d.body.Tags).toEqual([{ Key: 'z', Value: '1' }, { Key: 'a', Value: '2' }]);
  });
});

describe('behaviour', () => {
  it('adds tags to an untagged secret', async () => {
    const n = name();
    await create(n);
    expect(await tagsOf(n)).toBeUndefined();
    await tag(n, [{ Key: 'team', Value: 'core' }]);
    expect(await tagsOf(n)).toEqual([{ Key: 'team', Value: 'core' }]);
  });

  it('overwrites the value of an existing key and appends new keys', async () => {
    const n = name();
    await create(n, [{ Key: 'env', Value: 'dev' }, { Key: 'team', Value: 'core' }]);
    await tag(n, [{ Key: 'env', Value: 'prod' }, { Key: 'cost', Value: '42' }]);
    expect(await tagsOf(n)).toEqual([
      { Key: 'env', Value: 'prod' },
      { Key: 'team', Value: 'core' },
      { Key: 'cost', Value: '42' },
    ]);
  });

  it('treats keys case-sensitively', async () => {
    const n = name();
    await create(n, [{ Key: 'env', Value: 'a' }]);
    await tag(n, [{ Key: 'Env', Value: 'b' }]);
    expect(await tagsOf(n)).toEqual([{ Key: 'env', Value: 'a' }, { Key: 'Env', Value: 'b' }]);
  });

  it('accepts an empty value, and a missing value as the empty value', async () => {
    const n = name();
    await create(n);
    await tag(n, [{ Key: 'flag', Value: '' }]);
    expect(await tagsOf(n)).toEqual([{ Key: 'flag', Value: '' }]);
    const r = await t.raw('TagResource', { SecretId: n, Tags: [{ Key: 'bare' }, { Key: 'nulled', Value: null }] });
    expect(r.status).toBe(200);
    expect((await t.raw('DescribeSecret', { SecretId: n })).body.Tags).toEqual([
      { Key: 'flag', Value: '' },
      { Key: 'bare', Value: '' },
      { Key: 'nulled', Value: '' },
    ]);
    // Such tags do not break the tag filters.
    const l = await t.raw('ListSecrets', { Filters: [{ Key: 'name', Values: [n] }, { Key: 'tag-value', Values: ['x'] }, { Key: 'all', Values: ['bare'] }] });
    expect(l.status).toBe(200);
  });

  it('works by full ARN and partial ARN, and updates LastChangedDate', async () => {
    const n = name();
    const arn = await create(n);
    const a = (await t.client.send(new DescribeSecretCommand({ SecretId: n }))).LastChangedDate?.getTime() ?? 0;
    await new Promise((r) => setTimeout(r, 5));
    await tag(arn, [{ Key: 'one', Value: '1' }]);
    await tag(arn.slice(0, -7), [{ Key: 'two', Value: '2' }]);
    const d = await t.client.send(new DescribeSecretCommand({ SecretId: n }));
    expect(d.Tags).toEqual([{ Key: 'one', Value: '1' }, { Key: 'two', Value: '2' }]);
    expect(d.LastChangedDate?.getTime()).toBeGreaterThan(a);
  });
});
