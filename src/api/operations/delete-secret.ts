import { typed, type Operation } from '../operation.js';
import { epoch } from '../wire.js';

interface Input {
  SecretId: string;
  RecoveryWindowInDays?: number;
  ForceDeleteWithoutRecovery?: boolean;
}

export const deleteSecret: Operation = {
  name: 'DeleteSecret',
  action: 'secretsmanager:DeleteSecret',
  async handle(ctx, raw) {
    const r = await ctx.services.secrets.deleteSecret(ctx.scope, typed<Input>(raw));
    return { ARN: r.arn, Name: r.name, DeletionDate: epoch(r.deletionDate) };
  },
};
