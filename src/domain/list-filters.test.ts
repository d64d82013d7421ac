import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AwsError } from './errors.js';
import {
  FILTER_KEYS,
  type Filter,
  type FilterKey,
  matchesFilters,
  namePrefixOf,
  parseFilters,
  type Searchable,
  splitWords,
} from './list-filters.js';

function f(Key: FilterKey, ...Values: string[]): Filter {
  return { Key, Values };
}

function thrown(fn: () => unknown): AwsError {
  try {
    fn();
  } catch (e) {
    if (e instanceof AwsError) return e;
    throw e;
  }
  throw new Error('expected an AwsError');
}

const secret: Searchable = {
  name: 'prod/db/MasterPassword',
  description: 'Credentials for the COMPANYthings database, version 12',
  tags: [
    { Key: 'Environment', Value: 'production' },
    { Key: 'team', Value: 'platform-core' },
  ],
  primaryRegion: 'eu-west-1',
  owningService: 'rds',
};

describe('parseFilters', () => {
  it('returns [] for undefined and [] input', () => {
    expect(parseFilters(undefined)).toEqual([]);
    expect(parseFilters([])).toEqual([]);
  });

  it('returns typed copies', () => {
    const raw = [{ Key: 'name', Values: ['a', '!b'] }, { Key: 'all', Values: ['x'] }];
    const out = parseFilters(raw);
    expect(out).toEqual([f('name', 'a', '!b'), f('all', 'x')]);
    expect(out[0]?.Values).not.toBe(raw[0]?.Values);
  });

  it('accepts every documented key', () => {
    for (const k of FILTER_KEYS) expect(parseFilters([{ Key: k, Values: ['v'] }])).toEqual([f(k, 'v')]);
  });

  it('missing Key ⇒ InvalidParameterException "Invalid filter key"', () => {
    for (const bad of [{ Values: ['a'] }, { Key: null, Values: ['a'] }, null, 'name', ['name']]) {
      const e = thrown(() => parseFilters([bad]));
      expect(e.code).toBe('InvalidParameterException');
      expect(e.message).toBe('Invalid filter key');
    }
  });

  it('missing, empty or non-string Values ⇒ InvalidParameterException naming the key', () => {
    for (const bad of [{ Key: 'tag-key' }, { Key: 'tag-key', Values: [] }, { Key: 'tag-key', Values: 'x' }, { Key: 'tag-key', Values: [1] }]) {
      const e = thrown(() => parseFilters([bad]));
      expect(e.code).toBe('InvalidParameterException');
      expect(e.message).toBe('Invalid filter values for key: tag-key');
    }
  });

  it('unknown key ⇒ ValidationException', () => {
    const e = thrown(() => parseFilters([{ Key: 'name', Values: ['a'] }, { Key: 'bogus', Values: ['a'] }]));
    expect(e.code).toBe('ValidationException');
    expect(e.message).toContain("Value 'bogus' at 'filters.2.member.key'");
  });
});

describe('splitWords', () => {
  it.each([
    ['', []],
    ['one and two', ['one', 'and', 'two']],
    ['  spaced\tout\n', ['spaced', 'out']],
    ['a/b_c+d=e.f@g-h', ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']],
    ['//--__', []],
    ['/', []],
    ['MyTest', ['My', 'Test']],
    ['myTestValue', ['my', 'Test', 'Value']],
    ['COMPANYthings', ['COMPAN', 'Ythings']],
    ['HTTPServer', ['HTTP', 'Server']],
    ['ABC', ['ABC']],
    ['Ab', ['Ab']],
    ['abc123def', ['abc', '123', 'def']],
    ['ABC123', ['ABC', '123']],
    ['v2Beta', ['v', '2', 'Beta']],
    ['prod/db/MasterPassword', ['prod', 'db', 'Master', 'Password']],
    ['a:b', ['a:b']],
  ])('%j → %j', (input, words) => {
    expect(splitWords(input)).toEqual(words);
  });

  it('never yields empty words and never yields separators', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        for (const w of splitWords(s)) {
          expect(w).not.toBe('');
          expect(w).not.toMatch(/[\s/_+=.@-]/u);
        }
      }),
    );
  });

  it('the words concatenate to the input minus separators', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        expect(splitWords(s).join('')).toBe(s.replace(/[\s/_+=.@-]+/gu, ''));
      }),
    );
  });
});

