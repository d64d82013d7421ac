/**
 * A real, throwaway PostgreSQL server for tests: initdb into a temporary directory, listening on a free
 * loopback port (TCP, scram-sha-256 for everyone) and a private socket directory, stopped and removed by
 * stop(). Running as root, the server runs as the `postgres` user (PostgreSQL refuses root). Needs Debian's
 * postgresql package (PostgreSQL 15 by default; ROTOR_TEST_PG_BIN overrides the bin directory).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

export const PG_BIN = process.env.ROTOR_TEST_PG_BIN ?? '/usr/lib/postgresql/15/bin';

export function postgresAvailable(): boolean {
  return existsSync(join(PG_BIN, 'initdb')) && existsSync(join(PG_BIN, 'pg_ctl'));
}

export interface PostgresServer {
  host: string;
  port: number;
  superuser: string;
  superPassword: string;
  /** Runs SQL as the superuser (a fresh connection each time). */
  sql(text: string, params?: unknown[], database?: string): Promise<pg.QueryResult>;
  /** True if `user`/`password` can log in (and run SELECT 1). */
  canLogin(user: string, password: string, database?: string): Promise<boolean>;
  /** Stops the server, keeping its data (start() brings it back on the same port). */
  pause(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server and removes its files. */
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export async function startPostgres(): Promise<PostgresServer> {
  const asRoot = process.getuid?.() === 0;
  const base = mkdtempSync(join(tmpdir(), 'rotor-pg-'));
  const dataDir = join(base, 'data');
  const sockDir = join(base, 'sock');
  const pwFile = join(base, 'pw');
  const superuser = 'postgres';
  const superPassword = randomBytes(12).toString('hex');
  writeFileSync(pwFile, `${superPassword}\n`);
  chmodSync(base, 0o755);
  if (asRoot) {
    const ids = await run('id', ['-u', 'postgres']).then(async (u) => [Number(u.stdout.trim()), Number((await run('id', ['-g', 'postgres'])).stdout.trim())] as const);
    chownSync(base, ids[0], ids[1]);
    chownSync(pwFile, ids[0], ids[1]);
  }
  const exec = (bin: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', join(PG_BIN, bin), ...args]) : run(join(PG_BIN, bin), args);
  await exec('initdb', ['-D', dataDir, '-U', superuser, `--pwfile=${pwFile}`, '--auth=scram-sha-256', '-E', 'UTF8', '--no-sync']);
  if (asRoot) await run('runuser', ['-u', 'postgres', '--', 'mkdir', '-p', sockDir]);
  else await run('mkdir', ['-p', sockDir]);
  const port = await freePort();
  const host = '127.0.0.1';
  const start = async () => {
    await exec('pg_ctl', ['-D', dataDir, '-l', join(base, 'log'), '-o', `-p ${port} -k ${sockDir} -c listen_addresses=${host} -c fsync=off`, '-w', 'start']);
  };
  const pause = async () => {
    await exec('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', 'stop']);
  };
  await start();
  let running = true;

  async function connect(user: string, password: string, database = 'postgres'): Promise<pg.Client> {
    const c = new pg.Client({ host, port, user, password, database, connectionTimeoutMillis: 5000 });
    c.on('error', () => undefined);
    await c.connect();
    return c;
  }

  return {
    host,
    port,
    superuser,
    superPassword,
    async sql(text, params, database) {
      const c = await connect(superuser, superPassword, database);
      try {
        return await c.query(text, params);
      } finally {
        await c.end();
      }
    },
    async canLogin(user, password, database) {
      try {
        const c = await connect(user, password, database);
        try {
          await c.query('SELECT 1');
          return true;
        } finally {
          await c.end();
        }
      } catch {
        return false;
      }
    },
    async pause() {
      await pause();
      running = false;
    },
    async start() {
      await start();
      running = true;
    },
    async stop() {
      if (running) await pause().catch(() => undefined);
      running = false;
      rmSync(base, { recursive: true, force: true });
    },
  };
}
