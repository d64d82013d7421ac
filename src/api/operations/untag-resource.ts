import { typed, type Operation } from '../operation.js';

export const untagResource: Operation = {
  name: 'UntagResource',
  action: 'secretsmanager:UntagResource',
  async handle(ctx, raw) {
    await ctx.services.secrets.untagResource(ctx.scope, typed<{ SecretId: string; TagKeys: string[] }>(raw));
    return {};
  },
};
