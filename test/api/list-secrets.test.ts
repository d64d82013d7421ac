import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  TagResourceCommand,
  UpdateSecretCommand,
  type Filter,
  type ListSecretsCommandInput,
  type SecretsManagerClient,
  type Tag,
} from '@aws-sdk/client-secrets-manager';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { DAY_MS, keysOf, list, token } from '../helpers/api.js';

let t: TestApp;
let offset = 0;
let seq = 0;
/** A lowercase name prefix unique to one test; all its secrets are selected with a `name` filter. */
const prefix = () => `ls${++seq}x${Date.now().toString(36)}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  t = await startTestApp({ clock: () => Date.now() + offset });
});
afterAll(async () => {
  await t.close();
});

async function create(n: string, opts: { description?: string; tags?: Tag[]; value?: string; client?: SecretsManagerClient } = {}): Promise<string> {
  const r = await (opts.client ?? t.client).send(
    new CreateSecretCommand({
      Name: n,
      SecretString: opts.value ?? 'v',
      ...(opts.description !== undefined ? { Description: opts.description } : {}),
      ...(opts.tags ? { Tags: opts.tags } : {}),
    }),
  );
  return r.ARN ?? '';
}

async function names(input: ListSecretsCommandInput, client: SecretsManagerClient = t.client): Promise<string[]> {
  const out: string[] = [];
  let next: string | undefined;
  let pages = 0;
  do {
    const r = await client.send(new ListSecretsCommand({ ...input, ...(next ? { NextToken: next } : {}) }));
    for (const s of r.SecretList ?? []) out.push(s.Name ?? '');
    next = r.NextToken;
  } while (next !== undefined && ++pages < 100);
  return out;
}

const byName = (p: string): Filter => ({ Key: 'name', Values: [p] });

describe('validation', () => {
  it('rejects an unknown filter key (enum)', async () => {
    const r = await t.raw('ListSecrets', { Filters: [{ Key: 'colour', Values: ['x'] }] });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({
      __type: 'ValidationException',
      Message:
        "1 validation error detected: Value 'colour' at 'filters.1.member.key' failed to satisfy constraint: Member must satisfy enum value set: [description, name, tag-key, tag-value, primary-region, owning-service, all]",
    });
  });

  it('rejects a filter without a key or without values', async () => {
    const noKey = await t.raw('ListSecrets', { Filters: [{ Values: ['x'] }] });
    expect(noKey.body).toEqual({ __type: 'InvalidParameterException', Message: 'Invalid filter key' });
    const noValues = await t.raw('ListSecrets', { Filters: [{ Key: 'name' }] });
    expect(noValues.body).toEqual({ __type: 'InvalidParameterException', Message: 'Invalid filter values for key: name' });
  });

  it('rejects filter values outside the allowed pattern', async () => {
    await expect(t.client.send(new ListSecretsCommand({ Filters: [{ Key: 'name', Values: ['a*b'] }] }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining("at 'filters.1.member.values.1.member' failed to satisfy constraint: Member must satisfy regular expression pattern"),
    });
  });

  it('rejects MaxResults outside 1–100, an unknown SortBy and SortOrder', async () => {
    for (const [body, path] of [
      [{ MaxResults: 0 }, 'maxResults'],
      [{ MaxResults: 101 }, 'maxResults'],
      [{ SortBy: 'size' }, 'sortBy'],
      [{ SortOrder: 'up' }, 'sortOrder'],
    ] as const) {
      const r = await t.raw('ListSecrets', body);
      expect(r.body.__type).toBe('ValidationException');
      expect(r.body.Message).toContain(`at '${path}' failed to satisfy constraint`);
    }
  });

  it('rejects a tampered NextToken and a token reused with other filters', async () => {
    const p = prefix();
    for (let i = 0; i < 3; i++) await create(`${p}/s${i}`);
    const first = await t.client.send(new ListSecretsCommand({ Filters: [byName(p)], MaxResults: 1 }));
    const tok = first.NextToken ?? '';
    expect(tok).not.toBe('');
    const tampered = tok.slice(0, -2) + (tok.endsWith('AA') ? 'BB' : 'AA');
    for (const bad of [tampered, 'garbage', `${tok}x`]) {
      await expect(t.client.send(new ListSecretsCommand({ Filters: [byName(p)], MaxResults: 1, NextToken: bad }))).rejects.toMatchObject({
        name: 'InvalidNextTokenException',
        message: 'The NextToken value is invalid.',
      });
    }
    await expect(
      t.client.send(new ListSecretsCommand({ Filters: [byName(`${p}/s`)], MaxResults: 1, NextToken: tok })),
    ).rejects.toMatchObject({ name: 'InvalidNextTokenException' });
    // The genuine token still works.
    const second = await t.client.send(new ListSecretsCommand({ Filters: [byName(p)], MaxResults: 1, NextToken: tok }));
    expect(second.SecretList).toHaveLength(1);
  });
});

describe('serialization', () => {
  it('entries carry SecretVersionsToStages (not VersionIdsToStages), epoch dates, and only members with a value', async () => {
    const p = prefix();
    const tok = token();
    await t.client.send(new CreateSecretCommand({ Name: `${p}/one`, SecretString: 'v', ClientRequestToken: tok }));
    const r = await t.raw('ListSecrets', { Filters: [{ Key: 'name', Values: [p] }] });
    expect(r.status).toBe(200);
    expect(keysOf(r.body)).toEqual(['SecretList']);
    const [e] = list(r.body, 'SecretList');
    expect(keysOf(e ?? {})).toEqual(['ARN', 'CreatedDate', 'LastChangedDate', 'Name', 'SecretVersionsToStages']);
    expect(e?.SecretVersionsToStages).toEqual({ [tok]: ['AWSCURRENT'] });
    expect(typeof e?.CreatedDate).toBe('number');
    expect(Math.abs((e?.CreatedDate as number) * 1000 - Date.now())).toBeLessThan(60_000);
  });

  it('includes Description, Tags and LastAccessedDate once they have a value', async () => {
    const p = prefix();
    await create(`${p}/x`, { description: 'desc', tags: [{ Key: 'k', Value: 'v' }] });
    await t.client.send(new GetSecretValueCommand({ SecretId: `${p}/x` }));
    const r = await t.raw('ListSecrets', { Filters: [{ Key: 'name', Values: [p] }] });
    const [e] = list(r.body, 'SecretList');
    expect(e).toMatchObject({ Description: 'desc', Tags: [{ Key: 'k', Value: 'v' }] });
    expect((e?.LastAccessedDate as number) * 1000).toBe(Date.now() - (Date.now() % DAY_MS));
    expect('KmsKeyId' in (e ?? {})).toBe(false);
  });

  it('returns an empty SecretList and no NextToken when nothing matches', async () => {
    const r = await t.raw('ListSecrets', { Filters: [{ Key: 'name', Values: [prefix()] }] });
    expect(r.body).toEqual({ SecretList: [] });
  });
});

describe('behaviour', () => {
  it('name: case-sensitive prefix match', async () => {
    const p = prefix();
    await create(`${p}/alpha`);
    await create(`${p}/beta`);
    await create(`x${p}`);
    expect((await names({ Filters: [byName(p)] })).sort()).toEqual([`${p}/alpha`, `${p}/beta`]);
    expect(await names({ Filters: [byName(`${p}/a`)] })).toEqual([`${p}/alpha`]);
    expect(await names({ Filters: [byName(p.toUpperCase())] })).toEqual([]);
    // Not a substring match.
    expect(await names({ Filters: [byName(p.slice(1))] })).toEqual([]);
  });

  it('multiple values of one filter combine with OR', async () => {
    const p = prefix();
    await create(`${p}/a1`);
    await create(`${p}/b1`);
    await create(`${p}/c1`);
    expect((await names({ Filters: [{ Key: 'name', Values: [`${p}/a`, `${p}/c`] }] })).sort()).toEqual([`${p}/a1`, `${p}/c1`]);
  });

  it('two filters with the same key combine with AND', async () => {
    const p = prefix();
    await create(`${p}/a1`);
    await create(`${p}/a2`);
    await create(`${p}/b1`);
    expect((await names({ Filters: [byName(p), byName(`${p}/a`)] })).sort()).toEqual([`${p}/a1`, `${p}/a2`]);
    expect(await names({ Filters: [byName(`${p}/a`), byName(`${p}/b`)] })).toEqual([]);
  });

  it('a leading ! negates a value', async () => {
    const p = prefix();
    await create(`${p}/keep`);
    await create(`${p}/drop1`);
    await create(`${p}/drop2`);
    expect(await names({ Filters: [byName(p), { Key: 'name', Values: [`!${p}/drop`] }] })).toEqual([`${p}/keep`]);
    await create(`${p}/other`, { tags: [{ Key: 'team', Value: 'red' }] });
    expect((await names({ Filters: [byName(p), { Key: 'tag-key', Values: ['!team'] }] })).sort()).toEqual(
      [`${p}/drop1`, `${p}/drop2`, `${p}/keep`].sort(),
    );
  });

  it('filters with different keys combine with AND', async () => {
    const p = prefix();
    await create(`${p}/a`, { tags: [{ Key: 'env', Value: 'prod' }] });
    await create(`${p}/b`, { tags: [{ Key: 'env', Value: 'dev' }] });
    await create(`${p}/c`);
    expect(await names({ Filters: [byName(p), { Key: 'tag-value', Values: ['prod'] }] })).toEqual([`${p}/a`]);
    expect((await names({ Filters: [byName(p), { Key: 'tag-key', Values: ['env'] }] })).sort()).toEqual([`${p}/a`, `${p}/b`]);
  });

  it('tag-key and tag-value: case-sensitive prefix match', async () => {
    const p = prefix();
    await create(`${p}/t`, { tags: [{ Key: 'Environment', Value: 'Production' }] });
    await create(`${p}/u`, { tags: [{ Key: 'Owner', Value: 'EnvTeam' }] });
    expect(await names({ Filters: [byName(p), { Key: 'tag-key', Values: ['Env'] }] })).toEqual([`${p}/t`]);
    expect(await names({ Filters: [byName(p), { Key: 'tag-key', Values: ['env'] }] })).toEqual([]);
    expect(await names({ Filters: [byName(p), { Key: 'tag-value', Values: ['Prod'] }] })).toEqual([`${p}/t`]);
    expect(await names({ Filters: [byName(p), { Key: 'tag-value', Values: ['Env'] }] })).toEqual([`${p}/u`]);
    expect(await names({ Filters: [byName(p), { Key: 'tag-value', Values: ['duction'] }] })).toEqual([]);
  });

  it('description: every word of the value must prefix a word of the description, case-insensitively', async () => {
    const p = prefix();
    await create(`${p}/d`, { description: 'one and two' });
    await create(`${p}/e`, { description: 'three' });
    await create(`${p}/f`);
    const f = (v: string) => names({ Filters: [byName(p), { Key: 'description', Values: [v] }] });
    expect(await f('one two')).toEqual([`${p}/d`]);
    expect(await f('t')).toEqual([`${p}/d`, `${p}/e`].sort());
    expect(await f('TWO')).toEqual([`${p}/d`]);
    expect(await f('ne')).toEqual([]);
    expect(await f('one four')).toEqual([]);
    expect(await f('!one')).toEqual([`${p}/e`, `${p}/f`].sort());
  });

  it('all: word-prefix match over name, description, tag keys and tag values', async () => {
    const p = prefix();
    await create(`${p}/myTestSecret`);
    await create(`${p}/plain`, { description: 'Database credentials' });
    await create(`${p}/tagged`, { tags: [{ Key: 'CostCenter', Value: 'Finance42' }] });
    const f = async (v: string) => (await names({ Filters: [byName(p), { Key: 'all', Values: [v] }] })).sort();
    expect(await f('secret')).toEqual([`${p}/myTestSecret`]);
    expect(await f('test')).toEqual([`${p}/myTestSecret`]);
    expect(await f('data cred')).toEqual([`${p}/plain`]);
    expect(await f('center')).toEqual([`${p}/tagged`]);
    expect(await f('42')).toEqual([`${p}/tagged`]);
    expect(await f('finance')).toEqual([`${p}/tagged`]);
    expect(await f('ecret')).toEqual([]);
  });

  it('primary-region and owning-service match nothing on plain secrets; their negation matches all', async () => {
    const p = prefix();
    await create(`${p}/a`);
    await create(`${p}/b`);
    expect(await names({ Filters: [byName(p), { Key: 'primary-region', Values: ['us'] }] })).toEqual([]);
    expect(await names({ Filters: [byName(p), { Key: 'owning-service', Values: ['rds'] }] })).toEqual([]);
    expect((await names({ Filters: [byName(p), { Key: 'primary-region', Values: ['!us'] }] })).sort()).toEqual([`${p}/a`, `${p}/b`]);
    expect((await names({ Filters: [byName(p), { Key: 'owning-service', Values: ['!rds'] }] })).sort()).toEqual([`${p}/a`, `${p}/b`]);
  });

  it('excludes secrets scheduled for deletion unless IncludePlannedDeletion', async () => {
    const p = prefix();
    await create(`${p}/live`);
    await create(`${p}/dying`);
    await t.client.send(new DeleteSecretCommand({ SecretId: `${p}/dying` }));
    expect(await names({ Filters: [byName(p)] })).toEqual([`${p}/live`]);
    expect(await names({ Filters: [byName(p)], IncludePlannedDeletion: false })).toEqual([`${p}/live`]);
    const r = await t.client.send(new ListSecretsCommand({ Filters: [byName(p)], IncludePlannedDeletion: true }));
    expect(r.SecretList?.map((s) => s.Name).sort()).toEqual([`${p}/dying`, `${p}/live`]);
    expect(r.SecretList?.find((s) => s.Name === `${p}/dying`)?.DeletedDate).toBeInstanceOf(Date);
    expect(r.SecretList?.find((s) => s.Name === `${p}/live`)?.DeletedDate).toBeUndefined();
  });

  it('sorts by creation date, oldest first, by default; SortOrder desc reverses', async () => {
    const p = prefix();
    const created: string[] = [];
    for (const s of ['m', 'c', 'x', 'a']) {
      created.push(`${p}/${s}`);
      await create(`${p}/${s}`);
      await sleep(3);
    }
    expect(await names({ Filters: [byName(p)] })).toEqual(created);
    expect(await names({ Filters: [byName(p)], SortBy: 'created-date', SortOrder: 'asc' })).toEqual(created);
    expect(await names({ Filters: [byName(p)], SortBy: 'created-date', SortOrder: 'desc' })).toEqual([...created].reverse());
    expect(await names({ Filters: [byName(p)], SortOrder: 'desc' })).toEqual([...created].reverse());
  });

  it('sorts by name both ways', async () => {
    const p = prefix();
    for (const s of ['m', 'c', 'x', 'a']) await create(`${p}/${s}`);
    const sorted = ['a', 'c', 'm', 'x'].map((s) => `${p}/${s}`);
    expect(await names({ Filters: [byName(p)], SortBy: 'name', SortOrder: 'asc' })).toEqual(sorted);
    expect(await names({ Filters: [byName(p)], SortBy: 'name', SortOrder: 'desc' })).toEqual([...sorted].reverse());
  });

  it('sorts by last changed date both ways', async () => {
    const p = prefix();
    for (const s of ['a', 'b', 'c']) {
      await create(`${p}/${s}`);
      await sleep(3);
    }
    await t.client.send(new UpdateSecretCommand({ SecretId: `${p}/a`, Description: 'changed' }));
    await sleep(3);
    await t.client.send(new TagResourceCommand({ SecretId: `${p}/b`, Tags: [{ Key: 'k', Value: 'v' }] }));
    const order = ['c', 'a', 'b'].map((s) => `${p}/${s}`);
    expect(await names({ Filters: [byName(p)], SortBy: 'last-changed-date', SortOrder: 'asc' })).toEqual(order);
    expect(await names({ Filters: [byName(p)], SortBy: 'last-changed-date', SortOrder: 'desc' })).toEqual([...order].reverse());
  });

  it('sorts by last accessed date both ways (never accessed sorts as oldest)', async () => {
    const p = prefix();
    for (const s of ['a', 'b', 'c']) await create(`${p}/${s}`);
    await t.client.send(new GetSecretValueCommand({ SecretId: `${p}/b` }));
    offset = 3 * DAY_MS;
    try {
      await t.client.send(new GetSecretValueCommand({ SecretId: `${p}/a` }));
    } finally {
      offset = 0;
    }
    const order = ['c', 'b', 'a'].map((s) => `${p}/${s}`);
    expect(await names({ Filters: [byName(p)], SortBy: 'last-accessed-date', SortOrder: 'asc' })).toEqual(order);
    expect(await names({ Filters: [byName(p)], SortBy: 'last-accessed-date', SortOrder: 'desc' })).toEqual([...order].reverse());
  });

  it('paginates with MaxResults and NextToken: the pages together are the full, ordered list', async () => {
    // A Region of its own, so that the unfiltered list is exactly this test's secrets.
    const client = t.clientFor('eu-west-3');
    try {
      const created: string[] = [];
      for (let i = 0; i < 7; i++) {
        const n = `page-${i}-${Date.now().toString(36)}`;
        created.push(n);
        await create(n, { client });
        await sleep(2);
      }
      const full = await client.send(new ListSecretsCommand({}));
      expect(full.SecretList?.map((s) => s.Name)).toEqual(created);
      expect(full.NextToken).toBeUndefined();
      const pages: string[][] = [];
      let next: string | undefined;
      do {
        const r = await client.send(new ListSecretsCommand({ MaxResults: 2, ...(next ? { NextToken: next } : {}) }));
        pages.push((r.SecretList ?? []).map((s) => s.Name ?? ''));
        next = r.NextToken;
      } while (next !== undefined && pages.length < 20);
      expect(pages.slice(0, 3).every((pg) => pg.length === 2)).toBe(true);
      expect(pages.flat()).toEqual(created);
      // Descending by name, three at a time.
      const desc = await names({ SortBy: 'name', SortOrder: 'desc', MaxResults: 3 }, client);
      expect(desc).toEqual([...created].sort().reverse());
    } finally {
      client.destroy();
    }
  });

  it('paginates filtered results too', async () => {
    const p = prefix();
    const all: string[] = [];
    for (let i = 0; i < 5; i++) {
      all.push(`${p}/n${i}`);
      await create(`${p}/n${i}`, { description: i % 2 === 0 ? 'even number' : 'odd number' });
    }
    await create(`other/${p}`, { description: 'even number' });
    const got = await names({ Filters: [byName(p), { Key: 'description', Values: ['even'] }], MaxResults: 1 });
    expect(got.sort()).toEqual([`${p}/n0`, `${p}/n2`, `${p}/n4`]);
  });
});
