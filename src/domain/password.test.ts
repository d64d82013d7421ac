import { randomInt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AwsError } from './errors.js';
import {
  DIGITS,
  generatePassword,
  LOWERCASE,
  PASSWORD_MESSAGES,
  type PasswordOptions,
  PUNCTUATION,
  UPPERCASE,
} from './password.js';

const rnd = (n: number): number => randomInt(n);

function thrown(fn: () => unknown): AwsError {
  try {
    fn();
  } catch (e) {
    if (e instanceof AwsError) return e;
    throw e;
  }
  throw new Error('expected an AwsError');
}

/** A fake that replays `script` and records each `n` it was asked for. */
function scripted(script: number[]): { rand: (n: number) => number; calls: number[] } {
  const calls: number[] = [];
  let i = 0;
  return {
    calls,
    rand: (n: number) => {
      calls.push(n);
      const v = script[i++];
      if (v === undefined) throw new Error('script exhausted');
      return v;
    },
  };
}

const has = (pw: string, chars: string): boolean => [...pw].some((c) => chars.includes(c));

describe('character classes', () => {
  it('punctuation is the 32 ASCII symbols', () => {
    expect(PUNCTUATION).toHaveLength(32);
    const symbols = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i))
      .filter((c) => /[^A-Za-z0-9 ]/.test(c))
      .join('');
    expect(PUNCTUATION).toBe(symbols);
    expect(LOWERCASE).toHaveLength(26);
    expect(UPPERCASE).toHaveLength(26);
    expect(DIGITS).toHaveLength(10);
  });
});

