/**
 * A real, throwaway MariaDB server for tests: mariadb-install-db into a temporary directory, listening on a
 * free loopback port and a private socket, stopped and removed by stop(). Running as root, the server runs
 * as the `mysql` user. Needs Debian's mariadb-server package. Administration goes through the socket as
 * root (unix_socket / empty password on a fresh datadir); the tests' users log in over TCP.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync, chmodSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';

const run = promisify(execFile);

export const MARIADBD = '/usr/sbin/mariadbd';
const INSTALL_DB = '/usr/bin/mariadb-install-db';

export function mariadbAvailable(): boolean {
  return existsSync(MARIADBD) && existsSync(INSTALL_DB);
}

export interface MariaDbServer {
  host: string;
  port: number;
  /** A TCP superuser (all privileges, WITH GRANT OPTION) for master secrets. */
  superuser: string;
  superPassword: string;
  /** Runs SQL as root over the socket (a fresh connection each time). */
  sql(text: string, params?: unknown[]): Promise<unknown>;
  /** True if `user`/`password` can log in over TCP and run `query` (SELECT 1 by default). */
  canLogin(user: string, password: string, query?: string): Promise<boolean>;
  /** Stops the server, keeping its data (start() brings it back on the same port). */
  pause(): Promise<void>;
  start(): Promise<void>;
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

export async function startMariaDb(): Promise<MariaDbServer> {
  const asRoot = process.getuid?.() === 0;
  const base = mkdtempSync(join(tmpdir(), 'rotor-mariadb-'));
  const dataDir = join(base, 'data');
  const socket = join(base, 'mysqld.sock');
  chmodSync(base, 0o755);
  if (asRoot) {
    const uid = Number((await run('id', ['-u', 'mysql'])).stdout.trim());
    const gid = Number((await run('id', ['-g', 'mysql'])).stdout.trim());
    chownSync(base, uid, gid);
  }
  const userArgs = asRoot ? ['--user=mysql'] : [];
  await run(INSTALL_DB, ['--no-defaults', `--datadir=${dataDir}`, '--auth-root-authentication-method=normal', '--skip-test-db', ...userArgs]);
  const port = await freePort();
  const host = '127.0.0.1';
  let child: ChildProcess | undefined;

  async function connectSocket(): Promise<mysql.Connection> {
    return mysql.createConnection({ socketPath: socket, user: 'root', password: '' });
  }

  async function start(): Promise<void> {
    const p = spawn(
      MARIADBD,
      ['--no-defaults', `--datadir=${dataDir}`, `--port=${port}`, `--socket=${socket}`, '--bind-address=127.0.0.1', '--skip-name-resolve',
        `--pid-file=${join(base, 'mysqld.pid')}`, `--log-error=${join(base, 'error.log')}`, '--innodb-flush-log-at-trx-commit=0', '--skip-log-bin', ...userArgs],
      { stdio: 'ignore' },
    );
    child = p;
    for (let i = 0; i < 300; i++) {
      if (p.exitCode !== null) throw new Error(`mariadbd exited with ${p.exitCode}; see ${join(base, 'error.log')}`);
      try {
        const c = await connectSocket();
        await c.end();
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    throw new Error('mariadbd did not start in 30 s');
  }

  async function pause(): Promise<void> {
    const p = child;
    child = undefined;
    if (!p || p.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => p.once('exit', () => resolve()));
    p.kill('SIGTERM');
    await exited;
  }

  await start();
  const superuser = 'rotor_admin';
  const superPassword = `admin-${Math.random().toString(36).slice(2)}`;
  const sql = async (text: string, params: unknown[] = []): Promise<unknown> => {
    const c = await connectSocket();
    try {
      const [rows] = await c.query(text, params);
      return rows;
    } finally {
      await c.end();
    }
  };
  await sql('CREATE USER ?@? IDENTIFIED BY ?', [superuser, '%', superPassword]);
  await sql('GRANT ALL PRIVILEGES ON *.* TO ?@? WITH GRANT OPTION', [superuser, '%']);

  return {
    host,
    port,
    superuser,
    superPassword,
    sql,
    async canLogin(user, password, query = 'SELECT 1') {
      try {
        const c = await mysql.createConnection({ host, port, user, password, connectTimeout: 5000 });
        try {
          await c.query(query);
          return true;
        } finally {
          await c.end();
        }
      } catch {
        return false;
      }
    },
    pause,
    start,
    async stop() {
      await pause().catch(() => undefined);
      rmSync(base, { recursive: true, force: true });
    },
  };
}
