import type { ListSecretsInput } from '../../service/secrets.js';
import { typed, type Operation } from '../operation.js';
import { compact, listEntry } from '../wire.js';

export const listSecrets: Operation = {
  name: 'ListSecrets',
  action: 'secretsmanager:ListSecrets',
  async handle(ctx, raw) {
    const r = await ctx.services.secrets.listSecrets(ctx.scope, typed<ListSecretsInput>(raw));
    return compact({ SecretList: r.secrets.map(listEntry), NextToken: r.nextToken });
  },
};
