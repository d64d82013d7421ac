import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { storeContract, secret } from '../../../test/store-contract.js';
import { SqliteStore } from './sqlite-store.js';

storeContract('sqlite in memory', async () => new SqliteStore({ path: ':memory:' }));

describe('SqliteStore on a file', () => {
  it('applies migrations once and keeps data across reopen', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rotor-sqlite-'));
    try {
      const a = new SqliteStore({ path: join(dir, 'db') });
      await a.insertSecret(secret('kept'), []);
      await a.close();
      const b = new SqliteStore({ path: join(dir, 'db') });
      expect((await b.getSecretByName({ accountId: '111122223333', region: 'us-east-1' }, 'kept'))?.name).toBe('kept');
      await b.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
