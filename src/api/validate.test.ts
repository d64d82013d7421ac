import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { AwsError } from '../domain/errors.js';
import {
  OPERATION_NAMES,
  allShapes,
  getShape,
  idempotencyTokenMembers,
  inputShapeOf,
  isOperationName,
  operationDoc,
  outputShapeOf,
  type OperationName,
  type Shape,
} from './model.js';
import { compileModelPattern, validateInput } from './validate.js';

const TOKEN = '0123456789abcdef0123456789abcdef'; // 32 chars

/** Runs validateInput and returns the thrown AwsError (fails the test if none or another error is thrown). */
function failure(op: OperationName, input: unknown): AwsError {
  try {
    validateInput(op, input);
  } catch (e) {
    if (e instanceof AwsError) return e;
    throw e;
  }
  throw new Error(`expected ${op} to reject ${JSON.stringify(input)}`);
}

function validationMessage(op: OperationName, input: unknown): string {
  const e = failure(op, input);
  expect(e.code).toBe('ValidationException');
  return e.message;
}

function serializationMessage(op: OperationName, input: unknown): string {
  const e = failure(op, input);
  expect(e.code).toBe('SerializationException');
  return e.message;
}

describe('model accessors', () => {
  it('lists the 23 operations of the model', () => {
    expect(OPERATION_NAMES).toHaveLength(23);
    expect(isOperationName('GetSecretValue')).toBe(true);
    expect(isOperationName('GetSecret')).toBe(false);
    expect(isOperationName('toString')).toBe(false);
    for (const op of OPERATION_NAMES) expect(inputShapeOf(op)).toBe(`${op}Request`);
  });

  it('knows input/output shapes, idempotency tokens and docs', () => {
    expect(outputShapeOf('TagResource')).toBeUndefined();
    expect(outputShapeOf('GetSecretValue')).toBe('GetSecretValueResponse');
    for (const op of ['CreateSecret', 'PutSecretValue', 'UpdateSecret', 'RotateSecret'] as const) {
      expect(idempotencyTokenMembers(op)).toEqual(['ClientRequestToken']);
    }
    expect(idempotencyTokenMembers('GetSecretValue')).toEqual([]);
    expect(operationDoc('GetRandomPassword')).toMatch(/^<p>Generates a random password/);
    expect(getShape('SecretStringType').sensitive).toBe(true);
  });
});

describe('patterns', () => {
  const patterned = allShapes().filter(
    (e): e is readonly [string, Extract<Shape, { type: 'string' }>] => e[1].type === 'string' && e[1].pattern !== undefined,
  );

  it('every model pattern compiles in unicode mode', () => {
    expect(patterned.length).toBeGreaterThanOrEqual(5);
    for (const [, shape] of patterned) {
      const re = compileModelPattern(shape.pattern ?? '');
      expect(re.flags).toContain('u');
    }
  });

  it('patterns match whole values like Java Matcher.matches()', () => {
    const p = (name: string): RegExp => {
      const s = getShape(name);
      if (s.type !== 'string' || s.pattern === undefined) throw new Error(`${name} has no pattern`);
      return compileModelPattern(s.pattern);
    };
    expect(p('RegionType').test('us-east-1')).toBe(true);
    expect(p('RegionType').test('US-east-1')).toBe(false);
    expect(p('DurationType').test('10h')).toBe(true);
    expect(p('DurationType').test('x10h')).toBe(false);
    expect(p('ScheduleExpressionType').test('cron(0 8 ? * MON-FRI *)')).toBe(true);
    expect(p('ScheduleExpressionType').test('rate(4 hours)')).toBe(true);
    expect(p('ScheduleExpressionType').test('rate(4 hours);')).toBe(false);
    expect(p('FilterValueStringType').test('!prod/db=x+y@z.w-1:a_b c')).toBe(true);
    expect(p('FilterValueStringType').test('a$b')).toBe(false);
    expect(p('RotationTokenType').test('abc-DEF-123')).toBe(true);
    expect(p('RotationTokenType').test('abc_def')).toBe(false);
  });
});

