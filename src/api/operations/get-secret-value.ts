import { typed, type Operation } from '../operation.js';
import { secretValueOutput } from '../wire.js';

interface Input {
  SecretId: string;
  VersionId?: string;
  VersionStage?: string;
}

export const getSecretValue: Operation = {
  name: 'GetSecretValue',
  action: 'secretsmanager:GetSecretValue',
  async handle(ctx, raw) {
    const r = await ctx.services.secrets.getSecretValue(ctx.scope, typed<Input>(raw));
    return secretValueOutput(r.secret, r.version, r.value);
  },
};
