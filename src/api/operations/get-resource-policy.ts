import { typed, type Operation } from '../operation.js';
import { compact } from '../wire.js';

export const getResourcePolicy: Operation = {
  name: 'GetResourcePolicy',
  action: 'secretsmanager:GetResourcePolicy',
  async handle(ctx, raw) {
    const s = await ctx.services.secrets.resolve(ctx.scope, typed<{ SecretId: string }>(raw).SecretId);
    ctx.services.secrets.assertNotDeleted(s);
    // No policy is not an error: ARN and Name only (spec §13.36).
    return compact({ ARN: s.arn, Name: s.name, ResourcePolicy: s.resourcePolicy });
  },
};
