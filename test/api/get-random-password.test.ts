import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetRandomPasswordCommand, type GetRandomPasswordCommandInput } from '@aws-sdk/client-secrets-manager';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { keysOf } from '../helpers/api.js';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';
const PUNCT = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';

async function password(input: GetRandomPasswordCommandInput = {}): Promise<string> {
  const r = await t.client.send(new GetRandomPasswordCommand(input));
  expect(typeof r.RandomPassword).toBe('string');
  return r.RandomPassword ?? '';
}

const has = (p: string, set: string) => [...p].some((c) => set.includes(c));
const only = (p: string, set: string) => [...p].every((c) => set.includes(c));

describe('validation', () => {
  it('rejects PasswordLength above 4096 with the exact ValidationException (C3)', async () => {
    await expect(password({ PasswordLength: 5000 })).rejects.toMatchObject({
      name: 'ValidationException',
      message:
        "1 validation error detected: Value '5000' at 'passwordLength' failed to satisfy constraint: Member must have value less than or equal to 4096",
    });
  });

  it('rejects PasswordLength 0', async () => {
    await expect(password({ PasswordLength: 0 })).rejects.toMatchObject({
      name: 'ValidationException',
      message:
        "1 validation error detected: Value '0' at 'passwordLength' failed to satisfy constraint: Member must have value greater than or equal to 1",
    });
  });

  it('rejects excluding every character of a required type', async () => {
    await expect(password({ ExcludeCharacters: DIGITS })).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: 'All characters of the desired type have been excluded',
    });
  });

  it('rejects a length shorter than the number of required types', async () => {
    await expect(password({ PasswordLength: 3 })).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: 'Password length is too short based on the required types.',
    });
  });

  it('rejects an empty character pool', async () => {
    await expect(
      password({ ExcludeLowercase: true, ExcludeUppercase: true, ExcludeNumbers: true, ExcludePunctuation: true }),
    ).rejects.toMatchObject({ name: 'InvalidParameterException', message: 'All characters have been excluded from selection' });
    await expect(
      password({ ExcludeCharacters: LOWER + UPPER + DIGITS + PUNCT, RequireEachIncludedType: false }),
    ).rejects.toMatchObject({ name: 'InvalidParameterException', message: 'All characters have been excluded from selection' });
  });

  it('rejects a wrongly typed PasswordLength', async () => {
    const r = await t.raw('GetRandomPassword', { PasswordLength: '12' });
    expect(r.status).toBe(400);
    expect(r.body.__type).toBe('SerializationException');
  });
});

describe('serialization', () => {
  it('returns exactly RandomPassword', async () => {
    const r = await t.raw('GetRandomPassword', {});
    expect(r.status).toBe(200);
    expect(keysOf(r.body)).toEqual(['RandomPassword']);
    expect(typeof r.body.RandomPassword).toBe('string');
  });
});

describe('behaviour', () => {
  it('defaults to 32 characters with at least one of every type', async () => {
    for (let i = 0; i < 20; i++) {
      const p = await password();
      expect(p).toHaveLength(32);
      expect(has(p, LOWER) && has(p, UPPER) && has(p, DIGITS) && has(p, PUNCT)).toBe(true);
      expect(p).not.toContain(' ');
    }
  });

  it('returns exactly PasswordLength characters, from 1 to 4096, after exclusions', async () => {
    expect(await password({ PasswordLength: 4096, ExcludeCharacters: 'abcdefABCDEF012345!@#' })).toHaveLength(4096);
    expect(await password({ PasswordLength: 1, ExcludeUppercase: true, ExcludeNumbers: true, ExcludePunctuation: true })).toMatch(/^[a-z]$/);
    expect(await password({ PasswordLength: 4 })).toHaveLength(4);
  });

  it('never uses excluded characters', async () => {
    const excluded = 'aeiouAEIOU01lI"\'`\\/@';
    const p = await password({ PasswordLength: 4096, ExcludeCharacters: excluded });
    expect([...p].filter((c) => excluded.includes(c))).toEqual([]);
    expect(has(p, LOWER) && has(p, UPPER) && has(p, DIGITS) && has(p, PUNCT)).toBe(true);
  });

  it('honours the Exclude* switches', async () => {
    expect(only(await password({ PasswordLength: 500, ExcludeNumbers: true, ExcludePunctuation: true }), LOWER + UPPER)).toBe(true);
    expect(only(await password({ PasswordLength: 500, ExcludeLowercase: true, ExcludeUppercase: true }), DIGITS + PUNCT)).toBe(true);
    const digits = await password({ PasswordLength: 64, ExcludeLowercase: true, ExcludeUppercase: true, ExcludePunctuation: true });
    expect(digits).toMatch(/^[0-9]{64}$/);
  });

  it('draws punctuation from all 32 ASCII symbols', async () => {
    const p = await password({ PasswordLength: 4096, ExcludeLowercase: true, ExcludeUppercase: true, ExcludeNumbers: true });
    expect(only(p, PUNCT)).toBe(true);
    expect(new Set(p).size).toBe(32);
  });

  it('includes a space only with IncludeSpace, and never requires it', async () => {
    expect(await password({ PasswordLength: 4096 })).not.toContain(' ');
    const p = await password({ PasswordLength: 4096, IncludeSpace: true });
    expect(p).toContain(' ');
    expect(await password({ PasswordLength: 4, IncludeSpace: true })).toHaveLength(4);
    expect(await password({ PasswordLength: 500, IncludeSpace: true, ExcludeCharacters: ' ' })).not.toContain(' ');
  });

  it('RequireEachIncludedType=false allows short passwords and emptied classes', async () => {
    expect(await password({ PasswordLength: 2, RequireEachIncludedType: false })).toHaveLength(2);
    const p = await password({ PasswordLength: 100, ExcludeCharacters: DIGITS, RequireEachIncludedType: false });
    expect(has(p, DIGITS)).toBe(false);
  });

  it('returns different passwords on each call', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 10; i++) seen.add(await password());
    expect(seen.size).toBe(10);
  });
});
