/**
 * `mysql-single-user`: AWS's SecretsManagerRDSMySQLRotationSingleUser (and the MariaDB one), natively. One
 * user; it changes its own password in setSecret: `ALTER USER CURRENT_USER() IDENTIFIED BY …` on MySQL 8,
 * `SET PASSWORD = PASSWORD(…)` on MariaDB (where ALTER USER needs the CREATE USER privilege). Between
 * setSecret and finishSecret the new password is the one that works and is stored as AWSPENDING (a retry
 * reuses it); AWSCURRENT moves to it in finishSecret.
 */
import { AWSCURRENT } from '../domain/types.js';
import { target, type DbSecret } from './db-secret.js';
import { closeMySqlQuietly, connectMySql } from './mysql-connection.js';
import { currentMySql, mySqlAlreadyWorks, mySqlLoginFailure, parseMySql, pendingMySql, runMySql, testPendingMySql, withNewMySqlPassword } from './mysql-steps.js';
import { assertSameServer } from './postgres-steps.js';
import type { Rotator, StepContext } from './rotator.js';
import { RotatorError } from './rotator-error.js';
import { AWSPREVIOUS, createPendingOnce, moveCurrentToPending, readStageIfAny } from './rotation-steps.js';

function tryParse(text: string): DbSecret | undefined {
  try {
    return parseMySql(text, AWSPREVIOUS);
  } catch {
    return undefined;
  }
}

export const mysqlSingleUser: Rotator = {
  description: 'MySQL 8 / MariaDB, one user: ALTER USER … IDENTIFIED BY (SET PASSWORD on MariaDB) as that user (AWS SecretsManagerRDSMySQLRotationSingleUser).',

  async createSecret(ctx: StepContext) {
    await createPendingOnce(ctx, (text) => withNewMySqlPassword(ctx, parseMySql(text, AWSCURRENT)));
  },

  async setSecret(ctx: StepContext) {
    const current = await currentMySql(ctx);
    const pending = await pendingMySql(ctx);
    if (await mySqlAlreadyWorks(pending)) {
      ctx.log(`setSecret: "${pending.username}" already logs in with the pending password; nothing to do.`);
      return;
    }
    if (pending.username !== current.username) {
      throw new RotatorError(`setSecret: the pending secret is for user "${pending.username}" but the current one for "${current.username}"; refusing to change another user's password.`);
    }
    assertSameServer('setSecret', current, pending);
    let conn = await connectMySql(current);
    let asLabel = 'AWSCURRENT';
    if (!conn.ok) {
      // As the template does: the previous password, if the database still has it (a restored backup).
      const previousText = await readStageIfAny(ctx, AWSPREVIOUS);
      const previous = previousText !== undefined ? tryParse(previousText) : undefined;
      if (previous && previous.username === current.username && previous.host === current.host && previous.port === current.port) {
        const p = await connectMySql(previous);
        if (p.ok) {
          conn = p;
          asLabel = 'AWSPREVIOUS';
        }
      }
    }
    if (!conn.ok) throw mySqlLoginFailure('setSecret', current, 'the current password (AWSCURRENT)', conn);
    try {
      // MariaDB lets a user change its own password only with SET PASSWORD (ALTER USER needs CREATE USER
      // there); MySQL 8 has no PASSWORD() and takes ALTER USER for one's own account (the templates' choice).
      const version = (await runMySql('setSecret', conn.conn, current, asLabel, 'SELECT VERSION()', 'SELECT VERSION() AS v')) as { v?: unknown }[];
      const mariadb = /mariadb/i.test(String(version[0]?.v ?? ''));
      const [what, sql] = mariadb ? ['SET PASSWORD', 'SET PASSWORD = PASSWORD(?)'] : [`ALTER USER "${current.username}"`, 'ALTER USER CURRENT_USER() IDENTIFIED BY ?'];
      await runMySql('setSecret', conn.conn, current, asLabel, what, sql, [pending.password], [pending.password, current.password]);
    } finally {
      await closeMySqlQuietly(conn.conn);
    }
    ctx.log(`setSecret: set the pending password of "${pending.username}" on ${target(pending)} (logged in with ${asLabel}).`);
  },

  async testSecret(ctx: StepContext) {
    await testPendingMySql(ctx);
  },

  async finishSecret(ctx: StepContext) {
    await moveCurrentToPending(ctx);
  },
};
