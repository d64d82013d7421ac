import { describe, expect, it } from 'vitest';
import { ArgParser } from './arg-parser.js';
import { operationArguments } from './argument-table.js';
import { xformName } from './aws-name.js';
import { splitGlobalArgs } from './global-options.js';
import { pyJsonLoads } from './python-json.js';
import { pyB64Decode } from './binary-format.js';
import { normaliseLegacyLiterals } from './query.js';

describe('names and options from the model', () => {
  it("uses botocore's kebab conversion", () => {
    expect(xformName('RotationLambdaARN')).toBe('rotation-lambda-arn');
    expect(xformName('SecretId')).toBe('secret-id');
    expect(xformName('KmsKeyId')).toBe('kms-key-id');
    expect(xformName('GetSecretValue')).toBe('get-secret-value');
    expect(xformName('VersionIdsToStages')).toBe('version-ids-to-stages');
    expect(xformName('ListARNs')).toBe('list-arns');
  });

  it('generates rotate-secret options from the model', () => {
    const flags = operationArguments('RotateSecret').specs.map((s) => s.flag);
    expect(flags).toEqual([
      '--secret-id', '--client-request-token', '--rotation-lambda-arn', '--rotation-rules', '--external-secret-rotation-metadata',
      '--external-secret-rotation-role-arn', '--rotate-immediately', '--no-rotate-immediately', '--cli-input-json', '--cli-input-yaml',
      '--generate-cli-skeleton',
    ]);
    expect(operationArguments('ListSecrets').specs.map((s) => s.flag)).toEqual(expect.arrayContaining(['--starting-token', '--page-size', '--max-items']));
    expect(operationArguments('CreateSecret').members.find((m) => m.member === 'ClientRequestToken')?.required).toBe(false);
  });
});

describe('argparse behaviour', () => {
  const p = new ArgParser(operationArguments('RotateSecret').specs);
  it('parses values, flags, prefixes, --opt=value and negative numbers', () => {
    const r = p.parse(['--secret', 'x', '--no-rotate-immediately', '--rotation-rules=AutomaticallyAfterDays=1']);
    expect(r.values.get('SecretId')).toBe('x');
    expect(r.values.get('RotateImmediately')).toBe(false);
    expect(r.values.get('RotationRules')).toBe('AutomaticallyAfterDays=1');
    expect(p.parse(['--secret-id', 'x', '--generate-cli-skeleton']).values.get('generate_cli_skeleton')).toBe('input');
  });
  it('reports usage errors as argparse does', () => {
    expect(() => p.parse([])).toThrow('the following arguments are required: --secret-id');
    expect(() => p.parse(['--secret-id'])).toThrow('argument --secret-id: expected one argument');
    expect(() => p.parse(['--secret-id', '-abc'])).toThrow('argument --secret-id: expected one argument');
    expect(() => p.parse(['--secret-id', 'x', '--generate-cli-skeleton', 'bogus'])).toThrow('argument --generate-cli-skeleton: Invalid choice, valid choices are:');
    expect(() => p.parse(['--ro', 'x'])).toThrow('ambiguous option: --ro could match --rotation-lambda-arn, --rotation-rules, --rotate-immediately');
  });
  it('keeps unknown options and the first positional apart (Unknown options: bar, foo)', () => {
    const r = p.parse(['--secret-id', 'x', 'foo', 'bar', '--bogus']);
    expect(r.positionals).toEqual(['foo', 'bar']);
    expect(r.extras).toEqual(['bar', '--bogus']);
  });
  it('takes global options from anywhere', () => {
    const s = splitGlobalArgs(['get-secret-value', '--secret-id', 'x', '--output', 'text', '--query=SecretString', '--no-paginate']);
    expect(s.rest).toEqual(['get-secret-value', '--secret-id', 'x']);
    expect(s.globals).toMatchObject({ output: 'text', query: 'SecretString', paginate: false });
    expect(() => splitGlobalArgs(['x', '--output', 'bogus'])).toThrow('argument --output: Invalid choice');
  });
});

describe('Python-compatible readers', () => {
  it("json.loads with CPython's messages", () => {
    expect(pyJsonLoads('{"a": [1, 2.5, true, null, "x"]}')).toEqual({ a: [1, 2.5, true, null, 'x'] });
    const msg = (s: string) => {
      try {
        pyJsonLoads(s);
        return 'ok';
      } catch (e) {
        return (e as Error).message;
      }
    };
    expect(msg('{a:1}')).toBe('Expecting property name enclosed in double quotes: line 1 column 2 (char 1)');
    expect(msg('{"a" 1}')).toBe("Expecting ':' delimiter: line 1 column 6 (char 5)");
    expect(msg('[1 2]')).toBe("Expecting ',' delimiter: line 1 column 4 (char 3)");
    expect(msg('')).toBe('Expecting value: line 1 column 1 (char 0)');
    expect(msg('{} x')).toBe('Extra data: line 1 column 4 (char 3)');
    expect(msg('{"a":"abc')).toBe('Unterminated string starting at: line 1 column 6 (char 5)');
    expect(msg('{"a":"x\ny"}')).toBe('Invalid control character at: line 1 column 8 (char 7)');
  });
  it('lenient base64 like binascii', () => {
    expect(new TextDecoder().decode(pyB64Decode('aGVs bG8='))).toBe('hello');
    expect(() => pyB64Decode('aGVsbG8')).toThrow('Invalid base64: "aGVsbG8"');
  });
  it('legacy JMESPath literals', () => {
    expect(normaliseLegacyLiterals('a[?starts_with(Name, `demo/o`)]')).toBe('a[?starts_with(Name, `"demo/o"`)]');
    expect(normaliseLegacyLiterals('a[?b == `1`]')).toBe('a[?b == `1`]');
  });
});