describe('constraint violations (ValidationException)', () => {
  it('reports missing required members on several operations', () => {
    expect(validationMessage('GetSecretValue', {})).toBe(
      "1 validation error detected: Value null at 'secretId' failed to satisfy constraint: Member must not be null",
    );
    expect(validationMessage('CreateSecret', { SecretString: 'x' })).toBe(
      "1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null",
    );
    expect(validationMessage('TagResource', {})).toBe(
      "2 validation errors detected: Value null at 'secretId' failed to satisfy constraint: Member must not be null; " +
        "Value null at 'tags' failed to satisfy constraint: Member must not be null",
    );
    expect(validationMessage('UpdateSecretVersionStage', { SecretId: 's' })).toBe(
      "1 validation error detected: Value null at 'versionStage' failed to satisfy constraint: Member must not be null",
    );
    expect(validationMessage('ValidateResourcePolicy', {})).toMatch(/at 'resourcePolicy'.*must not be null$/);
  });

  it('gives the exact PasswordLength message of the spec', () => {
    expect(validationMessage('GetRandomPassword', { PasswordLength: 5000 })).toBe(
      "1 validation error detected: Value '5000' at 'passwordLength' failed to satisfy constraint: " +
        'Member must have value less than or equal to 4096',
    );
    expect(validationMessage('GetRandomPassword', { PasswordLength: 0 })).toBe(
      "1 validation error detected: Value '0' at 'passwordLength' failed to satisfy constraint: " +
        'Member must have value greater than or equal to 1',
    );
  });

  it('checks string minimum and maximum length', () => {
    expect(validationMessage('PutSecretValue', { SecretId: 's', ClientRequestToken: 'short' })).toBe(
      "1 validation error detected: Value 'short' at 'clientRequestToken' failed to satisfy constraint: " +
        'Member must have length greater than or equal to 32',
    );
    expect(validationMessage('CreateSecret', { Name: 'n', Description: 'd'.repeat(2049) })).toContain(
      "at 'description' failed to satisfy constraint: Member must have length less than or equal to 2048",
    );
    expect(validationMessage('GetSecretValue', { SecretId: '' })).toBe(
      "1 validation error detected: Value '' at 'secretId' failed to satisfy constraint: " +
        'Member must have length greater than or equal to 1',
    );
  });

  it('counts string length in UTF-16 code units, as Java does', () => {
    // 16 astral characters = 32 code units: enough for ClientRequestToken's minimum of 32.
    expect(() => validateInput('PutSecretValue', { SecretId: 's', ClientRequestToken: '😀'.repeat(16) })).not.toThrow();
  });

  it('checks patterns, e.g. ListSecrets filter values', () => {
    expect(validationMessage('ListSecrets', { Filters: [{ Key: 'name', Values: ['ok', 'bad$value'] }] })).toBe(
      "1 validation error detected: Value 'bad$value' at 'filters.1.member.values.2.member' failed to satisfy " +
        'constraint: Member must satisfy regular expression pattern: ^\\!?[a-zA-Z0-9 :_@\\/\\+\\=\\.\\-\\!]*$',
    );
  });

  it('checks enums (SortOrder, SortBy, Filters.Key)', () => {
    expect(validationMessage('ListSecrets', { SortOrder: 'up' })).toBe(
      "1 validation error detected: Value 'up' at 'sortOrder' failed to satisfy constraint: " +
        'Member must satisfy enum value set: [asc, desc]',
    );
    expect(validationMessage('ListSecrets', { SortBy: 'size' })).toBe(
      "1 validation error detected: Value 'size' at 'sortBy' failed to satisfy constraint: " +
        'Member must satisfy enum value set: [created-date, last-accessed-date, last-changed-date, name]',
    );
    expect(validationMessage('ListSecrets', { Filters: [{ Key: 'colour', Values: ['x'] }] })).toBe(
      "1 validation error detected: Value 'colour' at 'filters.1.member.key' failed to satisfy constraint: " +
        'Member must satisfy enum value set: [description, name, tag-key, tag-value, primary-region, owning-service, all]',
    );
  });

  it('addresses nested list members with 1-based .N.member paths', () => {
    const key = 'k'.repeat(129);
    expect(
      validationMessage('TagResource', { SecretId: 's', Tags: [{ Key: 'a', Value: 'b' }, { Key: key, Value: 'v' }] }),
    ).toBe(
      `1 validation error detected: Value '${key}' at 'tags.2.member.key' failed to satisfy constraint: ` +
        'Member must have length less than or equal to 128',
    );
    expect(validationMessage('RotateSecret', { SecretId: 's', RotationRules: { Duration: '100h' } })).toContain(
      "at 'rotationRules.duration' failed to satisfy constraint: Member must have length less than or equal to 3",
    );
  });

  it('checks list item counts and prints lists Java-style', () => {
    expect(validationMessage('ListSecrets', { Filters: [{ Key: 'name', Values: [] }] })).toBe(
      "1 validation error detected: Value '[]' at 'filters.1.member.values' failed to satisfy constraint: " +
        'Member must have length greater than or equal to 1',
    );
    const ids = Array.from({ length: 21 }, (_, i) => `s${i}`);
    expect(validationMessage('BatchGetSecretValue', { SecretIdList: ids })).toBe(
      `1 validation error detected: Value '[${ids.join(', ')}]' at 'secretIdList' failed to satisfy constraint: ` +
        'Member must have length less than or equal to 20',
    );
  });

  it('reports null list items as missing', () => {
    expect(validationMessage('UntagResource', { SecretId: 's', TagKeys: ['a', null] })).toBe(
      "1 validation error detected: Value null at 'tagKeys.2.member' failed to satisfy constraint: Member must not be null",
    );
  });

  it('collects every violation in model member order, separated by "; "', () => {
    const msg = validationMessage('ListSecrets', {
      SortBy: 'size',
      MaxResults: 101,
      SortOrder: 'up',
      NextToken: '',
    });
    expect(msg).toBe(
      '4 validation errors detected: ' +
        [
          "Value '101' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 100",
          "Value '' at 'nextToken' failed to satisfy constraint: Member must have length greater than or equal to 1",
          "Value 'up' at 'sortOrder' failed to satisfy constraint: Member must satisfy enum value set: [asc, desc]",
          "Value 'size' at 'sortBy' failed to satisfy constraint: Member must satisfy enum value set: " +
            '[created-date, last-accessed-date, last-changed-date, name]',
        ].join('; '),
    );
    // Two violations on the same value (length and pattern) are both reported.
    expect(validationMessage('RotateSecret', { SecretId: 's', RotationRules: { Duration: 'abcd' } })).toMatch(
      /^2 validation errors detected: .*length less than or equal to 3; .*regular expression pattern: \[0-9\]\+h$/,
    );
  });

  it('never prints values of sensitive shapes', () => {
    const secret = 'SUPER-SECRET-'.repeat(6000); // > 65536 chars
    const msg = validationMessage('PutSecretValue', { SecretId: 's', ClientRequestToken: TOKEN, SecretString: secret });
    expect(msg).toBe(
      "1 validation error detected: Value at 'secretString' failed to satisfy constraint: " +
        'Member must have length less than or equal to 65536',
    );
    expect(msg).not.toContain('SUPER-SECRET');

    const rot = validationMessage('PutSecretValue', { SecretId: 's', RotationToken: 'my_rotation_token_is_secret' });
    expect(rot).not.toContain('my_rotation_token_is_secret');
    expect(rot).toContain("Value at 'rotationToken' failed to satisfy constraint: Member must have length greater");

    const bin = validationMessage('CreateSecret', { Name: 'n', SecretBinary: '' });
    expect(bin).toBe(
      "1 validation error detected: Value at 'secretBinary' failed to satisfy constraint: " +
        'Member must have length greater than or equal to 1',
    );
  });

  it('measures blob length in decoded bytes', () => {
    const ok = Buffer.alloc(65536, 7).toString('base64');
    expect(() => validateInput('CreateSecret', { Name: 'n', SecretBinary: ok })).not.toThrow();
    const big = Buffer.alloc(65537, 7).toString('base64');
    expect(validationMessage('CreateSecret', { Name: 'n', SecretBinary: big })).toContain(
      'Member must have length less than or equal to 65536',
    );
  });

  it('truncates long printed values', () => {
    const msg = validationMessage('CreateSecret', { Name: 'x'.repeat(600) });
    expect(msg).toBe(
      `1 validation error detected: Value '${'x'.repeat(256)}...' at 'name' failed to satisfy constraint: ` +
        'Member must have length less than or equal to 512',
    );
  });
});