describe('matchesFilters — prefix keys', () => {
  it('no filters ⇒ match', () => {
    expect(matchesFilters(secret, [])).toBe(true);
  });

  it('name is a case-sensitive prefix match', () => {
    expect(matchesFilters(secret, [f('name', 'prod/')])).toBe(true);
    expect(matchesFilters(secret, [f('name', 'prod/db/MasterPassword')])).toBe(true);
    expect(matchesFilters(secret, [f('name', 'Prod/')])).toBe(false);
    expect(matchesFilters(secret, [f('name', 'db')])).toBe(false);
    expect(matchesFilters(secret, [f('name', '')])).toBe(true);
  });

  it('tag-key / tag-value: any tag has the prefix, case-sensitively', () => {
    expect(matchesFilters(secret, [f('tag-key', 'Env')])).toBe(true);
    expect(matchesFilters(secret, [f('tag-key', 'env')])).toBe(false);
    expect(matchesFilters(secret, [f('tag-key', 'te')])).toBe(true);
    expect(matchesFilters(secret, [f('tag-key', 'production')])).toBe(false);
    expect(matchesFilters(secret, [f('tag-value', 'prod')])).toBe(true);
    expect(matchesFilters(secret, [f('tag-value', 'core')])).toBe(false);
    expect(matchesFilters(secret, [f('tag-value', 'Environment')])).toBe(false);
    expect(matchesFilters({ name: 'x' }, [f('tag-key', '')])).toBe(false);
    expect(matchesFilters({ name: 'x', tags: [] }, [f('tag-value', '')])).toBe(false);
  });

  it('primary-region and owning-service: prefix, absent ⇒ no match', () => {
    expect(matchesFilters(secret, [f('primary-region', 'eu-')])).toBe(true);
    expect(matchesFilters(secret, [f('primary-region', 'us-')])).toBe(false);
    expect(matchesFilters(secret, [f('owning-service', 'rd')])).toBe(true);
    expect(matchesFilters(secret, [f('owning-service', 'RDS')])).toBe(false);
    expect(matchesFilters({ name: 'x' }, [f('primary-region', '')])).toBe(false);
    expect(matchesFilters({ name: 'x' }, [f('owning-service', 'r')])).toBe(false);
  });
});

describe('matchesFilters — description (word based)', () => {
  const d = (description: string): Searchable => ({ name: 'n', description });

  it('spec examples', () => {
    expect(matchesFilters(d('one and two'), [f('description', 'one two')])).toBe(true);
    expect(matchesFilters(d('two'), [f('description', 't')])).toBe(true);
  });

  it('every word must prefix some word, case-insensitively', () => {
    expect(matchesFilters(d('one and two'), [f('description', 'ONE')])).toBe(true);
    expect(matchesFilters(d('one and two'), [f('description', 'an tw')])).toBe(true);
    expect(matchesFilters(d('one and two'), [f('description', 'one three')])).toBe(false);
    expect(matchesFilters(d('one and two'), [f('description', 'ne')])).toBe(false);
    expect(matchesFilters(d('one and two'), [f('description', 'one and two and more')])).toBe(false);
  });

  it('uses the same tokenizer on both sides', () => {
    expect(matchesFilters(d('MyTestSecret'), [f('description', 'test')])).toBe(true);
    expect(matchesFilters(d('MyTestSecret'), [f('description', 'secret my')])).toBe(true);
    expect(matchesFilters(d('COMPANYthings'), [f('description', 'ythings')])).toBe(true);
    expect(matchesFilters(d('COMPANYthings'), [f('description', 'things')])).toBe(false);
    expect(matchesFilters(d('version 12'), [f('description', '1')])).toBe(true);
    expect(matchesFilters(d('v12'), [f('description', '12')])).toBe(true);
  });

  it('a special character alone matches nothing; absent description matches nothing', () => {
    expect(matchesFilters(d('a-b'), [f('description', '-')])).toBe(false);
    expect(matchesFilters(d('a b'), [f('description', ' ')])).toBe(false);
    expect(matchesFilters(d('a b'), [f('description', '')])).toBe(false);
    expect(matchesFilters({ name: 'n' }, [f('description', 'a')])).toBe(false);
  });
});

