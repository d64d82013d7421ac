import { typed, type Operation } from '../operation.js';

interface Input {
  SecretId: string;
  VersionStage: string;
  RemoveFromVersionId?: string;
  MoveToVersionId?: string;
}

export const updateSecretVersionStage: Operation = {
  name: 'UpdateSecretVersionStage',
  action: 'secretsmanager:UpdateSecretVersionStage',
  async handle(ctx, raw) {
    const s = await ctx.services.secrets.updateSecretVersionStage(ctx.scope, typed<Input>(raw));
    return { ARN: s.arn, Name: s.name };
  },
};
