import { typed, type Operation } from '../operation.js';
import { compact } from '../wire.js';

export const cancelRotateSecret: Operation = {
  name: 'CancelRotateSecret',
  action: 'secretsmanager:CancelRotateSecret',
  async handle(ctx, raw) {
    const r = await ctx.services.rotation.cancelRotateSecret(ctx.scope, typed<{ SecretId: string }>(raw).SecretId);
    return compact({ ARN: r.secret.arn, Name: r.secret.name, VersionId: r.versionId });
  },
};
