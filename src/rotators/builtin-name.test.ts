import { describe, expect, it } from 'vitest';
import { builtinArn, parseBuiltinRef } from './builtin-name.js';
import { parseDbSecret, POSTGRES_ENGINES } from './db-secret.js';
import { describePgError } from './postgres-connection.js';
import { alternateUsername } from './alternating-users.js';
import { passwordOptionsOf, DATABASE_PASSWORD_DEFAULTS } from './password-options.js';

const scope = { accountId: '111122223333', region: 'us-east-1' };

describe('built-in names', () => {
  it('accepts the full ARN, partial ARN and bare name in the caller scope only', () => {
    expect(parseBuiltinRef(scope, builtinArn(scope, 'random-value'))).toMatchObject({ kind: 'builtin', name: 'random-value' });
    expect(parseBuiltinRef(scope, '111122223333:function:rotor-builtin-postgresql-single-user')).toMatchObject({ kind: 'builtin' });
    expect(parseBuiltinRef(scope, 'rotor-builtin-postgresql-alternating-users')).toMatchObject({ kind: 'builtin' });
    expect(parseBuiltinRef(scope, 'arn:aws:lambda:eu-west-1:111122223333:function:rotor-builtin-random-value').kind).toBe('invalid');
    expect(parseBuiltinRef(scope, 'arn:aws:lambda:us-east-1:999988887777:function:rotor-builtin-random-value').kind).toBe('invalid');
    expect(parseBuiltinRef(scope, 'rotor-builtin-random-value:1').kind).toBe('invalid');
    expect(parseBuiltinRef(scope, 'rotor-builtin-mysql-single-user')).toMatchObject({ kind: 'builtin', name: 'mysql-single-user' });
    expect(parseBuiltinRef(scope, 'rotor-builtin-mysql-alternating-users').kind).toBe('builtin');
    expect(parseBuiltinRef(scope, 'rotor-builtin-redis-single-user').kind).toBe('builtin');
    expect(parseBuiltinRef(scope, 'rotor-builtin-mongodb-single-user').kind).toBe('invalid');
    expect(parseBuiltinRef(scope, 'my-rotator').kind).toBe('other');
  });
});

describe('secret JSON and options', () => {
  it('parses the templates\' fields (port and ssl as strings too)', () => {
    const s = parseDbSecret(JSON.stringify({ engine: 'postgres', host: 'h', port: '6543', username: 'u', password: 'p', ssl: 'true' }), 'AWSCURRENT', POSTGRES_ENGINES, 5432);
    expect(s).toMatchObject({ host: 'h', port: 6543, ssl: true });
    expect(() => parseDbSecret('{"engine":"mysql","host":"h","username":"u","password":"p"}', 'AWSCURRENT', POSTGRES_ENGINES, 5432)).toThrow(/"engine" must be one of postgres/);
    expect(() => parseDbSecret('{"engine":"postgres","username":"u","password":"p"}', 'AWSCURRENT', POSTGRES_ENGINES, 5432)).toThrow(/no "host"/);
  });
  it('alternates user names and reads password options over defaults', () => {
    expect(alternateUsername('app')).toBe('app_clone');
    expect(alternateUsername('app_clone')).toBe('app');
    expect(passwordOptionsOf({ 'rotor:passwordOptions': { PasswordLength: 20 } }, DATABASE_PASSWORD_DEFAULTS)).toEqual({ PasswordLength: 20, ExcludeCharacters: ':/@"\'\\' });
    expect(() => passwordOptionsOf({ 'rotor:passwordOptions': { ExcludeNumbers: 'yes' } }, {})).toThrow(/true or false/);
  });
});

describe('PostgreSQL errors in DBA terms', () => {
  it('words refused connections, bad passwords and missing privileges', () => {
    expect(describePgError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }), '127.0.0.1:1')).toEqual({
      kind: 'unreachable',
      detail: 'connection refused (is PostgreSQL running and accepting TCP connections on 127.0.0.1:1?)',
    });
    expect(describePgError(Object.assign(new Error('password authentication failed for user "a"'), { code: '28P01' }), 'x').kind).toBe('authentication');
    expect(describePgError(Object.assign(new Error('permission denied to create role'), { code: '42501' }), 'x').detail).toBe(
      'permission denied: permission denied to create role [SQLSTATE 42501]',
    );
  });
});
