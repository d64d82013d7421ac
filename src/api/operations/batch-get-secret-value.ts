import { typed, type Operation } from '../operation.js';
import { compact, secretValueOutput } from '../wire.js';

interface Input {
  SecretIdList?: string[];
  Filters?: unknown[];
  MaxResults?: number;
  NextToken?: string;
}

export const batchGetSecretValue: Operation = {
  name: 'BatchGetSecretValue',
  action: 'secretsmanager:BatchGetSecretValue',
  async handle(ctx, raw) {
    const r = await ctx.services.secrets.batchGetSecretValue(ctx.scope, typed<Input>(raw));
    return compact({
      SecretValues: r.values.map((x) => secretValueOutput(x.secret, x.version, x.value)),
      NextToken: r.nextToken,
      Errors: r.errors,
    });
  },
};
