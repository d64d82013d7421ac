/**
 * A real, throwaway Redis server for tests: `redis-server` on a free loopback port with no persistence,
 * stopped by stop(). The `default` user has a password (`adminPassword`) and may do everything. Needs
 * Debian's redis-server package (Redis 6+ for ACL users).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { createClient } from 'redis';

export const REDIS_SERVER = '/usr/bin/redis-server';

export function redisAvailable(): boolean {
  return existsSync(REDIS_SERVER);
}

export interface RedisServer {
  host: string;
  port: number;
  adminUser: string;
  adminPassword: string;
  /** Runs a command as the admin (a fresh connection each time). */
  command(args: string[]): Promise<unknown>;
  /** True if `user`/`password` can log in (AUTH; the user may not be allowed PING). */
  canLogin(user: string, password: string): Promise<boolean>;
  /** Stops the server (ACL users are lost: no persistence); start() brings it back on the same port. */
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

export async function startRedis(): Promise<RedisServer> {
  const host = '127.0.0.1';
  const port = await freePort();
  const adminUser = 'default';
  const adminPassword = randomBytes(12).toString('hex');
  let child: ChildProcess | undefined;

  async function session<T>(user: string, password: string, f: (c: { sendCommand(a: string[]): Promise<unknown> }) => Promise<T>): Promise<T> {
    const c = createClient({ socket: { host, port, connectTimeout: 5000, reconnectStrategy: false }, username: user, password, disableClientInfo: true });
    c.on('error', () => undefined);
    await c.connect();
    try {
      return await f(c);
    } finally {
      await c.close().catch(() => undefined);
    }
  }

  async function start(): Promise<void> {
    const p = spawn(REDIS_SERVER, ['--port', String(port), '--bind', host, '--save', '', '--appendonly', 'no', '--requirepass', adminPassword], { stdio: 'ignore' });
    child = p;
    for (let i = 0; i < 200; i++) {
      if (p.exitCode !== null) throw new Error(`redis-server exited with ${p.exitCode}`);
      try {
        await session(adminUser, adminPassword, (c) => c.sendCommand(['PING']));
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    throw new Error('redis-server did not start in 10 s');
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
  return {
    host,
    port,
    adminUser,
    adminPassword,
    command: (args) => session(adminUser, adminPassword, (c) => c.sendCommand(args)),
    async canLogin(user, password) {
      try {
        return await session(user, password, async () => true);
      } catch {
        return false;
      }
    },
    pause,
    start,
    stop: pause,
  };
}
