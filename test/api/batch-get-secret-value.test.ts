import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BatchGetSecretValueCommand,
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  PutSecretValueCommand,
} from '@aws-sdk/client-secrets-manager';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { keysOf, list, MARKED_FOR_DELETION_MESSAGE, midnightUtc, NOT_FOUND_MESSAGE, num, token, uniqueName } from '../helpers/api.js';

let t: TestApp;
let seq = 0;
/** A name prefix unique to one test, for Filters. */
const prefix = () => `bgsv${++seq}x${Date.now().toString(36)}`;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

async function create(n: string, value?: string): Promise<{ arn: string; versionId?: string }> {
  const r = await t.client.send(new CreateSecretCommand({ Name: n, ...(value !== undefined ? { SecretString: value } : {}) }));
  return { arn: r.ARN ?? '', ...(r.VersionId !== undefined ? { versionId: r.VersionId } : {}) };
}

const EITHER = "Either 'SecretIdList' or 'Filters' must be provided, but not both.";

describe('validation', () => {
  it('rejects both SecretIdList and Filters', async () => {
    await expect(
      t.client.send(new BatchGetSecretValueCommand({ SecretIdList: ['a'], Filters: [{ Key: 'name', Values: ['a'] }] })),
    ).rejects.toMatchObject({ name: 'InvalidParameterException', message: EITHER });
  });

  it('rejects neither SecretIdList nor Filters', async () => {
    await expect(t.client.send(new BatchGetSecretValueCommand({}))).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: EITHER,
    });
  });

  it('rejects MaxResults without Filters', async () => {
    await expect(t.client.send(new BatchGetSecretValueCommand({ SecretIdList: ['a'], MaxResults: 5 }))).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: "'Filters' not specified. 'Filters' must also be specified when 'MaxResults' is provided.",
    });
  });

  it('rejects more than 20 ids and MaxResults above 20 (model constraints)', async () => {
    const ids = Array.from({ length: 21 }, (_, i) => `id${i}`);
    await expect(t.client.send(new BatchGetSecretValueCommand({ SecretIdList: ids }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining("at 'secretIdList' failed to satisfy constraint: Member must have length less than or equal to 20"),
    });
    await expect(
      t.client.send(new BatchGetSecretValueCommand({ Filters: [{ Key: 'name', Values: ['x'] }], MaxResults: 21 })),
    ).rejects.toMatchObject({
      name: 'ValidationException',
      message: "1 validation error detected: Value '21' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 20",
    });
  });

  it('rejects an empty SecretIdList', async () => {
    const r = await t.raw('BatchGetSecretValue', { SecretIdList: [] });
    expect(r.body.__type).toBe('ValidationException');
    expect(r.body.Message).toContain("at 'secretIdList' failed to satisfy constraint: Member must have length greater than or equal to 1");
  });

  it('rejects a tampered NextToken', async () => {
    await expect(
      t.client.send(new BatchGetSecretValueCommand({ Filters: [{ Key: 'name', Values: ['x'] }], NextToken: 'not-a-token' })),
    ).rejects.toMatchObject({ name: 'InvalidNextTokenException', message: 'The NextToken value is invalid.' });
  });
});

describe('serialization', () => {
  it('returns SecretValues entries like GetSecretValue and an empty error list', async () => {
    const n = uniqueName('bg');
    const tok = token();
    const c = await t.raw('CreateSecret', { Name: n, SecretString: 'v', ClientRequestToken: tok });
    const r = await t.raw('BatchGetSecretValue', { SecretIdList: [n] });
    expect(r.status).toBe(200);
    const values = list(r.body, 'SecretValues');
    expect(values).toHaveLength(1);
    const v = values[0] ?? {};
    expect(keysOf(v)).toEqual(['ARN', 'CreatedDate', 'Name', 'SecretString', 'VersionId', 'VersionStages']);
    expect(v).toMatchObject({ ARN: c.body.ARN, Name: n, SecretString: 'v', VersionId: tok, VersionStages: ['AWSCURRENT'] });
    expect(typeof v.CreatedDate).toBe('number');
    expect(r.body.Errors ?? []).toEqual([]);
    expect('NextToken' in r.body).toBe(false);
  });

  it('returns per-item errors as {SecretId, ErrorCode, Message}', async () => {
    const missing = uniqueName('bg-missing');
    const r = await t.raw('BatchGetSecretValue', { SecretIdList: [missing] });
    expect(r.status).toBe(200);
    expect(r.body.SecretValues).toEqual([]);
    expect(r.body.Errors).toEqual([{ SecretId: missing, ErrorCode: 'ResourceNotFoundException', Message: NOT_FOUND_MESSAGE }]);
  });
});

