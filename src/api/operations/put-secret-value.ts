import { decodeBinary, typed, type Operation } from '../operation.js';

interface Input {
  SecretId: string;
  ClientRequestToken?: string;
  SecretBinary?: string;
  SecretString?: string;
  VersionStages?: string[];
  RotationToken?: string;
}

export const putSecretValue: Operation = {
  name: 'PutSecretValue',
  action: 'secretsmanager:PutSecretValue',
  async handle(ctx, raw) {
    const { SecretBinary, ...rest } = typed<Input>(raw);
    const r = await ctx.services.secrets.putSecretValue(ctx.scope, { ...rest, SecretBinary: decodeBinary(SecretBinary) });
    return { ARN: r.secret.arn, Name: r.secret.name, VersionId: r.versionId, VersionStages: r.stages };
  },
};
