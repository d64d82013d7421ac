/**
 * `redis-single-user`: a Redis 6+ ACL user's own password, with single-user semantics (AWS has no template
 * for self-managed Redis; this follows the single-user database templates). setSecret adds the new password
 * to the user (`ACL SETUSER <user> on #<sha256>`: every other rule is kept, and the plaintext never travels in
 * a command), so between setSecret and finishSecret both passwords log in. finishSecret removes the old one
 * (`ACL SETUSER <user> !<sha256 of AWSCURRENT's password>`) and then moves AWSCURRENT: after a rotation only the
 * new password works. The commands are run as the user itself (it needs `+acl|setuser`) or, when the secret
 * has `masterarn`, as the master secret's user.
 */
import { createHash } from 'node:crypto';
import { AWSCURRENT } from '../domain/types.js';
import { parseDbSecret, target, type DbSecret } from './db-secret.js';
import { closeRedisQuietly, connectRedis, describeRedisError, type RedisConn, type RedisConnectOutcome } from './redis-connection.js';
import { GENERIC_PASSWORD_DEFAULTS, passwordOptionsOf } from './password-options.js';
import { assertSameServer } from './postgres-steps.js';
import type { Rotator, StepContext } from './rotator.js';
import { RotatorError } from './rotator-error.js';
import { createPendingOnce, moveCurrentToPending, readPending, readStage } from './rotation-steps.js';

export const REDIS_ENGINES = ['redis'] as const;
export const REDIS_PORT = 6379;

const parseRedis = (text: string, label: string): DbSecret => parseDbSecret(text, label, REDIS_ENGINES, REDIS_PORT);
const sha256 = (password: string): string => createHash('sha256').update(password, 'utf8').digest('hex');

function loginFailure(step: string, s: DbSecret, label: string, r: Extract<RedisConnectOutcome, { ok: false }>): RotatorError {
  if (r.kind === 'authentication') {
    return new RotatorError(`${step}: authentication failed for ${label} of user "${s.username}" on Redis at ${target(s)}: ${r.detail}`);
  }
  return new RotatorError(`${step}: could not log in to Redis at ${target(s)} as "${s.username}" with ${label}: ${r.detail}`);
}

async function loginOrThrow(step: string, s: DbSecret, label: string): Promise<RedisConn> {
  const r = await connectRedis(s);
  if (!r.ok) throw loginFailure(step, s, label, r);
  return r.conn;
}

async function run(step: string, conn: RedisConn, as: DbSecret, asLabel: string, what: string, args: string[]): Promise<unknown> {
  try {
    return await conn.sendCommand(args);
  } catch (e) {
    const f = describeRedisError(e, target(as));
    const lead = f.detail.startsWith('permission denied') ? `permission denied for ${what}` : `${what} failed`;
    throw new RotatorError(`${step}: ${lead} as "${as.username}" (${asLabel}) on Redis at ${target(as)}: ${f.detail}`);
  }
}

/** Logs in as whoever changes the ACL: the master secret's user if the secret names one, else the user itself. */
async function adminOf(ctx: StepContext, step: string, current: DbSecret, self: DbSecret, selfLabel: string): Promise<{ conn: RedisConn; as: DbSecret; label: string }> {
  if (current.masterarn === undefined) return { conn: await loginOrThrow(step, self, selfLabel), as: self, label: selfLabel.includes('AWSPENDING') ? 'AWSPENDING' : 'AWSCURRENT' };
  const text = await readStage(ctx, AWSCURRENT, current.masterarn).catch((e: unknown) => {
    throw new RotatorError(`${step}: cannot read the master secret ${current.masterarn ?? ''}: ${e instanceof Error ? e.message : 'unknown error'}`);
  });
  const master = parseDbSecret(text, 'master', REDIS_ENGINES, current.port, false);
  if (master.host === '') {
    master.host = current.host;
    master.port = current.port;
  } else if (master.host !== current.host || (master.json.port !== undefined && master.port !== current.port)) {
    throw new RotatorError(`${step}: the master secret points at ${target(master)} but the secret at ${target(current)}; they must name the same server.`);
  }
  if (master.ssl === undefined && current.ssl !== undefined) master.ssl = current.ssl;
  return { conn: await loginOrThrow(step, master, 'the master secret\'s password (masterarn)'), as: master, label: 'master' };
}

