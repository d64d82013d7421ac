/**
 * `mysql-alternating-users`: AWS's SecretsManagerRDSMySQLRotationMultiUser, natively (MySQL 8 and MariaDB).
 * The secret alternates between `<user>` and `<user>_clone`; the master secret (`masterarn`) creates the
 * clone the first time (same host part as the current user), replays the current user's `SHOW GRANTS` for
 * it (every time, as the template does), copies its TLS requirement and sets the password of the user being
 * switched to. The user of AWSPREVIOUS keeps working until the next rotation.
 *
 * A `<user>_clone` longer than MySQL's 32 characters is refused in createSecret, as AWS's template refuses
 * names over its USERNAME_CHARACTER_LIMIT: a truncated name could not be mapped back to `<user>`.
 */
import type mysql from 'mysql2/promise';
import { AWSCURRENT } from '../domain/types.js';
import { target, type DbSecret } from './db-secret.js';
import { closeMySqlQuietly } from './mysql-connection.js';
import {
  currentMySql,
  MYSQL_ENGINES,
  MYSQL_MAX_NAME,
  mySqlAlreadyWorks,
  mySqlLoginOrThrow,
  parseMySql,
  pendingMySql,
  runMySql,
  testPendingMySql,
  withNewMySqlPassword,
} from './mysql-steps.js';
import { alternateUsername, readMasterSecret } from './alternating-users.js';
import { assertSameServer } from './postgres-steps.js';
import type { Rotator, StepContext } from './rotator.js';
import { RotatorError } from './rotator-error.js';
import { createPendingOnce, moveCurrentToPending } from './rotation-steps.js';

/** The host part of the account the current credentials log in as (`SELECT CURRENT_USER()` is `user@host`). */
async function accountHost(conn: mysql.Connection, s: DbSecret): Promise<string> {
  const rows = (await runMySql('setSecret', conn, s, 'AWSCURRENT', 'SELECT CURRENT_USER()', 'SELECT CURRENT_USER() AS u')) as { u?: unknown }[];
  const u = rows[0]?.u;
  if (typeof u !== 'string' || !u.includes('@')) throw new RotatorError(`setSecret: MySQL at ${target(s)} did not say which account "${s.username}" is.`);
  return u.slice(u.lastIndexOf('@') + 1);
}

/** A `SHOW GRANTS` line for `grantee`, rewritten for `to` (a quoted account): what precedes ` TO `, plus WITH GRANT OPTION. */
export function replayGrant(line: string, to: string): string | undefined {
  const at = line.lastIndexOf(' TO ');
  if (!line.startsWith('GRANT ') || at < 0) return undefined;
  if (line.includes('XA_RECOVER_ADMIN')) return undefined;
  return `${line.slice(0, at)} TO ${to}${/ WITH GRANT OPTION\b/.test(line.slice(at)) ? ' WITH GRANT OPTION' : ''}`;
}

export const mysqlAlternatingUsers: Rotator = {
  description: 'MySQL 8 / MariaDB, alternating users <user> / <user>_clone with the same grants, changed by the master secret (AWS SecretsManagerRDSMySQLRotationMultiUser).',

  async createSecret(ctx: StepContext) {
    await createPendingOnce(ctx, (text) => {
      const current = parseMySql(text, AWSCURRENT);
      const username = alternateUsername(current.username);
      if (username.length > MYSQL_MAX_NAME) {
        throw new RotatorError(`createSecret: the alternate user name "${username}" is longer than MySQL's ${MYSQL_MAX_NAME} characters; use a user name of at most ${MYSQL_MAX_NAME - 6} characters.`);
      }
      return withNewMySqlPassword(ctx, current, { username });
    });
  },

  async setSecret(ctx: StepContext) {
    const current = await currentMySql(ctx);
    const pending = await pendingMySql(ctx);
    if (await mySqlAlreadyWorks(pending)) {
      ctx.log(`setSecret: "${pending.username}" already logs in with the pending password; nothing to do.`);
      return;
    }
    if (pending.username !== alternateUsername(current.username)) {
      throw new RotatorError(`setSecret: the pending user "${pending.username}" is not the alternate of the current user "${current.username}"; refusing to change it.`);
    }
    assertSameServer('setSecret', current, pending);
    // Confused-deputy check: the current credentials must be valid before the master acts for them.
    const own = await mySqlLoginOrThrow('setSecret', current, 'the current password (AWSCURRENT)');
    let host: string;
    try {
      host = await accountHost(own, current);
    } finally {
      await closeMySqlQuietly(own);
    }
    const master = await readMasterSecret(ctx, current, MYSQL_ENGINES, 'CREATE USER, GRANT and ALTER USER');
    const conn = await mySqlLoginOrThrow('setSecret', master, 'the master secret\'s password (masterarn)');
    const hide = [pending.password, current.password, master.password];
    const run = (what: string, sql: string, values: unknown[] = []) => runMySql('setSecret', conn, master, 'master', what, sql, values, hide);
    try {
      const clone = `${conn.escape(pending.username)}@${conn.escape(host)}`;
      const exists = (await run('SELECT FROM mysql.user', 'SELECT ssl_type FROM mysql.user WHERE User = ? AND Host = ?', [pending.username, host])) as unknown[];
      if (exists.length === 0) {
        await run(`CREATE USER "${pending.username}"@"${host}"`, `CREATE USER ${clone} IDENTIFIED BY ?`, [pending.password]);
        ctx.log(`setSecret: created "${pending.username}"@"${host}" on ${target(pending)}.`);
      }
      const grants = (await run(`SHOW GRANTS FOR "${current.username}"@"${host}"`, 'SHOW GRANTS FOR ?@?', [current.username, host])) as Record<string, unknown>[];
      let replayed = 0;
      for (const row of grants) {
        const line = Object.values(row)[0];
        const grant = typeof line === 'string' ? replayGrant(line, clone) : undefined;
        if (grant === undefined) continue;
        await run(`GRANT (copying the grants of "${current.username}") TO "${pending.username}"`, grant);
        replayed++;
      }
      const ssl = (await run('SELECT FROM mysql.user', 'SELECT ssl_type FROM mysql.user WHERE User = ? AND Host = ?', [current.username, host])) as { ssl_type?: unknown }[];
      const sslType = String(ssl[0]?.ssl_type ?? '');
      if (sslType === 'ANY' || sslType === 'X509') {
        await run(`ALTER USER "${pending.username}" REQUIRE`, `ALTER USER ${clone} REQUIRE ${sslType === 'ANY' ? 'SSL' : 'X509'}`);
      }
      await run(`ALTER USER "${pending.username}"`, `ALTER USER ${clone} IDENTIFIED BY ?`, [pending.password]);
      ctx.log(`setSecret: copied ${replayed} grant(s) of "${current.username}" and set the pending password of "${pending.username}" on ${target(pending)}.`);
    } finally {
      await closeMySqlQuietly(conn);
    }
  },

  async testSecret(ctx: StepContext) {
    await testPendingMySql(ctx);
  },

  async finishSecret(ctx: StepContext) {
    await moveCurrentToPending(ctx);
  },
};