describe('behaviour', () => {
  it('fetches a list of ids (names, ARNs, partial ARNs) and reports partial failures without failing the call', async () => {
    const a = uniqueName('bg-a');
    const b = uniqueName('bg-b');
    const del = uniqueName('bg-del');
    const empty = uniqueName('bg-empty');
    const missing = uniqueName('bg-missing');
    const ca = await create(a, 'A');
    const cb = await create(b, 'B');
    await create(del, 'D');
    await create(empty);
    await t.client.send(new DeleteSecretCommand({ SecretId: del, RecoveryWindowInDays: 7 }));
    const partialB = cb.arn.slice(0, -7);
    const r = await t.client.send(
      new BatchGetSecretValueCommand({ SecretIdList: [a, partialB, missing, del, empty, ca.arn] }),
    );
    expect(r.SecretValues?.map((v) => [v.Name, v.SecretString, v.VersionStages])).toEqual([
      [a, 'A', ['AWSCURRENT']],
      [b, 'B', ['AWSCURRENT']],
      [a, 'A', ['AWSCURRENT']],
    ]);
    expect(r.SecretValues?.[0]?.ARN).toBe(ca.arn);
    expect(r.SecretValues?.[0]?.VersionId).toBe(ca.versionId);
    expect(r.Errors).toEqual([
      { SecretId: missing, ErrorCode: 'ResourceNotFoundException', Message: NOT_FOUND_MESSAGE },
      { SecretId: del, ErrorCode: 'InvalidRequestException', Message: MARKED_FOR_DELETION_MESSAGE },
      {
        SecretId: empty,
        ErrorCode: 'ResourceNotFoundException',
        Message: "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT",
      },
    ]);
  });

  it('returns the AWSCURRENT value', async () => {
    const n = uniqueName('bg-cur');
    await create(n, 'old');
    const p = await t.client.send(new PutSecretValueCommand({ SecretId: n, SecretString: 'new' }));
    await t.client.send(new PutSecretValueCommand({ SecretId: n, SecretString: 'side', VersionStages: ['side'] }));
    const r = await t.client.send(new BatchGetSecretValueCommand({ SecretIdList: [n] }));
    expect(r.SecretValues?.map((v) => [v.SecretString, v.VersionId])).toEqual([['new', p.VersionId]]);
  });

  it('selects secrets by Filters, excluding those scheduled for deletion', async () => {
    const p = prefix();
    await create(`${p}/one`, '1');
    await create(`${p}/two`, '2');
    await create(`${p}/gone`, 'g');
    await create(`other${p}`, 'o');
    await t.client.send(new DeleteSecretCommand({ SecretId: `${p}/gone` }));
    const r = await t.client.send(new BatchGetSecretValueCommand({ Filters: [{ Key: 'name', Values: [p] }] }));
    expect(r.SecretValues?.map((v) => v.Name).sort()).toEqual([`${p}/one`, `${p}/two`]);
    expect(r.Errors ?? []).toEqual([]);
    expect(r.NextToken).toBeUndefined();
  });

  it('reports secrets without a value found by Filters as errors', async () => {
    const p = prefix();
    await create(`${p}/empty`);
    await create(`${p}/full`, 'f');
    const r = await t.client.send(new BatchGetSecretValueCommand({ Filters: [{ Key: 'name', Values: [p] }] }));
    expect(r.SecretValues?.map((v) => v.SecretString)).toEqual(['f']);
    expect(r.Errors?.map((e) => e.ErrorCode)).toEqual(['ResourceNotFoundException']);
  });

  it('paginates Filters results with MaxResults and NextToken', async () => {
    const p = prefix();
    const names: string[] = [];
    for (let i = 0; i < 7; i++) {
      names.push(`${p}/s${i}`);
      await create(`${p}/s${i}`, `v${i}`);
    }
    const seen: string[] = [];
    let next: string | undefined;
    let pages = 0;
    do {
      const r = await t.client.send(
        new BatchGetSecretValueCommand({ Filters: [{ Key: 'name', Values: [p] }], MaxResults: 3, ...(next ? { NextToken: next } : {}) }),
      );
      expect((r.SecretValues ?? []).length).toBeLessThanOrEqual(3);
      for (const v of r.SecretValues ?? []) seen.push(v.Name ?? '');
      next = r.NextToken;
      pages++;
    } while (next !== undefined && pages < 10);
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(seen.sort()).toEqual(names.sort());
  });

  it('updates LastAccessedDate of the secrets it returns', async () => {
    const n = uniqueName('bg-access');
    await create(n, 'x');
    await t.client.send(new BatchGetSecretValueCommand({ SecretIdList: [n] }));
    const d = await t.raw('DescribeSecret', { SecretId: n });
    expect(num(d.body, 'LastAccessedDate') * 1000).toBe(midnightUtc(Date.now()));
  });

  it('reports an invalid name in the list as a per-item error', async () => {
    const n = uniqueName('bg-valid');
    await create(n, 'ok');
    const r = await t.client.send(new BatchGetSecretValueCommand({ SecretIdList: [n, 'bad name'] }));
    expect(r.SecretValues?.map((v) => v.SecretString)).toEqual(['ok']);
    expect(r.Errors?.[0]).toMatchObject({ SecretId: 'bad name', ErrorCode: 'ValidationException' });
    // The secrets themselves are untouched.
    expect((await t.client.send(new DescribeSecretCommand({ SecretId: n }))).Name).toBe(n);
  });
});