describe('generatePassword', () => {
  it('defaults to 32 characters with every class present', () => {
    for (let k = 0; k < 50; k++) {
      const pw = generatePassword({}, rnd);
      expect(pw).toHaveLength(32);
      for (const cls of [LOWERCASE, UPPERCASE, DIGITS, PUNCTUATION]) expect(has(pw, cls)).toBe(true);
      expect(pw).not.toContain(' ');
    }
  });

  it.each([1, 4, 5, 17, 256, 4096])('returns exactly %i characters', (n) => {
    const opts: PasswordOptions = { PasswordLength: n, RequireEachIncludedType: n >= 4 };
    expect(generatePassword(opts, rnd)).toHaveLength(n);
  });

  it('length 1 works when only one class is required', () => {
    const pw = generatePassword(
      { PasswordLength: 1, ExcludeLowercase: true, ExcludeUppercase: true, ExcludePunctuation: true },
      rnd,
    );
    expect(pw).toMatch(/^[0-9]$/);
  });

  it('honours each Exclude* flag', () => {
    const cases: [PasswordOptions, string][] = [
      [{ ExcludeNumbers: true }, DIGITS],
      [{ ExcludePunctuation: true }, PUNCTUATION],
      [{ ExcludeUppercase: true }, UPPERCASE],
      [{ ExcludeLowercase: true }, LOWERCASE],
    ];
    for (const [opts, banned] of cases) {
      for (let k = 0; k < 30; k++) {
        const pw = generatePassword({ ...opts, PasswordLength: 64 }, rnd);
        expect(pw).toHaveLength(64);
        expect(has(pw, banned)).toBe(false);
      }
    }
  });

  it('ExcludeCharacters removes characters from every class and still returns the full length', () => {
    const ExcludeCharacters = 'abcdefghijklmnopqrstuvwxyABCDEFGHIJKLMNOPQRSTUVWXY012345678!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}';
    for (let k = 0; k < 30; k++) {
      const pw = generatePassword({ ExcludeCharacters, PasswordLength: 40 }, rnd);
      expect(pw).toHaveLength(40);
      expect(pw).toMatch(/^[zZ9~]+$/);
      for (const c of 'zZ9~') expect(pw).toContain(c);
    }
  });

  it('IncludeSpace allows spaces but does not require them; ExcludeCharacters can remove space', () => {
    const onlySpace: PasswordOptions = {
      IncludeSpace: true,
      ExcludeLowercase: true,
      ExcludeUppercase: true,
      ExcludeNumbers: true,
      ExcludePunctuation: true,
      PasswordLength: 5,
    };
    expect(generatePassword(onlySpace, rnd)).toBe('     ');
    const e = thrown(() => generatePassword({ ...onlySpace, ExcludeCharacters: ' ' }, rnd));
    expect(e.message).toBe(PASSWORD_MESSAGES.allExcluded);
    // Space is never required: a 4-char password with all four classes has no room for one.
    const pw = generatePassword({ IncludeSpace: true, PasswordLength: 4 }, rnd);
    expect(pw).not.toContain(' ');
    // With room to spare, spaces do get drawn.
    let sawSpace = false;
    for (let k = 0; k < 50; k++) sawSpace ||= generatePassword({ IncludeSpace: true, PasswordLength: 200 }, rnd).includes(' ');
    expect(sawSpace).toBe(true);
  });

  it('RequireEachIncludedType=false allows a class to be emptied and lengths below the class count', () => {
    const pw = generatePassword({ RequireEachIncludedType: false, ExcludeCharacters: DIGITS, PasswordLength: 50 }, rnd);
    expect(pw).toHaveLength(50);
    expect(has(pw, DIGITS)).toBe(false);
    expect(generatePassword({ RequireEachIncludedType: false, PasswordLength: 2 }, rnd)).toHaveLength(2);
  });

  describe('errors (C3)', () => {
    it('an enabled class emptied by ExcludeCharacters', () => {
      const e = thrown(() => generatePassword({ ExcludeCharacters: DIGITS }, rnd));
      expect(e.code).toBe('InvalidParameterException');
      expect(e.message).toBe('All characters of the desired type have been excluded');
    });

    it('is not raised for a class that is excluded by its flag anyway', () => {
      expect(generatePassword({ ExcludeCharacters: DIGITS, ExcludeNumbers: true }, rnd)).toHaveLength(32);
    });

    it('fewer characters than required classes', () => {
      const e = thrown(() => generatePassword({ PasswordLength: 3 }, rnd));
      expect(e.code).toBe('InvalidParameterException');
      expect(e.message).toBe('Password length is too short based on the required types.');
      expect(generatePassword({ PasswordLength: 3, ExcludePunctuation: true }, rnd)).toHaveLength(3);
    });

    it('an empty pool', () => {
      const allFlags: PasswordOptions = {
        ExcludeLowercase: true,
        ExcludeUppercase: true,
        ExcludeNumbers: true,
        ExcludePunctuation: true,
      };
      for (const opts of [
        allFlags,
        { RequireEachIncludedType: false, ExcludeCharacters: LOWERCASE + UPPERCASE + DIGITS + PUNCTUATION },
      ]) {
        const e = thrown(() => generatePassword(opts, rnd));
        expect(e.code).toBe('InvalidParameterException');
        expect(e.message).toBe('All characters have been excluded from selection');
      }
    });

    it('the type check precedes the empty-pool check when types are required', () => {
      const e = thrown(() => generatePassword({ ExcludeCharacters: LOWERCASE + UPPERCASE + DIGITS + PUNCTUATION }, rnd));
      expect(e.message).toBe(PASSWORD_MESSAGES.typeExcluded);
    });

    it('guards the length anyway', () => {
      for (const PasswordLength of [0, -1, 1.5, Number.NaN, 4097]) {
        expect(thrown(() => generatePassword({ PasswordLength }, rnd)).code).toBe('ValidationException');
      }
    });

    it('rejects a randomInt that breaks its contract', () => {
      expect(thrown(() => generatePassword({}, (n) => n)).code).toBe('InternalServiceError');
      expect(thrown(() => generatePassword({}, () => 0.5)).code).toBe('InternalServiceError');
    });
  });

  describe('placement (deterministic randomInt)', () => {
    it('draws required chars per class, fills from the pool, then Fisher-Yates shuffles', () => {
      // Classes: lowercase (26), digits (10); pool = a-z0-9 (36).
      // Draws: 'c' (2 of 26), '7' (7 of 10), '4' (30 of 36) ⇒ ['c','7','4'].
      // Shuffle: i=2 j=0 ⇒ ['4','7','c']; i=1 j=0 ⇒ ['7','4','c'].
      const { rand, calls } = scripted([2, 7, 30, 0, 0]);
      const pw = generatePassword({ PasswordLength: 3, ExcludeUppercase: true, ExcludePunctuation: true }, rand);
      expect(pw).toBe('74c');
      expect(calls).toEqual([26, 10, 36, 3, 2]);
    });

    it('identity shuffle keeps draw order; always-0 draws pick the first char of each class', () => {
      const len = 6;
      // Required: a, A, 0, ! then two pool draws (index 0 ⇒ 'a'); shuffle j=i ⇒ identity.
      const script = [0, 0, 0, 0, 0, 0, 5, 4, 3, 2, 1];
      const { rand, calls } = scripted(script);
      expect(generatePassword({ PasswordLength: len }, rand)).toBe('aA0!aa');
      expect(calls).toEqual([26, 26, 10, 32, 94, 94, 6, 5, 4, 3, 2]);
    });

    it('required characters land at every position (crypto.randomInt)', () => {
      const positions = new Set<number>();
      for (let k = 0; k < 500; k++) {
        const pw = generatePassword({ PasswordLength: 8, ExcludeLowercase: true, ExcludeUppercase: true, ExcludePunctuation: true, ExcludeCharacters: '123456789' }, rnd);
        expect(pw).toBe('00000000');
      }
      // The first '0' sits at position 7 only when the seven others are all 'a' (about 1 in 512 draws):
      // 20,000 draws make missing it a 1-in-e^39 event rather than a 2% flake.
      for (let k = 0; k < 20_000; k++) {
        // Exactly one digit is required; the rest come from a pool that includes the digit class too.
        const pw = generatePassword({ PasswordLength: 8, ExcludeUppercase: true, ExcludePunctuation: true, ExcludeCharacters: 'bcdefghijklmnopqrstuvwxyz123456789' }, rnd);
        expect(pw).toMatch(/^[a0]{8}$/);
        expect(pw).toContain('0');
        positions.add(pw.indexOf('0'));
      }
      expect([...positions].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    });
  });

  it('property: exact length, no excluded char, every required class present; errors exactly when due', () => {
    const all = LOWERCASE + UPPERCASE + DIGITS + PUNCTUATION + ' ';
    const opts: fc.Arbitrary<PasswordOptions> = fc.record(
      {
        PasswordLength: fc.integer({ min: 1, max: 80 }),
        ExcludeCharacters: fc.oneof(
          fc.string({ unit: fc.constantFrom(...all), maxLength: 20 }),
          fc.string({ unit: fc.constantFrom(...all), maxLength: 120 }),
          fc.string({ maxLength: 10 }),
        ),
        ExcludeNumbers: fc.boolean(),
        ExcludePunctuation: fc.boolean(),
        ExcludeUppercase: fc.boolean(),
        ExcludeLowercase: fc.boolean(),
        IncludeSpace: fc.boolean(),
        RequireEachIncludedType: fc.boolean(),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(opts, (o) => {
        // Independent oracle.
        const excluded = o.ExcludeCharacters ?? '';
        const enabled = [
          o.ExcludeLowercase === true ? undefined : LOWERCASE,
          o.ExcludeUppercase === true ? undefined : UPPERCASE,
          o.ExcludeNumbers === true ? undefined : DIGITS,
          o.ExcludePunctuation === true ? undefined : PUNCTUATION,
        ]
          .filter((c): c is string => c !== undefined)
          .map((c) => [...c].filter((ch) => !excluded.includes(ch)).join(''));
        const spaceOk = o.IncludeSpace === true && !excluded.includes(' ');
        const required = (o.RequireEachIncludedType ?? true) ? enabled : [];
        const length = o.PasswordLength ?? 32;
        let expectedError: string | undefined;
        if (required.some((c) => c === '')) expectedError = PASSWORD_MESSAGES.typeExcluded;
        else if (required.length > length) expectedError = PASSWORD_MESSAGES.tooShort;
        else if (enabled.join('') === '' && !spaceOk) expectedError = PASSWORD_MESSAGES.allExcluded;

        if (expectedError !== undefined) {
          const e = thrown(() => generatePassword(o, rnd));
          expect(e.code).toBe('InvalidParameterException');
          expect(e.message).toBe(expectedError);
          return;
        }
        const pw = generatePassword(o, rnd);
        expect([...pw]).toHaveLength(length);
        const allowed = enabled.join('') + (spaceOk ? ' ' : '');
        for (const ch of pw) {
          expect(allowed).toContain(ch);
          expect(excluded).not.toContain(ch);
        }
        for (const cls of required) expect(has(pw, cls)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});
