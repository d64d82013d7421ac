import type { Tag } from '../../domain/types.js';
import { typed, type Operation } from '../operation.js';

export const tagResource: Operation = {
  name: 'TagResource',
  action: 'secretsmanager:TagResource',
  async handle(ctx, raw) {
    await ctx.services.secrets.tagResource(ctx.scope, typed<{ SecretId: string; Tags: Tag[] }>(raw));
    return {};
  },
};
