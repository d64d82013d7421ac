import { describe, expect, it } from 'vitest';
import { inputSkeleton, outputSample, yamlInputSkeleton, docOverview } from './skeleton.js';
import { validateParams } from './param-validator.js';

describe('--generate-cli-skeleton', () => {
  it('prints the input skeleton of rotate-secret as the AWS CLI does for the current model (spec §12.2)', () => {
    expect(JSON.stringify(inputSkeleton('RotateSecretRequest'), null, 4)).toBe(`{
    "SecretId": "",
    "ClientRequestToken": "",
    "RotationLambdaARN": "",
    "RotationRules": {
        "AutomaticallyAfterDays": 0,
        "Duration": "",
        "ScheduleExpression": ""
    },
    "ExternalSecretRotationMetadata": [
        {
            "Key": "",
            "Value": ""
        }
    ],
    "ExternalSecretRotationRoleArn": "",
    "RotateImmediately": true
}`);
  });

  it('uses null for blobs and the first enum value', () => {
    expect(inputSkeleton('CreateSecretRequest')).toMatchObject({ SecretBinary: null, Tags: [{ Key: '', Value: '' }] });
    expect(inputSkeleton('ListSecretsRequest')).toMatchObject({ Filters: [{ Key: 'description', Values: [''] }], SortOrder: 'asc' });
  });

  it('prints the yaml-input skeleton with ruamel-style comments', () => {
    expect(yamlInputSkeleton('RotateSecretRequest').split('\n').slice(0, 5)).toEqual([
      "SecretId: ''  # [REQUIRED] The ARN or name of the secret to rotate.",
      "ClientRequestToken: '' # A unique identifier for the new version of the secret.",
      "RotationLambdaARN: '' # For secrets that use a Lambda rotation function to rotate, the ARN of the Lambda rotation function.",
      'RotationRules: # A structure that defines the rotation configuration for this secret.',
      '  AutomaticallyAfterDays: 0  # The number of days between rotations of the secret.',
    ]);
    expect(yamlInputSkeleton('CreateSecretRequest')).toContain("SecretBinary: !!binary '' # The binary data");
    expect(yamlInputSkeleton('BatchGetSecretValueRequest').startsWith("SecretIdList:  # The ARN or names of the secrets to retrieve.\n- ''\n")).toBe(true);
  });

  it('takes the first sentence of the documentation', () => {
    expect(docOverview('<p>One. Two.</p>')).toBe('One.');
    expect(docOverview('<p>Keys: a, b</p>')).toBe('Keys.');
    expect(docOverview('')).toBe('');
  });

  it('builds sample outputs that satisfy the model, unlike the AWS CLI (rotate-secret fails there)', () => {
    const s = outputSample('RotateSecretResponse');
    expect(s).toEqual({ ARN: 'ARN-----------------', Name: 'Name', VersionId: 'VersionId-----------------------' });
    for (const shape of ['RotateSecretResponse', 'DescribeSecretResponse', 'ListSecretsResponse', 'GetSecretValueResponse']) {
      const sample = outputSample(shape);
      expect(validateParams(JSON.parse(JSON.stringify(sample, (_k, v: unknown) => (v instanceof Uint8Array ? 'AAAA' : v))), shape)).toBeUndefined();
    }
  });
});
