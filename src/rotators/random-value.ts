/**
 * `random-value`: regenerates one field of a JSON secret — `password` unless the reserved key `rotor:field`
 * names another — or, when the SecretString is not a JSON object, the whole SecretString, with
 * GetRandomPassword (options: password-options.ts). No external system: setSecret and testSecret only check
 * that the pending value is there.
 */
import type { SecretsService } from '../service/secrets.js';
import { GENERIC_PASSWORD_DEFAULTS, passwordOptionsOf } from './password-options.js';
import type { Rotator, StepContext } from './rotator.js';
import { RotatorError } from './rotator-error.js';
import { createPendingOnce, moveCurrentToPending, readPending } from './rotation-steps.js';

export const FIELD_KEY = 'rotor:field';
const DEFAULT_FIELD = 'password';

function jsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The next value of a secret whose current SecretString is `current`. */
export function nextRandomValue(current: string, secrets: Pick<SecretsService, 'getRandomPassword'>): string {
  const json = jsonObject(current);
  if (!json) return generate(secrets, GENERIC_PASSWORD_DEFAULTS);
  const field = json[FIELD_KEY] ?? DEFAULT_FIELD;
  if (typeof field !== 'string' || field === '' || field === FIELD_KEY) {
    throw new RotatorError(`"${FIELD_KEY}" must name the JSON key to regenerate.`);
  }
  const existing = json[field];
  if (existing !== undefined && typeof existing !== 'string') {
    throw new RotatorError(`The secret's "${field}" is not a string; random-value only regenerates string fields.`);
  }
  return JSON.stringify({ ...json, [field]: generate(secrets, passwordOptionsOf(json, GENERIC_PASSWORD_DEFAULTS)) });
}

function generate(secrets: Pick<SecretsService, 'getRandomPassword'>, opts: Parameters<SecretsService['getRandomPassword']>[0]): string {
  try {
    return secrets.getRandomPassword(opts);
  } catch (e) {
    throw new RotatorError(`The password options are not usable: ${e instanceof Error ? e.message : 'invalid options'}`);
  }
}

export const randomValue: Rotator = {
  description: 'Regenerates the "password" field (or "rotor:field") of a JSON secret, or the whole SecretString, with GetRandomPassword.',
  async createSecret(ctx: StepContext) {
    await createPendingOnce(ctx, (current) => nextRandomValue(current, ctx.secrets));
  },
  async setSecret(ctx: StepContext) {
    await readPending(ctx);
    ctx.log('setSecret: nothing to set (no external system).');
  },
  async testSecret(ctx: StepContext) {
    await readPending(ctx);
    ctx.log('testSecret: the AWSPENDING value is present.');
  },
  async finishSecret(ctx: StepContext) {
    await moveCurrentToPending(ctx);
  },
};
