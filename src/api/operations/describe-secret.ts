import { typed, type Operation } from '../operation.js';
import { describeOutput } from '../wire.js';

export const describeSecret: Operation = {
  name: 'DescribeSecret',
  action: 'secretsmanager:DescribeSecret',
  async handle(ctx, raw) {
    const { SecretId } = typed<{ SecretId: string }>(raw);
    return describeOutput(await ctx.services.secrets.describeSecret(ctx.scope, SecretId));
  },
};
