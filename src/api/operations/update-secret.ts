import { decodeBinary, typed, type Operation } from '../operation.js';
import { compact } from '../wire.js';

interface Input {
  SecretId: string;
  ClientRequestToken?: string;
  Description?: string;
  KmsKeyId?: string;
  SecretBinary?: string;
  SecretString?: string;
  Type?: string;
}

export const updateSecret: Operation = {
  name: 'UpdateSecret',
  action: 'secretsmanager:UpdateSecret',
  async handle(ctx, raw) {
    const { SecretBinary, ...rest } = typed<Input>(raw);
    const r = await ctx.services.secrets.updateSecret(ctx.scope, { ...rest, SecretBinary: decodeBinary(SecretBinary) });
    return compact({ ARN: r.secret.arn, Name: r.secret.name, VersionId: r.versionId });
  },
};
