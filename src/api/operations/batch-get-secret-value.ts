import { typed, type Operation } from '../operation.js';
import { compact, secretValueOutput } from '../wire.js';
import { assertReadableAcrossAccounts, checkNamed } from '../authorize.js';

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
    // BatchGetSecretValue on `*` was checked before; each secret also needs GetSecretValue (AWS docs).
    const r = await ctx.services.secrets.batchGetSecretValue(ctx.scope, typed<Input>(raw), (id, s) => {
      checkNamed(ctx, 'secretsmanager:GetSecretValue', id, s, ctx.scope.accountId);
      if (s) assertReadableAcrossAccounts(ctx, s);
    });
    return compact({
      SecretValues: r.values.map((x) => secretValueOutput(x.secret, x.version, x.value)),
      NextToken: r.nextToken,
      Errors: r.errors,
    });
  },
};