describe('type checks (SerializationException)', () => {
  it('rejects a string where a number is expected', () => {
    expect(serializationMessage('GetRandomPassword', { PasswordLength: '32' })).toBe(
      "Unexpected value type for 'PasswordLength': expected an integer number, got a string",
    );
  });

  it('rejects a number where a string is expected', () => {
    expect(serializationMessage('GetSecretValue', { SecretId: 42 })).toContain("'SecretId': expected a string");
  });

  it('rejects an object where a list is expected, naming nested members', () => {
    expect(serializationMessage('TagResource', { SecretId: 's', Tags: { Key: 'a' } })).toContain(
      "'Tags': expected an array, got an object",
    );
    expect(serializationMessage('TagResource', { SecretId: 's', Tags: [{ Key: 'a' }, { Key: 1 }] })).toContain(
      "'Tags[1].Key': expected a string",
    );
  });

  it('rejects fractional and out-of-range numbers for long/integer members', () => {
    expect(serializationMessage('GetRandomPassword', { PasswordLength: 32.5 })).toContain(
      "'PasswordLength': expected an integer number, got a fractional number",
    );
    expect(serializationMessage('ListSecrets', { MaxResults: 2 ** 31 })).toContain('out of range for an Integer');
    expect(serializationMessage('DeleteSecret', { SecretId: 's', RecoveryWindowInDays: 1e20 })).toContain(
      'out of range for a Long',
    );
  });

  it('rejects booleans of the wrong type', () => {
    expect(serializationMessage('GetRandomPassword', { ExcludeNumbers: 'true' })).toContain(
      "'ExcludeNumbers': expected a boolean",
    );
  });

  it('rejects a blob that is not valid base64, without echoing it', () => {
    for (const bad of ['not base64!', 'abc', 'ab=c', 'YQ', 'YQ===']) {
      const msg = serializationMessage('CreateSecret', { Name: 'n', SecretBinary: bad });
      expect(msg).toBe("Invalid base64 value for 'SecretBinary'");
    }
    expect(serializationMessage('CreateSecret', { Name: 'n', SecretBinary: 5 })).toContain('base64-encoded string');
    expect(() => validateInput('CreateSecret', { Name: 'n', SecretBinary: 'YQ==' })).not.toThrow();
  });

  it('rejects a body that is not a JSON object', () => {
    expect(serializationMessage('ListSecrets', [])).toContain('expected a JSON object, got an array');
    expect(serializationMessage('ListSecrets', 'x')).toContain('expected a JSON object, got a string');
    expect(serializationMessage('ListSecrets', 3)).toContain('expected a JSON object');
  });

  it('type errors come before constraint errors', () => {
    expect(failure('GetRandomPassword', { PasswordLength: 5000, ExcludeNumbers: 1 }).code).toBe('SerializationException');
  });
});

