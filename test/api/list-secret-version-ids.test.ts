import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  type ListSecretVersionIdsCommandInput,
} from '@aws-sdk/client-secrets-manager';
import { startTestApp, TEST_ACCOUNT, TEST_REGION, type TestApp } from '../helpers/app.js';
import {
  INVALID_NAME_MESSAGE,
  keysOf,
  labels,
  list,
  midnightUtc,
  NOT_FOUND_MESSAGE,
  token,
  uniqueName,
} from '../helpers/api.js';

let t: TestApp;
const name = () => uniqueName('lsvi');
const KEY_ID = 'c0ffee00-0000-4000-8000-0000000000b1';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  t = await startTestApp({ kmsKeys: [{ accountId: TEST_ACCOUNT, region: TEST_REGION, keyId: KEY_ID }] });
});
afterAll(async () => {
  await t.close();
});

/** A secret with `n` versions (the first created by CreateSecret); returns the ids oldest first. */
async function withVersions(count: number): Promise<{ n: string; ids: string[]; arn: string }> {
  const n = name();
  const ids = [token()];
  const c = await t.client.send(new CreateSecretCommand({ Name: n, SecretString: 'v0', ClientRequestToken: ids[0] }));
  for (let i = 1; i < count; i++) {
    await sleep(2);
    const id = token();
    ids.push(id);
    await t.client.send(new PutSecretValueCommand({ SecretId: n, SecretString: `v${i}`, ClientRequestToken: id }));
  }
  return { n, ids, arn: c.ARN ?? '' };
}

async function allIds(input: ListSecretVersionIdsCommandInput): Promise<string[]> {
  const out: string[] = [];
  let next: string | undefined;
  let pages = 0;
  do {
    const r = await t.client.send(new ListSecretVersionIdsCommand({ ...input, ...(next ? { NextToken: next } : {}) }));
    for (const v of r.Versions ?? []) out.push(v.VersionId ?? '');
    next = r.NextToken;
  } while (next !== undefined && ++pages < 50);
  return out;
}

