/**
 * What the two MySQL/MariaDB rotators share: reading their secrets, logging in with a named set of
 * credentials (or failing with a message that says whose credentials and why), testSecret and running a
 * statement in DBA terms. Statement errors are scrubbed of the passwords they could quote.
 */
import type mysql from 'mysql2/promise';
import { AWSCURRENT } from '../domain/types.js';
import { parseDbSecret, target, type DbSecret } from './db-secret.js';
import { closeMySqlQuietly, connectMySql, describeMySqlError, type MySqlConnectOutcome } from './mysql-connection.js';
import { GENERIC_PASSWORD_DEFAULTS, passwordOptionsOf } from './password-options.js';
import type { StepContext } from './rotator.js';
import { RotatorError } from './rotator-error.js';
import { readPending, readStage } from './rotation-steps.js';

export const MYSQL_ENGINES = ['mysql', 'aurora-mysql', 'mariadb'] as const;
export const MYSQL_PORT = 3306;
/** MySQL 8's limit on user names (MariaDB allows 80; the stricter one applies to both). */
export const MYSQL_MAX_NAME = 32;

export function parseMySql(text: string, label: string): DbSecret {
  return parseDbSecret(text, label, MYSQL_ENGINES, MYSQL_PORT);
}

export async function currentMySql(ctx: StepContext): Promise<DbSecret> {
  return parseMySql(await readStage(ctx, AWSCURRENT), 'AWSCURRENT');
}

export async function pendingMySql(ctx: StepContext): Promise<DbSecret> {
  return parseMySql(await readPending(ctx), 'AWSPENDING');
}

/** A new pending JSON: the current one with a new password (the MySQL templates exclude `/@"'\`, not `:`). */
export function withNewMySqlPassword(ctx: StepContext, current: DbSecret, changes: Record<string, unknown> = {}): string {
  let password: string;
  try {
    password = ctx.secrets.getRandomPassword(passwordOptionsOf(current.json, GENERIC_PASSWORD_DEFAULTS));
  } catch (e) {
    throw new RotatorError(`createSecret: the password options are not usable: ${e instanceof Error ? e.message : 'invalid options'}`);
  }
  return JSON.stringify({ ...current.json, ...changes, password });
}

function where(s: DbSecret): string {
  return `MySQL at ${target(s)}${s.dbname !== undefined ? ` (database "${s.dbname}")` : ''}`;
}

export function mySqlLoginFailure(step: string, s: DbSecret, label: string, r: Extract<MySqlConnectOutcome, { ok: false }>): RotatorError {
  if (r.kind === 'authentication') {
    return new RotatorError(`${step}: authentication failed for ${label} of user "${s.username}" on ${where(s)}: ${r.detail}`);
  }
  return new RotatorError(`${step}: could not log in to ${where(s)} as "${s.username}" with ${label}: ${r.detail}`);
}

export async function mySqlLoginOrThrow(step: string, s: DbSecret, label: string): Promise<mysql.Connection> {
  const r = await connectMySql(s);
  if (!r.ok) throw mySqlLoginFailure(step, s, label, r);
  return r.conn;
}

/** True (and the connection closed) if `s` already logs in: the password was set by an earlier run. */
export async function mySqlAlreadyWorks(s: DbSecret): Promise<boolean> {
  const r = await connectMySql(s);
  if (!r.ok) return false;
  await closeMySqlQuietly(r.conn);
  return true;
}

function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length > 0) out = out.split(s).join('********');
  return out;
}

/**
 * Runs `sql` (with `?` values) as the statement named `what` (e.g. `ALTER USER "app"`), turning failures
 * into DBA terms. `secrets` are removed from the server's message (a syntax error quotes the statement).
 */
export async function runMySql(
  step: string,
  conn: mysql.Connection,
  s: DbSecret,
  asLabel: string,
  what: string,
  sql: string,
  values: unknown[] = [],
  secrets: readonly string[] = [],
): Promise<unknown> {
  try {
    const [rows] = await conn.query({ sql, values, timeout: 30_000 });
    return rows;
  } catch (e) {
    const f = describeMySqlError(e, target(s));
    const detail = scrub(f.detail, secrets);
    const lead = detail.startsWith('permission denied') ? `permission denied for ${what}` : `${what} failed`;
    throw new RotatorError(`${step}: ${lead} as "${s.username}" (${asLabel}) on MySQL at ${target(s)}: ${detail}`);
  }
}

/** testSecret: the pending credentials log in and `SELECT 1` answers. */
export async function testPendingMySql(ctx: StepContext): Promise<void> {
  const pending = await pendingMySql(ctx);
  const conn = await mySqlLoginOrThrow('testSecret', pending, 'the pending password (AWSPENDING)');
  try {
    await runMySql('testSecret', conn, pending, 'AWSPENDING', 'SELECT 1', 'SELECT 1');
  } finally {
    await closeMySqlQuietly(conn);
  }
  ctx.log(`testSecret: "${pending.username}" logs in to ${target(pending)} with the pending password.`);
}
