/**
 * Per-secret password options of the built-in rotators: the reserved key `rotor:passwordOptions` of the
 * secret's JSON holds GetRandomPassword's members (PasswordLength, ExcludeCharacters, ExcludeNumbers,
 * ExcludePunctuation, ExcludeUppercase, ExcludeLowercase, IncludeSpace, RequireEachIncludedType), the
 * same options AWS's templates take from their environment (EXCLUDE_CHARACTERS, PASSWORD_LENGTH, …).
 * Members left out keep the rotator's defaults. The key is copied unchanged into each new version.
 */
import type { PasswordOptions } from '../domain/password.js';
import { RotatorError } from './rotator-error.js';

export const PASSWORD_OPTIONS_KEY = 'rotor:passwordOptions';

const BOOLEAN_MEMBERS = [
  'ExcludeNumbers',
  'ExcludePunctuation',
  'ExcludeUppercase',
  'ExcludeLowercase',
  'IncludeSpace',
  'RequireEachIncludedType',
] as const;

/** Defaults of AWS's PostgreSQL templates: `:/@"'\` excluded (they break connection strings and quoting). */
export const DATABASE_PASSWORD_DEFAULTS: PasswordOptions = { PasswordLength: 32, ExcludeCharacters: ':/@"\'\\' };
/** Defaults of AWS's generic template: `/@"'\` excluded. */
export const GENERIC_PASSWORD_DEFAULTS: PasswordOptions = { PasswordLength: 32, ExcludeCharacters: '/@"\'\\' };

/** The options stored under PASSWORD_OPTIONS_KEY in `json` over `defaults`; a malformed value is an error. */
export function passwordOptionsOf(json: Record<string, unknown>, defaults: PasswordOptions): PasswordOptions {
  const raw = json[PASSWORD_OPTIONS_KEY];
  if (raw === undefined) return { ...defaults };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new RotatorError(`"${PASSWORD_OPTIONS_KEY}" must be a JSON object of GetRandomPassword options.`);
  }
  const out: PasswordOptions = { ...defaults };
  for (const [k, v] of Object.entries(raw)) {
    if (k === 'PasswordLength') {
      if (typeof v !== 'number' || !Number.isInteger(v)) throw new RotatorError(`"${PASSWORD_OPTIONS_KEY}".PasswordLength must be an integer.`);
      out.PasswordLength = v;
    } else if (k === 'ExcludeCharacters') {
      if (typeof v !== 'string') throw new RotatorError(`"${PASSWORD_OPTIONS_KEY}".ExcludeCharacters must be a string.`);
      out.ExcludeCharacters = v;
    } else if ((BOOLEAN_MEMBERS as readonly string[]).includes(k)) {
      if (typeof v !== 'boolean') throw new RotatorError(`"${PASSWORD_OPTIONS_KEY}".${k} must be true or false.`);
      out[k as (typeof BOOLEAN_MEMBERS)[number]] = v;
    } else {
      throw new RotatorError(`"${PASSWORD_OPTIONS_KEY}" has an unknown member "${k}"; known: PasswordLength, ExcludeCharacters, ${BOOLEAN_MEMBERS.join(', ')}.`);
    }
  }
  return out;
}
