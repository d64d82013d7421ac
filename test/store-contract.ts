/**
 * The contract every Store implementation passes (SQLite now, PostgreSQL with issue 9): run it with a
 * factory that returns a fresh, empty store.
 */
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import type { Store } from '../src/store/store.js';
import type { SecretState, SealedValue } from '../src/domain/types.js';

const scope = { accountId: '111122223333', region: 'us-east-1' };

export function secret(name: string, overrides: Partial<SecretState> = {}): SecretState {
  return {
    pk: `pk-${name}`,
    accountId: scope.accountId,
    region: scope.region,
    arn: `arn:aws:secretsmanager:us-east-1:111122223333:secret:${name}-AbCdEf`,
    name,
    createdAt: 1000,
    lastChangedAt: 1000,
    versions: [],
    purgedVersionIds: [],
    revision: 1,
    ...overrides,
  };
}

const sealed = (n: number): SealedValue => ({
  keyArn: 'arn:aws:kms:us-east-1:111122223333:key/k',
  masterKeyId: 'm',
  wrappedKey: Buffer.from([n]),
  ciphertext: Buffer.from([n, n]),
});

export function storeContract(name: string, factory: () => Promise<Store>): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await factory();
    });
    afterEach(async () => {
      await store.close();
    });

    it('inserts and reads a secret by name and by ARN, with its values', async () => {
      const s = secret('a');
      expect(await store.insertSecret(s, [{ versionId: 'v1', value: sealed(1) }])).toBe(true);
      expect((await store.getSecretByName(scope, 'a'))?.arn).toBe(s.arn);
      expect((await store.getSecretByArn(s.arn))?.name).toBe('a');
      expect(await store.getSecretByName({ ...scope, region: 'eu-west-1' }, 'a')).toBeUndefined();
      expect((await store.getValue(s.pk, 'v1'))?.ciphertext.equals(Buffer.from([1, 1]))).toBe(true);
      expect(await store.getValue(s.pk, 'v2')).toBeUndefined();
    });

    it('refuses a second secret with the same name in the same scope, but not in another', async () => {
      expect(await store.insertSecret(secret('dup'), [])).toBe(true);
      expect(await store.insertSecret(secret('dup', { pk: 'other', arn: 'arn:x-1' }), [])).toBe(false);
      expect(await store.insertSecret(secret('dup', { pk: 'other2', arn: 'arn:x-2', region: 'eu-west-1' }), [])).toBe(true);
    });

    it('commits only when the revision is unchanged, atomically with value changes', async () => {
      const s = secret('rev');
      await store.insertSecret(s, [{ versionId: 'v1', value: sealed(1) }]);
      const next = { ...s, description: 'x', revision: 2 };
      expect(await store.commitSecret(next, 1, [{ versionId: 'v2', value: sealed(2) }], ['v1'])).toBe(true);
      expect(await store.getValue(s.pk, 'v1')).toBeUndefined();
      expect(await store.getValue(s.pk, 'v2')).toBeDefined();
      // A stale writer loses and changes nothing.
      expect(await store.commitSecret({ ...s, description: 'stale', revision: 2 }, 1, [{ versionId: 'v3', value: sealed(3) }], [])).toBe(false);
      expect(await store.getValue(s.pk, 'v3')).toBeUndefined();
      expect((await store.getSecretByName(scope, 'rev'))?.description).toBe('x');
    });

    it('purges a secret and its values', async () => {
      const s = secret('gone');
      await store.insertSecret(s, [{ versionId: 'v1', value: sealed(1) }]);
      expect(await store.purgeSecret(s.pk, 5)).toBe(false);
      expect(await store.purgeSecret(s.pk, 1)).toBe(true);
      expect(await store.getSecretByName(scope, 'gone')).toBeUndefined();
      expect(await store.getValue(s.pk, 'v1')).toBeUndefined();
      expect(await store.insertSecret(secret('gone', { pk: 'new', arn: 'arn:new-1' }), [])).toBe(true);
    });

    it('lists with keyset pagination in every sort order, and a name prefix', async () => {
      for (let i = 0; i < 7; i++) {
        await store.insertSecret(secret(`n${i}`, { pk: `p${i}`, arn: `arn:${i}`, createdAt: 100 - i, lastChangedAt: i }), []);
      }
      await store.insertSecret(secret('other', { pk: 'po', arn: 'arn:o', createdAt: 50, deletedAt: 99 }), []);
      const page = async (after?: { sortValue: string | number; pk: string }) =>
        store.listSecrets({ scope, includePlannedDeletion: false, sortBy: 'created-date', descending: false, limit: 3, ...(after ? { after } : {}) });
      const p1 = await page();
      expect(p1.map((s) => s.name)).toEqual(['n6', 'n5', 'n4']);
      const last = p1[2]!;
      const p2 = await page({ sortValue: last.createdAt, pk: last.pk });
      expect(p2.map((s) => s.name)).toEqual(['n3', 'n2', 'n1']);
      const byName = await store.listSecrets({ scope, includePlannedDeletion: true, sortBy: 'name', descending: true, limit: 10 });
      expect(byName.map((s) => s.name)).toEqual(['other', 'n6', 'n5', 'n4', 'n3', 'n2', 'n1', 'n0']);
      const prefixed = await store.listSecrets({ scope, includePlannedDeletion: true, sortBy: 'last-changed-date', descending: false, limit: 10, namePrefix: 'n' });
      expect(prefixed.map((s) => s.name)).toEqual(['n0', 'n1', 'n2', 'n3', 'n4', 'n5', 'n6']);
    });

    it('counts names with a prefix up to a cap', async () => {
      for (let i = 0; i < 5; i++) await store.insertSecret(secret(`pre/${i}`, { pk: `c${i}`, arn: `arn:c${i}` }), []);
      await store.insertSecret(secret('prf', { pk: 'cx', arn: 'arn:cx' }), []);
      expect(await store.countNamePrefix(scope, 'pre/', 100)).toBe(5);
      expect(await store.countNamePrefix(scope, 'pre/', 3)).toBe(3);
      expect(await store.countNamePrefix(scope, 'pr', 100)).toBe(6);
      expect(await store.countNamePrefix({ ...scope, region: 'eu-west-1' }, 'pre/', 100)).toBe(0);
    });

    it('finds secrets due for purge', async () => {
      await store.insertSecret(secret('d1', { pk: 'd1', arn: 'arn:d1', deletedAt: 10 }), []);
      await store.insertSecret(secret('d2', { pk: 'd2', arn: 'arn:d2', deletedAt: 30 }), []);
      await store.insertSecret(secret('d3', { pk: 'd3', arn: 'arn:d3' }), []);
      expect((await store.dueForPurge(20, 10)).map((s) => s.name)).toEqual(['d1']);
      expect((await store.dueForPurge(40, 10)).map((s) => s.name)).toEqual(['d1', 'd2']);
    });

    it('keeps credentials, KMS keys and meta values', async () => {
      await store.putCredential({ accessKeyId: 'AK1', accountId: '1', principalArn: 'p', sealedSecret: Buffer.from('s'), masterKeyId: 'm', createdAt: 1 });
      expect((await store.getCredential('AK1'))?.principalArn).toBe('p');
      expect(await store.getCredential('AK2')).toBeUndefined();
      const k = { accountId: scope.accountId, region: scope.region, keyId: 'k1', arn: 'arn:k1', aliases: ['alias/a'], sealedMaterial: Buffer.from('m'), masterKeyId: 'm', createdAt: 1 };
      expect(await store.insertKmsKey(k)).toBe(true);
      expect(await store.insertKmsKey({ ...k, keyId: 'k2', arn: 'arn:k2' })).toBe(false); // alias taken
      expect((await store.getKmsKeys(scope)).map((x) => x.keyId)).toEqual(['k1']);
      expect(await store.initMeta('x', 'first')).toBe('first');
      expect(await store.initMeta('x', 'second')).toBe('first');
    });

    it('reset deletes secrets but keeps keys and credentials', async () => {
      await store.insertSecret(secret('r'), [{ versionId: 'v', value: sealed(1) }]);
      await store.putCredential({ accessKeyId: 'AK1', accountId: '1', principalArn: 'p', sealedSecret: Buffer.from('s'), masterKeyId: 'm', createdAt: 1 });
      await store.reset();
      expect(await store.countSecrets(scope)).toBe(0);
      expect(await store.getCredential('AK1')).toBeDefined();
    });
  });
}
