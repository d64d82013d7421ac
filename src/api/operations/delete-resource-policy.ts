import { typed, type Operation } from '../operation.js';

export const deleteResourcePolicy: Operation = {
  name: 'DeleteResourcePolicy',
  action: 'secretsmanager:DeleteResourcePolicy',
  async handle(ctx, raw) {
    const s = await ctx.services.secrets.setResourcePolicy(ctx.scope, typed<{ SecretId: string }>(raw).SecretId, undefined);
    return { ARN: s.arn, Name: s.name };
  },
};
