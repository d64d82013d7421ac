import { typed, type Operation } from '../operation.js';

export const restoreSecret: Operation = {
  name: 'RestoreSecret',
  action: 'secretsmanager:RestoreSecret',
  async handle(ctx, raw) {
    const s = await ctx.services.secrets.restoreSecret(ctx.scope, typed<{ SecretId: string }>(raw).SecretId);
    return { ARN: s.arn, Name: s.name };
  },
};
