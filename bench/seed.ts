/**
 * Seeds a data directory with secrets quickly: in-process through the real service (createApp from
 * src/app.ts, so the rows, indexes and sealed values are exactly what the server writes), with
 * synchronous=NORMAL and 2,000 creates per SQLite transaction (better-sqlite3 nests the service's own
 * transactions as savepoints). The server is then started on the directory to measure over HTTP.
 *
 * Names: `<env>/svc-<nnn>/secret-<nnnnnn>`, env = prod for 3 in 5 secrets (prefix "prod/" matches 60 %),
 * nnn = i mod 200 (prefix "prod/svc-007/" matches 0.5 %). Each secret has a description, two tags and a
 * ~90-byte JSON SecretString.
 *
 *   node --import tsx bench/seed.ts DIR COUNT
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createApp } from '../src/app.js';
import { buildConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { ACCOUNT, ADMIN, REGION, fmtInt, isMain, log } from './lib.js';

export const PREFIX_BROAD = 'prod/';
export const PREFIX_NARROW = 'prod/svc-007/';

export function seedName(i: number): string {
  const env = i % 5 < 3 ? 'prod' : 'dev';
  return `${env}/svc-${String(i % 200).padStart(3, '0')}/secret-${String(i).padStart(6, '0')}`;
}

const BATCH = 2000;

/** Adds secrets number `from` … `to - 1` to the data directory; returns the seconds it took. */
export async function seed(dataDir: string, from: number, to: number): Promise<number> {
  const t0 = performance.now();
  const config = buildConfig({ dataDir, port: 0, logLevel: 'silent', synchronous: 'NORMAL' });
  const app = await createApp(config, {
    env: { ROTOR_ADMIN_ACCESS_KEY_ID: ADMIN.accessKeyId, ROTOR_ADMIN_SECRET_ACCESS_KEY: ADMIN.secretAccessKey },
    logger: createLogger('silent'),
  });
  try {
    const store = app.store;
    if (!(store instanceof SqliteStore)) throw new Error('expected the SQLite store');
    const scope = { accountId: ACCOUNT, region: REGION };
    for (let start = from; start < to; start += BATCH) {
      store.db.exec('BEGIN');
      try {
        for (let i = start; i < Math.min(to, start + BATCH); i++) {
          const env = i % 5 < 3 ? 'prod' : 'dev';
          await app.services.secrets.createSecret(scope, {
            Name: seedName(i),
            Description: `Seeded secret ${i} for the ${env} service ${i % 200}`,
            Tags: [
              { Key: 'env', Value: env },
              { Key: 'team', Value: `team-${i % 17}` },
            ],
            SecretString: JSON.stringify({ username: `svc_${i}`, password: randomUUID(), port: 5432 }),
            ClientRequestToken: randomUUID(),
          });
        }
        store.db.exec('COMMIT');
      } catch (e) {
        store.db.exec('ROLLBACK');
        throw e;
      }
    }
  } finally {
    await app.close();
  }
  return (performance.now() - t0) / 1000;
}

if (isMain(import.meta.url)) {
  const [dir, count] = process.argv.slice(2);
  if (dir === undefined || count === undefined) {
    process.stderr.write('usage: node --import tsx bench/seed.ts DIR COUNT\n');
    process.exit(2);
  }
  const s = await seed(dir, 0, Number(count));
  log(`seeded ${fmtInt(Number(count))} secrets into ${dir} in ${s.toFixed(1)} s`);
  process.exit(0);
}
