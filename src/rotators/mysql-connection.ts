/**
 * Connecting to MySQL 8 / MariaDB for the built-in rotators (mysql2), and saying why it failed in the terms
 * a DBA uses: connection refused, host not found, timed out, access denied, unknown database, TLS not
 * offered. Errors never contain a password.
 */
import mysql from 'mysql2/promise';
import { target, type DbSecret } from './db-secret.js';
import { connectWithTlsFallback, describeSocketError, type FailureKind } from './connection-failure.js';

export const MYSQL_CONNECT_TIMEOUT_MS = 10_000;
export const MYSQL_QUERY_TIMEOUT_MS = 30_000;

export type MySqlFailureKind = FailureKind;

export interface MySqlFailure {
  kind: MySqlFailureKind;
  /** e.g. `connection refused (is MySQL running and accepting TCP connections on 127.0.0.1:3306?)`. */
  detail: string;
}

export type MySqlConnectOutcome = { ok: true; conn: mysql.Connection } | ({ ok: false } & MySqlFailure);

interface MySqlErrorShape {
  code?: unknown;
  errno?: unknown;
  sqlState?: unknown;
  sqlMessage?: unknown;
  message?: unknown;
}

/** Classifies and words a failure of connecting to (or talking with) the server at `where`. */
export function describeMySqlError(e: unknown, where: string): MySqlFailure {
  const err = (typeof e === 'object' && e !== null ? e : {}) as MySqlErrorShape;
  const code = typeof err.code === 'string' ? err.code : undefined;
  const errno = typeof err.errno === 'number' ? err.errno : undefined;
  const message = typeof err.sqlMessage === 'string' ? err.sqlMessage : e instanceof Error && e.message !== '' ? e.message : 'unknown error';
  if (typeof err.sqlState === 'string' && errno !== undefined) {
    const tagged = `${message} [${code ?? 'ERROR'} ${errno}, SQLSTATE ${err.sqlState}]`;
    if (errno === 1045) return { kind: 'authentication', detail: tagged };
    if (errno === 1049) return { kind: 'other', detail: `${tagged} (check the secret's "dbname")` };
    if ([1044, 1142, 1143, 1227, 1410].includes(errno)) return { kind: 'other', detail: `permission denied: ${tagged}` };
    if (errno === 1040 || errno === 1053 || errno === 2013) return { kind: 'unreachable', detail: `the server is not accepting connections: ${tagged}` };
    return { kind: 'other', detail: tagged };
  }
  if (code === 'PROTOCOL_CONNECTION_LOST') return { kind: 'unreachable', detail: `the server at ${where} closed the connection (${code})` };
  if (code === 'HANDSHAKE_NO_SSL_SUPPORT') return { kind: 'tls', detail: `TLS failed: the server at ${where} does not offer TLS (${code})` };
  const socket = describeSocketError(code, 'MySQL', where);
  if (socket) return socket;
  if (/ssl|tls|certificate/i.test(message) || (code !== undefined && /CERT|TLS|SSL/.test(code))) {
    return { kind: 'tls', detail: `TLS failed: ${message}${code !== undefined ? ` (${code})` : ''}` };
  }
  return { kind: 'other', detail: `${message}${code !== undefined ? ` (${code})` : ''}` };
}

async function attempt(s: DbSecret, ssl: boolean): Promise<MySqlConnectOutcome> {
  try {
    const conn = await mysql.createConnection({
      host: s.host,
      port: s.port,
      user: s.username,
      password: s.password,
      ...(s.dbname !== undefined ? { database: s.dbname } : {}),
      ...(ssl ? { ssl: { rejectUnauthorized: true, verifyIdentity: true } } : {}),
      connectTimeout: MYSQL_CONNECT_TIMEOUT_MS,
    });
    // A server that goes away later emits 'error'; the step's query sees the failure instead.
    conn.on('error', () => undefined);
    return { ok: true, conn };
  } catch (e) {
    return { ok: false, ...describeMySqlError(e, target(s)) };
  }
}

/** Logs in with `s`'s credentials, TLS as the secret's `ssl` says (connection-failure.ts). */
export async function connectMySql(s: DbSecret): Promise<MySqlConnectOutcome> {
  return connectWithTlsFallback(s, (ssl) => attempt(s, ssl));
}

export async function closeMySqlQuietly(conn: mysql.Connection): Promise<void> {
  await conn.end().catch(() => conn.destroy());
}
