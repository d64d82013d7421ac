/**
 * Connecting to Redis 6+ as an ACL user for the built-in rotator (node-redis), and saying why it failed in
 * the terms an operator uses: connection refused, host not found, timed out, WRONGPASS, NOPERM. Errors never
 * contain a password. `ssl: true` requires verified TLS; false or absent is plaintext (a TLS handshake
 * against a plaintext Redis does not fail, it hangs until the timeout, so there is no fallback to try).
 */
import { isIP } from 'node:net';
import { createClient } from 'redis';
import { target, type DbSecret } from './db-secret.js';
import { describeSocketError } from './connection-failure.js';

export const REDIS_CONNECT_TIMEOUT_MS = 10_000;

/** The part of a node-redis client the rotator uses. */
export interface RedisConn {
  sendCommand(args: string[]): Promise<unknown>;
  close(): Promise<unknown>;
  destroy(): void;
}

export type RedisFailureKind = 'unreachable' | 'authentication' | 'other';

export interface RedisFailure {
  kind: RedisFailureKind;
  detail: string;
}

export type RedisConnectOutcome = { ok: true; conn: RedisConn } | ({ ok: false } & RedisFailure);

/** Classifies and words a failure of connecting to (or talking with) the Redis server at `where`. */
export function describeRedisError(e: unknown, where: string): RedisFailure {
  const code = typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'string' ? (e as { code: string }).code : undefined;
  const message = e instanceof Error && e.message !== '' ? e.message : 'unknown error';
  if (message.startsWith('WRONGPASS')) return { kind: 'authentication', detail: message };
  if (message.startsWith('NOPERM')) return { kind: 'other', detail: `permission denied: ${message}` };
  const socket = describeSocketError(code, 'Redis', where);
  if (socket) return socket;
  if (/timeout/i.test(message)) return { kind: 'unreachable', detail: `connection to ${where} timed out (${message})` };
  return { kind: 'other', detail: `${message}${code !== undefined ? ` (${code})` : ''}` };
}

/** Logs in as `s.username` with `s.password` (AUTH username password). */
export async function connectRedis(s: DbSecret): Promise<RedisConnectOutcome> {
  const socket = s.ssl === true
    ? { host: s.host, port: s.port, connectTimeout: REDIS_CONNECT_TIMEOUT_MS, reconnectStrategy: false as const, tls: true as const, rejectUnauthorized: true, ...(isIP(s.host) === 0 ? { servername: s.host } : {}) }
    : { host: s.host, port: s.port, connectTimeout: REDIS_CONNECT_TIMEOUT_MS, reconnectStrategy: false as const };
  const client = createClient({ socket, username: s.username, password: s.password, disableClientInfo: true });
  // A server that goes away later emits 'error'; the step's command sees the failure instead.
  client.on('error', () => undefined);
  try {
    await client.connect();
    return { ok: true, conn: client };
  } catch (e) {
    destroyQuietly(client);
    return { ok: false, ...describeRedisError(e, target(s)) };
  }
}

function destroyQuietly(conn: RedisConn): void {
  try {
    conn.destroy();
  } catch {
    // already closed
  }
}

export async function closeRedisQuietly(conn: RedisConn): Promise<void> {
  await conn.close().catch(() => destroyQuietly(conn));
}
