/**
 * GetRandomPassword (spec §5.14, C3, §13.35). Pure: the only source of randomness is the injected
 * `randomInt` (the service passes crypto.randomInt).
 *
 * Algorithm:
 * 1. Classes lowercase, uppercase, digits, punctuation (the 32 ASCII symbols) minus the Exclude* flags, plus
 *    space with IncludeSpace; every character of ExcludeCharacters is removed from every class.
 * 2. With RequireEachIncludedType (default true) each enabled class except space must keep ≥1 character
 *    (else 'All characters of the desired type have been excluded') and contributes one required character;
 *    more required classes than PasswordLength ⇒ 'Password length is too short based on the required types.'
 * 3. An empty pool ⇒ 'All characters have been excluded from selection'.
 * 4. One uniform draw per required class from that class, uniform draws from the whole pool for the rest,
 *    then a Fisher-Yates shuffle so the required characters land at uniformly random positions.
 */

import { err } from './errors.js';

export interface PasswordOptions {
  PasswordLength?: number;
  ExcludeCharacters?: string;
  ExcludeNumbers?: boolean;
  ExcludePunctuation?: boolean;
  ExcludeUppercase?: boolean;
  ExcludeLowercase?: boolean;
  IncludeSpace?: boolean;
  RequireEachIncludedType?: boolean;
}

export const DEFAULT_PASSWORD_LENGTH = 32;
export const MAX_PASSWORD_LENGTH = 4096;

export const LOWERCASE = 'abcdefghijklmnopqrstuvwxyz';
export const UPPERCASE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
export const DIGITS = '0123456789';
export const PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';

export const PASSWORD_MESSAGES = {
  typeExcluded: 'All characters of the desired type have been excluded',
  tooShort: 'Password length is too short based on the required types.',
  allExcluded: 'All characters have been excluded from selection',
} as const;

function lengthError(length: number, constraint: string): Error {
  return err.validation(
    `1 validation error detected: Value '${String(length)}' at 'passwordLength' failed to satisfy constraint: ${constraint}`,
  );
}

/** Draws an index in [0, n) and checks the injected generator kept its contract. */
function draw(randomInt: (n: number) => number, n: number): number {
  const r = randomInt(n);
  if (!Number.isInteger(r) || r < 0 || r >= n) throw err.internal(`randomInt(${n}) returned ${String(r)}`);
  return r;
}

function pick(chars: readonly string[], randomInt: (n: number) => number): string {
  return chars[draw(randomInt, chars.length)] as string;
}

/** Generates a password; throws InvalidParameterException per C3 (ValidationException for a bad length). */
export function generatePassword(opts: PasswordOptions, randomInt: (n: number) => number): string {
  const length = opts.PasswordLength ?? DEFAULT_PASSWORD_LENGTH;
  // The model validator enforces the range; guard anyway (non-integers, NaN, out of range).
  if (!Number.isInteger(length)) throw lengthError(length, 'Member must be an integer');
  if (length < 1) throw lengthError(length, 'Member must have value greater than or equal to 1');
  if (length > MAX_PASSWORD_LENGTH) {
    throw lengthError(length, `Member must have value less than or equal to ${MAX_PASSWORD_LENGTH}`);
  }

  const excluded = new Set(opts.ExcludeCharacters ?? '');
  const keep = (chars: string): string[] => [...chars].filter((c) => !excluded.has(c));

  const classes: string[][] = [];
  if (opts.ExcludeLowercase !== true) classes.push(keep(LOWERCASE));
  if (opts.ExcludeUppercase !== true) classes.push(keep(UPPERCASE));
  if (opts.ExcludeNumbers !== true) classes.push(keep(DIGITS));
  if (opts.ExcludePunctuation !== true) classes.push(keep(PUNCTUATION));
  const space = opts.IncludeSpace === true ? keep(' ') : [];

  const requireEach = opts.RequireEachIncludedType ?? true;
  const required = requireEach ? classes : [];
  if (required.some((c) => c.length === 0)) throw err.invalidParameter(PASSWORD_MESSAGES.typeExcluded);
  if (required.length > length) throw err.invalidParameter(PASSWORD_MESSAGES.tooShort);

  const pool = [...classes.flat(), ...space];
  if (pool.length === 0) throw err.invalidParameter(PASSWORD_MESSAGES.allExcluded);

  const out: string[] = required.map((c) => pick(c, randomInt));
  while (out.length < length) out.push(pick(pool, randomInt));

  // Fisher-Yates: every permutation equally likely, so required characters sit at random positions.
  for (let i = out.length - 1; i > 0; i--) {
    const j = draw(randomInt, i + 1);
    const t = out[i] as string;
    out[i] = out[j] as string;
    out[j] = t;
  }
  return out.join('');
}