describe('validation', () => {
  it('rejects an invalid name', async () => {
    await expect(t.client.send(new ListSecretVersionIdsCommand({ SecretId: 'a,b' }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: INVALID_NAME_MESSAGE,
    });
  });

  it('answers not found for an unknown secret', async () => {
    await expect(t.client.send(new ListSecretVersionIdsCommand({ SecretId: name() }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: NOT_FOUND_MESSAGE,
    });
  });

  it('rejects MaxResults outside 1–100', async () => {
    const { n } = await withVersions(1);
    for (const m of [0, 101]) {
      const r = await t.raw('ListSecretVersionIds', { SecretId: n, MaxResults: m });
      expect(r.body.__type).toBe('ValidationException');
      expect(r.body.Message).toContain("at 'maxResults' failed to satisfy constraint");
    }
  });

  it('rejects a tampered NextToken, one from another secret, and one from another IncludeDeprecated setting', async () => {
    const a = await withVersions(3);
    const b = await withVersions(3);
    const first = await t.client.send(new ListSecretVersionIdsCommand({ SecretId: a.n, MaxResults: 1 }));
    const tok = first.NextToken ?? '';
    expect(tok).not.toBe('');
    const bad = [
      { SecretId: a.n, NextToken: 'not-a-token' },
      { SecretId: a.n, NextToken: `${tok.slice(0, -1)}${tok.endsWith('A') ? 'B' : 'A'}` },
      { SecretId: b.n, NextToken: tok },
      { SecretId: a.n, NextToken: tok, IncludeDeprecated: true },
    ];
    for (const input of bad) {
      await expect(t.client.send(new ListSecretVersionIdsCommand({ ...input, MaxResults: 1 }))).rejects.toMatchObject({
        name: 'InvalidNextTokenException',
        message: 'The NextToken value is invalid.',
      });
    }
  });
});

describe('serialization', () => {
  it('returns Versions, ARN and Name; each version has VersionId, VersionStages, CreatedDate, KmsKeyIds', async () => {
    const { n, ids, arn } = await withVersions(1);
    const r = await t.raw('ListSecretVersionIds', { SecretId: n });
    expect(r.status).toBe(200);
    expect(keysOf(r.body)).toEqual(['ARN', 'Name', 'Versions']);
    expect(r.body.ARN).toBe(arn);
    expect(r.body.Name).toBe(n);
    const [v] = list(r.body, 'Versions');
    expect(keysOf(v ?? {})).toEqual(['CreatedDate', 'KmsKeyIds', 'VersionId', 'VersionStages']);
    expect(v).toMatchObject({ VersionId: ids[0], VersionStages: ['AWSCURRENT'], KmsKeyIds: ['DefaultEncryptionKey'] });
    expect(typeof v?.CreatedDate).toBe('number');
  });

  it('reports the key ARN for a customer key', async () => {
    const n = name();
    await t.client.send(new CreateSecretCommand({ Name: n, SecretString: 'x', KmsKeyId: KEY_ID }));
    const r = await t.client.send(new ListSecretVersionIdsCommand({ SecretId: n }));
    expect(r.Versions?.[0]?.KmsKeyIds).toEqual([`arn:aws:kms:${TEST_REGION}:${TEST_ACCOUNT}:key/${KEY_ID}`]);
  });

  it('omits VersionStages for deprecated versions (IncludeDeprecated)', async () => {
    const { n, ids } = await withVersions(3);
    const r = await t.raw('ListSecretVersionIds', { SecretId: n, IncludeDeprecated: true });
    const versions = list(r.body, 'Versions');
    const dep = versions.find((v) => v.VersionId === ids[0]) ?? {};
    expect(keysOf(dep)).toEqual(['CreatedDate', 'KmsKeyIds', 'VersionId']);
    expect(versions.find((v) => v.VersionId === ids[1])?.VersionStages).toEqual(['AWSPREVIOUS']);
  });

  it('shows a per-version LastAccessedDate at midnight UTC once read', async () => {
    const { n, ids } = await withVersions(2);
    await t.client.send(new GetSecretValueCommand({ SecretId: n, VersionId: ids[0] }));
    const r = await t.raw('ListSecretVersionIds', { SecretId: n });
    const versions = list(r.body, 'Versions');
    expect((versions.find((v) => v.VersionId === ids[0])?.LastAccessedDate as number) * 1000).toBe(midnightUtc(Date.now()));
    expect('LastAccessedDate' in (versions.find((v) => v.VersionId === ids[1]) ?? {})).toBe(false);
  });

  it('has no NextToken on the last page', async () => {
    const { n } = await withVersions(2);
    const r = await t.raw('ListSecretVersionIds', { SecretId: n, MaxResults: 2 });
    expect('NextToken' in r.body).toBe(false);
  });
});

describe('behaviour', () => {
  it('hides deprecated versions by default and shows them with IncludeDeprecated', async () => {
    const { n, ids } = await withVersions(4);
    const def = await t.client.send(new ListSecretVersionIdsCommand({ SecretId: n }));
    expect(def.Versions?.map((v) => v.VersionId).sort()).toEqual([ids[2], ids[3]].sort());
    const all = await t.client.send(new ListSecretVersionIdsCommand({ SecretId: n, IncludeDeprecated: true }));
    expect(all.Versions?.map((v) => v.VersionId).sort()).toEqual([...ids].sort());
    expect(labels(all.Versions?.find((v) => v.VersionId === ids[3])?.VersionStages)).toEqual(['AWSCURRENT']);
  });

  it('paginates with MaxResults; the pages together are the full list', async () => {
    const { n, ids } = await withVersions(5);
    const full = await t.client.send(new ListSecretVersionIdsCommand({ SecretId: n, IncludeDeprecated: true }));
    const paged = await allIds({ SecretId: n, IncludeDeprecated: true, MaxResults: 2 });
    expect(paged).toEqual(full.Versions?.map((v) => v.VersionId));
    expect([...paged].sort()).toEqual([...ids].sort());
    // Rotor lists versions oldest first.
    expect(paged).toEqual(ids);
    const first = await t.client.send(new ListSecretVersionIdsCommand({ SecretId: n, IncludeDeprecated: true, MaxResults: 2 }));
    expect(first.Versions).toHaveLength(2);
    expect(first.NextToken).toBeDefined();
  });

  it('returns an empty list for a secret without versions', async () => {
    const n = name();
    await t.client.send(new CreateSecretCommand({ Name: n }));
    const r = await t.raw('ListSecretVersionIds', { SecretId: n, IncludeDeprecated: true });
    expect(r.body.Versions).toEqual([]);
  });

  it('works on a secret scheduled for deletion', async () => {
    const { n, ids } = await withVersions(2);
    await t.client.send(new DeleteSecretCommand({ SecretId: n }));
    const r = await t.client.send(new ListSecretVersionIdsCommand({ SecretId: n }));
    expect(r.Versions?.map((v) => v.VersionId).sort()).toEqual([...ids].sort());
  });

  it('resolves full and partial ARNs', async () => {
    const { arn, ids } = await withVersions(1);
    for (const id of [arn, arn.slice(0, -7)]) {
      const r = await t.client.send(new ListSecretVersionIdsCommand({ SecretId: id }));
      expect(r.ARN).toBe(arn);
      expect(r.Versions?.map((v) => v.VersionId)).toEqual(ids);
    }
  });
});
