/**
 * What the alternating-users rotators of every engine share (AWS's *MultiUser templates): the name of the
 * other user, and the master secret (`masterarn`) that creates the clone and sets passwords.
 */
import { AWSCURRENT } from '../domain/types.js';
import { parseDbSecret, target, type DbSecret } from './db-secret.js';
import type { StepContext } from './rotator.js';
import { RotatorError } from './rotator-error.js';
import { readStage } from './rotation-steps.js';

const CLONE_SUFFIX = '_clone';

/** `app` ↔ `app_clone`. */
export function alternateUsername(username: string): string {
  return username.endsWith(CLONE_SUFFIX) ? username.slice(0, -CLONE_SUFFIX.length) : `${username}${CLONE_SUFFIX}`;
}

/**
 * The master secret's AWSCURRENT credentials, on the same server as `current` (a master without a host
 * takes the secret's; one naming another server is refused). `privileges` names, in the engine's words,
 * what the master must be allowed to do (for the error when there is no masterarn).
 */
export async function readMasterSecret(
  ctx: StepContext,
  current: DbSecret,
  engines: readonly string[],
  privileges: string,
): Promise<DbSecret> {
  if (current.masterarn === undefined) {
    throw new RotatorError(`setSecret: the secret has no "masterarn": alternating users need the ARN of a secret holding credentials that may ${privileges}.`);
  }
  const text = await readStage(ctx, AWSCURRENT, current.masterarn).catch((e: unknown) => {
    throw new RotatorError(`setSecret: cannot read the master secret ${current.masterarn ?? ''}: ${e instanceof Error ? e.message : 'unknown error'}`);
  });
  const master = parseDbSecret(text, 'master', engines, current.port, false);
  if (master.host === '') {
    master.host = current.host;
    master.port = current.port;
  } else if (master.host !== current.host || (master.json.port !== undefined && master.port !== current.port)) {
    throw new RotatorError(`setSecret: the master secret points at ${target(master)} but the secret at ${target(current)}; they must name the same server.`);
  }
  if (master.dbname === undefined && current.dbname !== undefined) master.dbname = current.dbname;
  if (master.ssl === undefined && current.ssl !== undefined) master.ssl = current.ssl;
  return master;
}
