import { typed, type Operation } from '../operation.js';
import { describeOutput } from '../wire.js';

export const describeSecret: Operation = {
  name: 'DescribeSecret',
  action: 'secretsmanager:DescribeSecret',
  async handle(ctx, raw) {
    const { SecretId } = typed<{ SecretId: string }>(raw);
    // The secret authorization found for this SecretId in this request (api/authorize.ts), if any.
    const memo = ctx.resolved?.secretId === SecretId ? ctx.resolved.secret : undefined;
    return describeOutput(await ctx.services.secrets.describeSecret(ctx.scope, SecretId, memo));
  },
};
