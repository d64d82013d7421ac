/**
 * ListSecrets with a name-prefix filter takes one of two plans (src/service/secrets.ts): a narrow prefix
 * uses the name index, a broad one (more than 1,000 matches) walks the sort order's index. Both must give
 * the same, complete, correctly ordered results across pages.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ListSecretsCommand, type ListSecretsCommandOutput } from '@aws-sdk/client-secrets-manager';
import { startTestApp, type TestApp, TEST_ACCOUNT, TEST_REGION } from '../helpers/app.js';

let t: TestApp;
let tick = Date.UTC(2026, 0, 1);
const scope = { accountId: TEST_ACCOUNT, region: TEST_REGION };

beforeAll(async () => {
  t = await startTestApp({ clock: () => tick });
  const s = t.app?.services.secrets;
  if (!s) throw new Error('in-process app required');
  // 1,100 'broad/' names (over the cap), 30 'narrow/' names, interleaved in creation order with others.
  for (let i = 0; i < 1100; i++) {
    tick += 1000;
    await s.createSecret(scope, { Name: `broad/${String(1099 - i).padStart(4, '0')}` });
    if (i % 37 === 0) {
      tick += 1000;
      await s.createSecret(scope, { Name: `narrow/${i}` });
      await s.createSecret(scope, { Name: `other/${i}` });
    }
  }
});
afterAll(async () => {
  await t.close();
});

async function all(prefix: string, sortOrder?: 'asc' | 'desc'): Promise<string[]> {
  const names: string[] = [];
  let token: string | undefined;
  do {
    const r: ListSecretsCommandOutput = await t.client.send(
      new ListSecretsCommand({ Filters: [{ Key: 'name', Values: [prefix] }], MaxResults: 100, ...(token ? { NextToken: token } : {}), ...(sortOrder ? { SortOrder: sortOrder } : {}) }),
    );
    names.push(...(r.SecretList ?? []).map((x) => x.Name ?? ''));
    token = r.NextToken;
  } while (token !== undefined);
  return names;
}

describe('ListSecrets name-prefix plans', () => {
  it('a broad prefix (over the cap) returns every match once, in creation order', async () => {
    const names = await all('broad/');
    expect(names).toHaveLength(1100);
    expect(new Set(names).size).toBe(1100);
    // Created from broad/1099 down to broad/0000: creation order is descending by name.
    expect(names[0]).toBe('broad/1099');
    expect(names[1099]).toBe('broad/0000');
    expect((await all('broad/', 'desc'))[0]).toBe('broad/0000');
  });

  it('a narrow prefix returns every match once, in creation order', async () => {
    const names = await all('narrow/');
    expect(names).toHaveLength(30);
    expect(names).toEqual([...names].sort((a, b) => Number(a.split('/')[1]) - Number(b.split('/')[1])));
  });
});