describe('matchesFilters — all', () => {
  it('matches words of the name, description, tag keys and tag values', () => {
    expect(matchesFilters(secret, [f('all', 'master')])).toBe(true);
    expect(matchesFilters(secret, [f('all', 'password')])).toBe(true);
    expect(matchesFilters(secret, [f('all', 'creden')])).toBe(true);
    expect(matchesFilters(secret, [f('all', 'environment')])).toBe(true);
    expect(matchesFilters(secret, [f('all', 'core')])).toBe(true);
    expect(matchesFilters(secret, [f('all', 'PLATFORM')])).toBe(true);
  });

  it('pools words across attributes', () => {
    expect(matchesFilters(secret, [f('all', 'prod credentials team')])).toBe(true);
    expect(matchesFilters(secret, [f('all', 'prod nothing')])).toBe(false);
  });

  it('does not look at region or owning service, nor inside words', () => {
    expect(matchesFilters(secret, [f('all', 'rds')])).toBe(false);
    expect(matchesFilters(secret, [f('all', 'west')])).toBe(false);
    expect(matchesFilters(secret, [f('all', 'assword')])).toBe(false);
  });

  it('a special character alone matches nothing', () => {
    for (const v of ['/', '_', '+', '=', '.', '@', '-', '', ' ']) {
      expect(matchesFilters(secret, [f('all', v)])).toBe(false);
    }
  });

  it('the value is tokenized too', () => {
    expect(matchesFilters(secret, [f('all', 'db/master')])).toBe(true);
    expect(matchesFilters(secret, [f('all', 'MasterPass')])).toBe(true);
    expect(matchesFilters(secret, [f('all', 'COMPANYth')])).toBe(true);
  });
});

