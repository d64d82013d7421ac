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
    const input = typed<Input>(raw);
    // The secret authorization found for this SecretId in this request (api/authorize.ts), if any.
    const memo = ctx.resolved?.secretId === input.SecretId ? ctx.resolved.secret : undefined;
    const r = await ctx.services.secrets.getSecretValue(ctx.scope, input, memo);
    return secretValueOutput(r.secret, r.version, r.value);
  },
};
