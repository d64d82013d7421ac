import type { SortBy } from '../../store/store.js';
import { typed, type Operation } from '../operation.js';
import { compact, listEntry } from '../wire.js';

interface Input {
  IncludePlannedDeletion?: boolean;
  MaxResults?: number;
  NextToken?: string;
  Filters?: unknown[];
  SortOrder?: 'asc' | 'desc';
  SortBy?: SortBy;
}

export const listSecrets: Operation = {
  name: 'ListSecrets',
  action: 'secretsmanager:ListSecrets',
  async handle(ctx, raw) {
    const r = await ctx.services.secrets.listSecrets(ctx.scope, typed<Input>(raw));
    return compact({ SecretList: r.secrets.map(listEntry), NextToken: r.nextToken });
  },
};
