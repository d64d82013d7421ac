import { describe, expect, it } from 'vitest';
import { validateParams } from './param-validator.js';

describe('client-side validation (botocore ParamValidator)', () => {
  it('reports every problem in botocore words', () => {
    expect(validateParams({ SecretId: '' }, 'RotateSecretRequest')).toBe('Invalid length for parameter SecretId, value: 0, valid min length: 1');
    expect(validateParams({}, 'RotateSecretRequest')).toBe('Missing required parameter in input: "SecretId"');
    expect(validateParams({ SecretId: 5, RotationRules: { Foo: 1, ScheduleExpression: ['cron(0 16 1', '15 * ? *)'] } }, 'RotateSecretRequest')).toBe(
      [
        "Invalid type for parameter SecretId, value: 5, type: <class 'int'>, valid types: <class 'str'>",
        'Unknown parameter in RotationRules: "Foo", must be one of: AutomaticallyAfterDays, Duration, ScheduleExpression',
        "Invalid type for parameter RotationRules.ScheduleExpression, value: ['cron(0 16 1', '15 * ? *)'], type: <class 'list'>, valid types: <class 'str'>",
      ].join('\n'),
    );
    expect(validateParams({ SecretId: 'x', RotationRules: { AutomaticallyAfterDays: 0 } }, 'RotateSecretRequest')).toBe(
      'Invalid value for parameter RotationRules.AutomaticallyAfterDays, value: 0, valid min value: 1',
    );
    expect(validateParams({ Name: 'x', Tags: [{ Key: 'a' }, 'b'] }, 'CreateSecretRequest')).toBe(
      "Invalid type for parameter Tags[1], value: b, type: <class 'str'>, valid types: <class 'dict'>",
    );
    expect(validateParams({ SecretId: 'x', Description: null }, 'UpdateSecretRequest')).toBe(
      "Invalid type for parameter Description, value: None, type: <class 'NoneType'>, valid types: <class 'str'>",
    );
    expect(validateParams({ SecretId: 'x', RotateImmediately: false }, 'RotateSecretRequest')).toBeUndefined();
  });
});