/** The SHA-256 hashes of the user's passwords (`ACL GETUSER`), or undefined if there is no such user. */
async function passwordHashes(step: string, conn: RedisConn, as: DbSecret, asLabel: string, username: string): Promise<string[] | undefined> {
  const reply = await run(step, conn, as, asLabel, `ACL GETUSER ${username}`, ['ACL', 'GETUSER', username]);
  if (!Array.isArray(reply)) return undefined;
  const at = reply.indexOf('passwords');
  const list: unknown = at >= 0 ? reply[at + 1] : undefined;
  return Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string') : [];
}

async function works(s: DbSecret): Promise<boolean> {
  const r = await connectRedis(s);
  if (!r.ok) return false;
  await closeRedisQuietly(r.conn);
  return true;
}

export const redisSingleUser: Rotator = {
  description: 'Redis 6+ ACL user: ACL SETUSER adds the new password in setSecret, finishSecret removes the old one (single user).',

  async createSecret(ctx: StepContext) {
    await createPendingOnce(ctx, (text) => {
      const current = parseRedis(text, AWSCURRENT);
      let password: string;
      try {
        password = ctx.secrets.getRandomPassword(passwordOptionsOf(current.json, GENERIC_PASSWORD_DEFAULTS));
      } catch (e) {
        throw new RotatorError(`createSecret: the password options are not usable: ${e instanceof Error ? e.message : 'invalid options'}`);
      }
      return JSON.stringify({ ...current.json, password });
    });
  },

  async setSecret(ctx: StepContext) {
    const current = parseRedis(await readStage(ctx, AWSCURRENT), 'AWSCURRENT');
    const pending = parseRedis(await readPending(ctx), 'AWSPENDING');
    if (await works(pending)) {
      ctx.log(`setSecret: "${pending.username}" already logs in with the pending password; nothing to do.`);
      return;
    }
    if (pending.username !== current.username) {
      throw new RotatorError(`setSecret: the pending secret is for user "${pending.username}" but the current one for "${current.username}"; refusing to change another user's password.`);
    }
    assertSameServer('setSecret', current, pending);
    // Confused-deputy check: the current credentials must log in before anyone changes them.
    const own = await loginOrThrow('setSecret', current, 'the current password (AWSCURRENT)');
    if (current.masterarn !== undefined) await closeRedisQuietly(own);
    const admin = current.masterarn === undefined ? { conn: own, as: current, label: 'AWSCURRENT' } : await adminOf(ctx, 'setSecret', current, current, 'the current password (AWSCURRENT)');
    try {
      await run('setSecret', admin.conn, admin.as, admin.label, `ACL SETUSER ${pending.username}`, ['ACL', 'SETUSER', pending.username, 'on', `#${sha256(pending.password)}`]);
    } finally {
      await closeRedisQuietly(admin.conn);
    }
    ctx.log(`setSecret: added the pending password to "${pending.username}" on ${target(pending)}; the current one still works until finishSecret.`);
  },

  async testSecret(ctx: StepContext) {
    const pending = parseRedis(await readPending(ctx), 'AWSPENDING');
    // Logging in is AUTH <user> <password>; an ACL user need not be allowed anything else (not even PING).
    await closeRedisQuietly(await loginOrThrow('testSecret', pending, 'the pending password (AWSPENDING)'));
    ctx.log(`testSecret: "${pending.username}" logs in to ${target(pending)} with the pending password.`);
  },

  async finishSecret(ctx: StepContext) {
    const current = parseRedis(await readStage(ctx, AWSCURRENT), 'AWSCURRENT');
    const pending = parseRedis(await readPending(ctx), 'AWSPENDING');
    if (current.password !== pending.password && current.username === pending.username) {
      const admin = await adminOf(ctx, 'finishSecret', current, pending, 'the pending password (AWSPENDING)');
      try {
        const old = sha256(current.password);
        const hashes = await passwordHashes('finishSecret', admin.conn, admin.as, admin.label, pending.username);
        if (hashes?.includes(old) === true) {
          await run('finishSecret', admin.conn, admin.as, admin.label, `ACL SETUSER ${pending.username}`, ['ACL', 'SETUSER', pending.username, `!${old}`]);
          ctx.log(`finishSecret: removed the previous password of "${pending.username}" on ${target(pending)}.`);
        }
      } finally {
        await closeRedisQuietly(admin.conn);
      }
    }
    await moveCurrentToPending(ctx);
  },
};