describe('matchesFilters — combination and negation', () => {
  const a: Searchable = { name: 'alpha', tags: [{ Key: 'k', Value: 'v' }] };
  const ab: Searchable = { name: 'alphabet' };
  const b: Searchable = { name: 'beta', description: 'second letter' };
  const all = [a, ab, b];
  const names = (filters: Filter[]): string[] => all.filter((s) => matchesFilters(s, filters)).map((s) => s.name);

  it('values in one filter OR', () => {
    expect(names([f('name', 'al', 'be')])).toEqual(['alpha', 'alphabet', 'beta']);
    expect(names([f('name', 'x', 'be')])).toEqual(['beta']);
  });

  it('different keys AND', () => {
    expect(names([f('name', 'al'), f('tag-key', 'k')])).toEqual(['alpha']);
    expect(names([f('name', 'be'), f('tag-key', 'k')])).toEqual([]);
  });

  it('the same key twice ANDs', () => {
    expect(names([f('name', 'al'), f('name', 'alphab')])).toEqual(['alphabet']);
    expect(names([f('name', 'al'), f('name', 'be')])).toEqual([]);
    expect(names([f('description', 'second'), f('description', 'letter')])).toEqual(['beta']);
  });

  it('a negated value matches when the attribute does not', () => {
    expect(names([f('name', '!alphab')])).toEqual(['alpha', 'beta']);
    expect(names([f('tag-key', '!k')])).toEqual(['alphabet', 'beta']);
    expect(names([f('description', '!second')])).toEqual(['alpha', 'alphabet']);
    expect(names([f('all', '!letter')])).toEqual(['alpha', 'alphabet']);
  });

  it('negated values in one filter exclude (not OR)', () => {
    expect(names([f('name', '!alpha', '!beta')])).toEqual([]);
    expect(names([f('name', '!alphab', '!beta')])).toEqual(['alpha']);
    expect(names([f('name', 'al', '!alphab')])).toEqual(['alpha']);
    expect(names([f('name', 'al', 'be', '!alphab')])).toEqual(['alpha', 'beta']);
  });

  it('a bare "!" negates the empty prefix and so matches nothing', () => {
    expect(names([f('name', '!')])).toEqual([]);
  });

  it('negating a single value is the complement (property)', () => {
    const word = fc.string({ unit: fc.constantFrom('a', 'B', 'c', '1', '-', '/', ' ', 'D'), maxLength: 6 });
    const searchable: fc.Arbitrary<Searchable> = fc.record(
      {
        name: word,
        description: word,
        tags: fc.array(fc.record({ Key: word, Value: word }), { maxLength: 3 }),
        primaryRegion: word,
        owningService: word,
      },
      { requiredKeys: ['name'] },
    );
    fc.assert(
      fc.property(searchable, fc.constantFrom(...FILTER_KEYS), word, (s, key, v) => {
        expect(matchesFilters(s, [f(key, `!${v}`)])).toBe(!matchesFilters(s, [f(key, v)]));
      }),
      { numRuns: 2000 },
    );
  });

  it('filter semantics agree with a reference model (property)', () => {
    const value = fc.tuple(fc.boolean(), fc.constantFrom('a', 'al', 'alpha', 'b', 'be', 'x', ''));
    fc.assert(
      fc.property(fc.array(fc.array(value, { minLength: 1, maxLength: 4 }), { maxLength: 3 }), (spec) => {
        const filters = spec.map((vals) => f('name', ...vals.map(([neg, v]) => (neg ? `!${v}` : v))));
        for (const s of all) {
          const expected = spec.every((vals) => {
            const plain = vals.filter(([neg]) => !neg).map(([, v]) => v);
            const negs = vals.filter(([neg]) => neg).map(([, v]) => v);
            return (plain.length === 0 || plain.some((v) => s.name.startsWith(v))) && negs.every((v) => !s.name.startsWith(v));
          });
          expect(matchesFilters(s, filters)).toBe(expected);
        }
      }),
    );
  });
});

describe('namePrefixOf', () => {
  it('returns the value of a single non-negated single-value name filter', () => {
    expect(namePrefixOf([f('name', 'prod/')])).toBe('prod/');
    expect(namePrefixOf([f('tag-key', 'k'), f('name', 'prod/'), f('all', 'x')])).toBe('prod/');
  });

  it('returns undefined when no literal prefix is implied', () => {
    expect(namePrefixOf([])).toBeUndefined();
    expect(namePrefixOf([f('all', 'prod')])).toBeUndefined();
    expect(namePrefixOf([f('name', '!prod')])).toBeUndefined();
    expect(namePrefixOf([f('name', 'a', 'b')])).toBeUndefined();
    expect(namePrefixOf([f('name', '')])).toBeUndefined();
  });

  it('with several qualifying name filters (AND) returns the longest', () => {
    expect(namePrefixOf([f('name', 'pr'), f('name', 'prod/db'), f('name', 'a', 'b')])).toBe('prod/db');
  });

  it('is sound: every matching secret has the returned prefix (property)', () => {
    const word = fc.string({ unit: fc.constantFrom('a', 'b', '/'), maxLength: 4 });
    const filter = fc.record({
      Key: fc.constantFrom<FilterKey>('name', 'name', 'all', 'tag-key'),
      Values: fc.array(fc.tuple(fc.boolean(), word).map(([neg, v]) => (neg ? `!${v}` : v)), { minLength: 1, maxLength: 2 }),
    });
    fc.assert(
      fc.property(fc.array(filter, { maxLength: 4 }), word, (filters, name) => {
        const prefix = namePrefixOf(filters);
        if (prefix !== undefined && matchesFilters({ name }, filters)) expect(name.startsWith(prefix)).toBe(true);
      }),
    );
  });
});
