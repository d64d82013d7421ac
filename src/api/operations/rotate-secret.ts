import type { RotateInput } from '../../service/rotation.js';
import { typed, type Operation } from '../operation.js';

/** Validates, stores the configuration, creates the AWSPENDING version and returns; the steps run later. */
export const rotateSecret: Operation = {
  name: 'RotateSecret',
  action: 'secretsmanager:RotateSecret',
  async handle(ctx, raw) {
    const r = await ctx.services.rotation.rotateSecret(ctx.scope, typed<RotateInput>(raw));
    return { ARN: r.secret.arn, Name: r.secret.name, VersionId: r.versionId };
  },
};