describe('lenient parts', () => {
  it('ignores unknown members', () => {
    expect(() => validateInput('GetSecretValue', { SecretId: 's', Bogus: { deep: [1, 2] }, __proto__x: 1 })).not.toThrow();
    expect(() => validateInput('ListSecrets', { secretId: 5 })).not.toThrow();
  });

  it('treats null members (and an absent body) as absent', () => {
    expect(() =>
      validateInput('GetSecretValue', { SecretId: 's', VersionId: null, VersionStage: null }),
    ).not.toThrow();
    expect(validationMessage('GetSecretValue', { SecretId: null })).toContain("Value null at 'secretId'");
    expect(() => validateInput('ListSecrets', undefined)).not.toThrow();
    expect(() => validateInput('ListSecrets', null)).not.toThrow();
  });

  it('does not read inherited properties as members', () => {
    const input: Record<string, unknown> = Object.create({ SecretId: 's' }) as Record<string, unknown>;
    expect(validationMessage('GetSecretValue', input)).toContain("Value null at 'secretId'");
  });

  it('accepts well-formed requests', () => {
    validateInput('CreateSecret', {
      Name: 'prod/db',
      ClientRequestToken: TOKEN,
      SecretString: '{"u":"p"}',
      Tags: [{ Key: 'env', Value: '' }],
      AddReplicaRegions: [{ Region: 'eu-west-1' }],
    });
    validateInput('RotateSecret', {
      SecretId: 'x',
      RotationRules: { AutomaticallyAfterDays: 30, ScheduleExpression: 'rate(10 days)', Duration: '2h' },
      RotateImmediately: false,
    });
    validateInput('GetRandomPassword', {});
    validateInput('ListSecrets', { Filters: [{ Key: 'tag-key', Values: ['!env'] }], SortOrder: 'asc', SortBy: 'name' });
  });
});

describe('property: only Validation/Serialization errors', () => {
  function memberNames(op: OperationName): string[] {
    const name = inputShapeOf(op);
    const shape = name === undefined ? undefined : getShape(name);
    return shape?.type === 'structure' ? Object.keys(shape.members) : [];
  }

  function expectOnlyModelErrors(op: OperationName, input: unknown): void {
    try {
      validateInput(op, input);
    } catch (e) {
      expect(e).toBeInstanceOf(AwsError);
      if (e instanceof AwsError) expect(['ValidationException', 'SerializationException']).toContain(e.code);
    }
  }

  it('holds for arbitrary JSON values on every operation', () => {
    fc.assert(
      fc.property(fc.constantFrom(...OPERATION_NAMES), fc.jsonValue(), (op, input) => {
        expectOnlyModelErrors(op, input);
      }),
      { numRuns: 500 },
    );
  });

  it('holds for objects built from the operation’s own member names', () => {
    const op = fc.constantFrom(...OPERATION_NAMES);
    const structured = op.chain((o) => {
      const names = memberNames(o);
      const value = fc.oneof(
        fc.jsonValue({ maxDepth: 3 }),
        fc.array(fc.dictionary(fc.constantFrom('Key', 'Value', 'Values', 'Region', 'KmsKeyId'), fc.jsonValue({ maxDepth: 2 }))),
        fc.dictionary(fc.constantFrom('AutomaticallyAfterDays', 'Duration', 'ScheduleExpression'), fc.jsonValue({ maxDepth: 1 })),
        fc.string(),
        fc.integer(),
      );
      return fc.tuple(fc.constant(o), fc.dictionary(fc.constantFrom(...names), value));
    });
    fc.assert(
      fc.property(structured, ([o, input]) => {
        expectOnlyModelErrors(o, input);
      }),
      { numRuns: 1000 },
    );
  });
});
