/**
 * `postgresql-single-user`: AWS's SecretsManagerRDSPostgreSQLRotationSingleUser, natively. One role; its
 * password changes in setSecret. Between setSecret and finishSecret the new password is already the one
 * that works and is stored as AWSPENDING (a retry reuses it); AWSCURRENT moves to it in finishSecret.
 */
import { AWSCURRENT } from '../domain/types.js';
import { parsePg, alreadyWorks, assertSameServer, currentPg, loginFailure, pendingPg, runAs, setPasswordSql, testPending, withNewPassword } from './postgres-steps.js';
import { closeQuietly, connectPg } from './postgres-connection.js';
import type { Rotator, StepContext } from './rotator.js';
import { RotatorError } from './rotator-error.js';
import { AWSPREVIOUS, createPendingOnce, moveCurrentToPending, readStageIfAny } from './rotation-steps.js';
import { target } from './db-secret.js';

export const postgresqlSingleUser: Rotator = {
  description: 'PostgreSQL, one user: ALTER ROLE … PASSWORD as that user (AWS SecretsManagerRDSPostgreSQLRotationSingleUser).',

  async createSecret(ctx: StepContext) {
    await createPendingOnce(ctx, (text) => withNewPassword(ctx, parsePg(text, AWSCURRENT)));
  },

  async setSecret(ctx: StepContext) {
    const current = await currentPg(ctx);
    const pending = await pendingPg(ctx);
    if (await alreadyWorks(pending)) {
      ctx.log(`setSecret: "${pending.username}" already logs in with the pending password; nothing to do.`);
      return;
    }
    if (pending.username !== current.username) {
      throw new RotatorError(`setSecret: the pending secret is for user "${pending.username}" but the current one for "${current.username}"; refusing to change another user's password.`);
    }
    assertSameServer('setSecret', current, pending);
    let conn = await connectPg(current);
    let asLabel = 'AWSCURRENT';
    if (!conn.ok) {
      // As the template does: the previous password, if the database still has it (a restored backup).
      const previousText = await readStageIfAny(ctx, AWSPREVIOUS);
      const previous = previousText !== undefined ? tryParse(previousText) : undefined;
      if (previous && previous.username === current.username && previous.host === current.host && previous.port === current.port) {
        const p = await connectPg(previous);
        if (p.ok) {
          conn = p;
          asLabel = 'AWSPREVIOUS';
        }
      }
    }
    if (!conn.ok) throw loginFailure('setSecret', current, 'the current password (AWSCURRENT)', conn);
    try {
      await runAs('setSecret', conn.client, current, asLabel, `ALTER ROLE "${current.username}"`, setPasswordSql(conn.client, pending.username, pending.password));
    } finally {
      await closeQuietly(conn.client);
    }
    ctx.log(`setSecret: set the pending password of "${pending.username}" on ${target(pending)} (logged in with ${asLabel}).`);
  },

  async testSecret(ctx: StepContext) {
    await testPending(ctx);
  },

  async finishSecret(ctx: StepContext) {
    await moveCurrentToPending(ctx);
  },
};

function tryParse(text: string): ReturnType<typeof parsePg> | undefined {
  try {
    return parsePg(text, AWSPREVIOUS);
  } catch {
    return undefined;
  }
}
