import { describe, expect, it } from 'vitest';
import { ShorthandParser } from './shorthand.js';
import { backCompatVisit } from './shorthand-visitor.js';
import { unpackArgument } from './unpack-argument.js';
import { operationArguments } from './argument-table.js';
import { NumberParseError, ParamError } from './cli-errors.js';

const parse = (s: string) => new ShorthandParser().parse(s);

function arg(op: Parameters<typeof operationArguments>[0], name: string) {
  const a = operationArguments(op).members.find((m) => m.name === name);
  if (a === undefined) throw new Error(`no --${name}`);
  return a;
}

describe('shorthand syntax (awscli/shorthand.py)', () => {
  it('parses key=value pairs, csv lists, quotes, explicit lists and nested structures', () => {
    expect(parse('AutomaticallyAfterDays=30,Duration=2h')).toEqual({ AutomaticallyAfterDays: '30', Duration: '2h' });
    expect(parse('Key=name,Values=a,b,c')).toEqual({ Key: 'name', Values: ['a', 'b', 'c'] });
    expect(parse('ScheduleExpression="cron(0 16 1,15 * ? *)",Duration=2h')).toEqual({ ScheduleExpression: 'cron(0 16 1,15 * ? *)', Duration: '2h' });
    expect(parse("A='it\\'s',B=\"q\\\"\"")).toEqual({ A: "it's", B: 'q"' });
    expect(parse('A=[x,y],B={C=d,E=[1,2]}')).toEqual({ A: ['x', 'y'], B: { C: 'd', E: ['1', '2'] } });
    expect(parse('A=a\\,b')).toEqual({ A: 'a,b' });
    expect(parse('A=')).toEqual({ A: '' });
    expect(parse('A = b , C = d ')).toEqual({ A: 'b', C: 'd' });
  });

  it('splits an unquoted cron list into a list, as the AWS CLI does', () => {
    expect(parse('ScheduleExpression=cron(0 16 1,15 * ? *)')).toEqual({ ScheduleExpression: ['cron(0 16 1', '15 * ? *)'] });
  });

  it("reports errors in the AWS CLI's words", () => {
    expect(() => parse('Foo')).toThrow("Expected: '=', received: 'EOF' for input:\nFoo\n   ^");
    expect(() => parse('A=1,A=2')).toThrow('Second instance of key "A" encountered for input:\nA=1,A=2\n    ^\nThis is often because there is a preceding "," instead of a space.');
    expect(() => parse('A=1,,')).toThrow("Expected: '=', received: 'EOF' for input:\nA=1,,\n     ^");
  });

  it('applies the model: ints, booleans, scalar to list', () => {
    const v = parse('AutomaticallyAfterDays=30,Duration=2h');
    backCompatVisit(v, 'RotationRulesType');
    expect(v).toEqual({ AutomaticallyAfterDays: 30, Duration: '2h' });
    const f = [parse('Key=name,Values=demo')];
    backCompatVisit(f, 'FiltersListType');
    expect(f).toEqual([{ Key: 'name', Values: ['demo'] }]);
  });

  it('unpacks option values: shorthand, JSON, lists of structures, lists of strings, numbers', () => {
    expect(unpackArgument(arg('RotateSecret', 'rotation-rules'), 'AutomaticallyAfterDays=30,Duration=2h')).toEqual({ AutomaticallyAfterDays: 30, Duration: '2h' });
    expect(unpackArgument(arg('RotateSecret', 'rotation-rules'), '{"ScheduleExpression": "cron(0 16 1,15 * ? *)"}')).toEqual({ ScheduleExpression: 'cron(0 16 1,15 * ? *)' });
    expect(unpackArgument(arg('CreateSecret', 'tags'), ['Key=a,Value=b', 'Key=c,Value=d'])).toEqual([
      { Key: 'a', Value: 'b' },
      { Key: 'c', Value: 'd' },
    ]);
    expect(unpackArgument(arg('CreateSecret', 'tags'), ['[{"Key":"a","Value":"b"}]'])).toEqual([{ Key: 'a', Value: 'b' }]);
    expect(unpackArgument(arg('PutSecretValue', 'version-stages'), ['A', 'B'])).toEqual(['A', 'B']);
    expect(unpackArgument(arg('ListSecrets', 'max-results'), '7')).toBe(7);
    expect(() => unpackArgument(arg('ListSecrets', 'max-results'), 'abc')).toThrow(NumberParseError);
    expect(() => unpackArgument(arg('RotateSecret', 'rotation-rules'), 'AutomaticallyAfterDays=abc')).toThrow("invalid literal for int() with base 10: 'abc'");
    expect(() => unpackArgument(arg('RotateSecret', 'rotation-rules'), '{"a": 1,}')).toThrow(ParamError);
    expect(() => unpackArgument(arg('RotateSecret', 'rotation-rules'), '{"a": 1,}')).toThrow(
      "Error parsing parameter '--rotation-rules': Invalid JSON: Expecting property name enclosed in double quotes: line 1 column 9 (char 8)\nJSON received: {\"a\": 1,}",
    );
  });
});
