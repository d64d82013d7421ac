/**
 * Connecting to PostgreSQL for the built-in rotators (node-postgres), and saying why it failed in the terms
 * a DBA uses: connection refused, host not found, timed out, authentication failed, no pg_hba.conf entry,
 * database does not exist, permission denied. Errors never contain a password.
 */
import pg from 'pg';
import { target, type DbSecret } from './db-secret.js';
import { connectWithTlsFallback, describeSocketError, type FailureKind } from './connection-failure.js';

export const CONNECT_TIMEOUT_MS = 10_000;
export const QUERY_TIMEOUT_MS = 30_000;

export type PgFailureKind = FailureKind;

export interface PgFailure {
  kind: PgFailureKind;
  /** e.g. `connection refused (is PostgreSQL running and accepting TCP connections on 127.0.0.1:5432?)`. */
  detail: string;
}

export type ConnectOutcome = { ok: true; client: pg.Client } | ({ ok: false } & PgFailure);

interface CodedError {
  code?: unknown;
  message?: unknown;
  errors?: unknown;
}

function codeOf(e: unknown): string | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  const c = (e as CodedError).code;
  if (typeof c === 'string') return c;
  const inner = (e as CodedError).errors;
  return Array.isArray(inner) ? codeOf(inner[0]) : undefined;
}

function messageOf(e: unknown): string {
  if (e instanceof Error && e.message !== '') return e.message;
  const inner = typeof e === 'object' && e !== null ? (e as CodedError).errors : undefined;
  if (Array.isArray(inner) && inner[0] instanceof Error) return inner[0].message;
  return 'unknown error';
}

/** A SQLSTATE is five characters of digits and capitals; Node's system errors are E-words. */
function isSqlState(code: string): boolean {
  return /^[0-9A-Z]{5}$/.test(code);
}

/** Classifies and words a failure of connecting to (or talking with) the server at `where`. */
export function describePgError(e: unknown, where: string): PgFailure {
  const code = codeOf(e);
  const message = messageOf(e);
  if (code !== undefined && isSqlState(code)) {
    const tagged = `${message} [SQLSTATE ${code}]`;
    if (code === '28P01') return { kind: 'authentication', detail: tagged };
    if (code === '28000') return { kind: 'authentication', detail: `login rejected: ${tagged}` };
    if (code === '42501') return { kind: 'other', detail: `permission denied: ${tagged}` };
    if (code === '3D000') return { kind: 'other', detail: `${tagged} (check the secret's "dbname")` };
    if (code.startsWith('57P')) return { kind: 'unreachable', detail: `the server is not accepting connections: ${tagged}` };
    return { kind: 'other', detail: tagged };
  }
  const socket = describeSocketError(code, 'PostgreSQL', where);
  if (socket) return socket;
  if (/timeout/i.test(message)) return { kind: 'unreachable', detail: `connection to ${where} timed out (${message})` };
  if (/terminated unexpectedly/i.test(message)) return { kind: 'unreachable', detail: `the server at ${where} closed the connection (${message})` };
  if (/ssl|tls|certificate/i.test(message) || (code !== undefined && /CERT|TLS|SSL/.test(code))) {
    return { kind: 'tls', detail: `TLS failed: ${message}${code !== undefined ? ` (${code})` : ''}` };
  }
  return { kind: 'other', detail: `${message}${code !== undefined ? ` (${code})` : ''}` };
}

async function attempt(s: DbSecret, ssl: boolean): Promise<ConnectOutcome> {
  const client = new pg.Client({
    host: s.host,
    port: s.port,
    user: s.username,
    password: s.password,
    database: s.dbname ?? 'postgres',
    ssl: ssl ? { rejectUnauthorized: true, servername: s.host } : false,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    query_timeout: QUERY_TIMEOUT_MS,
    application_name: 'rotor-builtin-rotator',
  });
  // A server that goes away later emits 'error' on the client; the step's query sees the failure instead.
  client.on('error', () => undefined);
  try {
    await client.connect();
    return { ok: true, client };
  } catch (e) {
    await client.end().catch(() => undefined);
    return { ok: false, ...describePgError(e, target(s)) };
  }
}

/** Logs in with `s`'s credentials, TLS as the secret's `ssl` says (connection-failure.ts). */
export async function connectPg(s: DbSecret): Promise<ConnectOutcome> {
  return connectWithTlsFallback(s, (ssl) => attempt(s, ssl));
}

export async function closeQuietly(client: pg.Client): Promise<void> {
  await client.end().catch(() => undefined);
}
