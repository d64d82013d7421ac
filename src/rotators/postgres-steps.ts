/**
 * What the two PostgreSQL rotators share: reading their secrets, logging in with a named set of
 * credentials (or failing with a message that says whose credentials and why), testSecret and the
 * password statement.
 */
import type pg from 'pg';
import { AWSCURRENT } from '../domain/types.js';
import { DATABASE_PASSWORD_DEFAULTS, passwordOptionsOf } from './password-options.js';
import { parseDbSecret, POSTGRES_ENGINES, target, type DbSecret } from './db-secret.js';
import { closeQuietly, connectPg, describePgError, type ConnectOutcome } from './postgres-connection.js';
import type { StepContext } from './rotator.js';
import { RotatorError } from './rotator-error.js';
import { readPending, readStage } from './rotation-steps.js';

export const POSTGRES_PORT = 5432;
/** NAMEDATALEN − 1: longer role names are truncated by the server. */
export const POSTGRES_MAX_NAME = 63;

export function parsePg(text: string, label: string): DbSecret {
  return parseDbSecret(text, label, POSTGRES_ENGINES, POSTGRES_PORT);
}

export async function currentPg(ctx: StepContext): Promise<DbSecret> {
  return parsePg(await readStage(ctx, AWSCURRENT), 'AWSCURRENT');
}

export async function pendingPg(ctx: StepContext): Promise<DbSecret> {
  return parsePg(await readPending(ctx), 'AWSPENDING');
}

/** A new pending JSON: the current one with a new password (and, for alternating users, another username). */
export function withNewPassword(ctx: StepContext, current: DbSecret, changes: Record<string, unknown> = {}): string {
  let password: string;
  try {
    password = ctx.secrets.getRandomPassword(passwordOptionsOf(current.json, DATABASE_PASSWORD_DEFAULTS));
  } catch (e) {
    throw new RotatorError(`createSecret: the password options are not usable: ${e instanceof Error ? e.message : 'invalid options'}`);
  }
  return JSON.stringify({ ...current.json, ...changes, password });
}

/** `label` names the credentials for the message, e.g. "the current password (AWSCURRENT)". */
export function loginFailure(step: string, s: DbSecret, label: string, r: Extract<ConnectOutcome, { ok: false }>): RotatorError {
  const where = `PostgreSQL at ${target(s)}${s.dbname !== undefined ? ` (database "${s.dbname}")` : ''}`;
  if (r.kind === 'authentication') {
    return new RotatorError(`${step}: authentication failed for ${label} of user "${s.username}" on ${where}: ${r.detail}`);
  }
  return new RotatorError(`${step}: could not log in to ${where} as "${s.username}" with ${label}: ${r.detail}`);
}

export async function loginOrThrow(step: string, s: DbSecret, label: string): Promise<pg.Client> {
  const r = await connectPg(s);
  if (!r.ok) throw loginFailure(step, s, label, r);
  return r.client;
}

/** True (and the connection closed) if `s` already logs in: the password was set by an earlier run. */
export async function alreadyWorks(s: DbSecret): Promise<boolean> {
  const r = await connectPg(s);
  if (!r.ok) return false;
  await closeQuietly(r.client);
  return true;
}

/** Runs `sql` as the statement named `what` (e.g. `ALTER ROLE "app"`), turning failures into DBA terms. */
export async function runAs(step: string, client: pg.Client, s: DbSecret, asLabel: string, what: string, sql: string): Promise<void> {
  try {
    await client.query(sql);
  } catch (e) {
    const f = describePgError(e, target(s));
    const lead = f.detail.startsWith('permission denied') ? `permission denied for ${what}` : `${what} failed`;
    throw new RotatorError(`${step}: ${lead} as "${s.username}" (${asLabel}) on PostgreSQL at ${target(s)}: ${f.detail}`);
  }
}

export function setPasswordSql(client: pg.Client, username: string, password: string): string {
  return `ALTER ROLE ${client.escapeIdentifier(username)} WITH PASSWORD ${client.escapeLiteral(password)}`;
}

/** testSecret: the pending credentials log in and `SELECT 1` answers. */
export async function testPending(ctx: StepContext): Promise<void> {
  const pending = await pendingPg(ctx);
  const client = await loginOrThrow('testSecret', pending, 'the pending password (AWSPENDING)');
  try {
    await runAs('testSecret', client, pending, 'AWSPENDING', 'SELECT 1', 'SELECT 1');
  } finally {
    await closeQuietly(client);
  }
  ctx.log(`testSecret: "${pending.username}" logs in to ${target(pending)} with the pending password.`);
}

/** The confused-deputy check: pending and current must point at the same server. */
export function assertSameServer(step: string, current: DbSecret, pending: DbSecret): void {
  if (current.host !== pending.host || current.port !== pending.port) {
    throw new RotatorError(
      `${step}: the pending secret points at ${target(pending)} but the current one at ${target(current)}; refusing to set a password on another server.`,
    );
  }
}
