/**
 * `postgresql-alternating-users`: AWS's SecretsManagerRDSPostgreSQLRotationMultiUser, natively. The
 * secret alternates between `<user>` and `<user>_clone`; the master secret (`masterarn`) creates the clone
 * the first time (LOGIN, member of the original role so it has the same grants) and sets the password of the
 * user being switched to. The user of AWSPREVIOUS keeps working until the next rotation.
 */
import { AWSCURRENT } from '../domain/types.js';
import { POSTGRES_ENGINES, target } from './db-secret.js';
import { closeQuietly } from './postgres-connection.js';
import {
  alreadyWorks,
  assertSameServer,
  currentPg,
  loginOrThrow,
  parsePg,
  pendingPg,
  POSTGRES_MAX_NAME,
  runAs,
  setPasswordSql,
  testPending,
  withNewPassword,
} from './postgres-steps.js';
import type { Rotator, StepContext } from './rotator.js';
import { RotatorError } from './rotator-error.js';
import { alternateUsername, readMasterSecret } from './alternating-users.js';
import { createPendingOnce, moveCurrentToPending } from './rotation-steps.js';

export const postgresqlAlternatingUsers: Rotator = {
  description: 'PostgreSQL, alternating users <user> / <user>_clone, changed by the master secret (AWS SecretsManagerRDSPostgreSQLRotationMultiUser).',

  async createSecret(ctx: StepContext) {
    await createPendingOnce(ctx, (text) => {
      const current = parsePg(text, AWSCURRENT);
      const username = alternateUsername(current.username);
      if (username.length > POSTGRES_MAX_NAME) {
        throw new RotatorError(`createSecret: the alternate user name "${username}" is longer than PostgreSQL's ${POSTGRES_MAX_NAME} characters.`);
      }
      return withNewPassword(ctx, current, { username });
    });
  },

  async setSecret(ctx: StepContext) {
    const current = await currentPg(ctx);
    const pending = await pendingPg(ctx);
    if (await alreadyWorks(pending)) {
      ctx.log(`setSecret: "${pending.username}" already logs in with the pending password; nothing to do.`);
      return;
    }
    if (pending.username !== alternateUsername(current.username)) {
      throw new RotatorError(`setSecret: the pending user "${pending.username}" is not the alternate of the current user "${current.username}"; refusing to change it.`);
    }
    assertSameServer('setSecret', current, pending);
    // Confused-deputy check: the current credentials must be valid before the master acts for them.
    await closeQuietly(await loginOrThrow('setSecret', current, 'the current password (AWSCURRENT)'));
    const master = await readMasterSecret(ctx, current, POSTGRES_ENGINES, 'CREATE ROLE and ALTER ROLE');
    const client = await loginOrThrow('setSecret', master, 'the master secret\'s password (masterarn)');
    try {
      const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [pending.username]);
      const role = client.escapeIdentifier(pending.username);
      if (exists.rowCount === 0) {
        await runAs('setSecret', client, master, 'master', 'BEGIN', 'BEGIN');
        try {
          await runAs('setSecret', client, master, 'master', `CREATE ROLE "${pending.username}"`, `CREATE ROLE ${role} WITH LOGIN PASSWORD ${client.escapeLiteral(pending.password)}`);
          await runAs('setSecret', client, master, 'master', `GRANT "${current.username}" TO "${pending.username}"`, `GRANT ${client.escapeIdentifier(current.username)} TO ${role}`);
          await runAs('setSecret', client, master, 'master', 'COMMIT', 'COMMIT');
        } catch (e) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw e;
        }
        ctx.log(`setSecret: created "${pending.username}" with the grants of "${current.username}" on ${target(pending)}.`);
      } else {
        await runAs('setSecret', client, master, 'master', `ALTER ROLE "${pending.username}"`, setPasswordSql(client, pending.username, pending.password));
        ctx.log(`setSecret: set the pending password of "${pending.username}" on ${target(pending)}.`);
      }
    } finally {
      await closeQuietly(client);
    }
  },

  async testSecret(ctx: StepContext) {
    await testPending(ctx);
  },

  async finishSecret(ctx: StepContext) {
    await moveCurrentToPending(ctx);
  },
};
