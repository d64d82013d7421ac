import { AwsError } from '../../domain/errors.js';
import { assertWellFormed, broadAccessFindings } from '../../domain/resource-policy.js';
import { typed, type Operation } from '../operation.js';

export const putResourcePolicy: Operation = {
  name: 'PutResourcePolicy',
  action: 'secretsmanager:PutResourcePolicy',
  async handle(ctx, raw) {
    const input = typed<{ SecretId: string; ResourcePolicy: string; BlockPublicPolicy?: boolean }>(raw);
    assertWellFormed(input.ResourcePolicy);
    if (input.BlockPublicPolicy === true && broadAccessFindings(input.ResourcePolicy).length > 0) {
      throw new AwsError('PublicPolicyException', 'You can’t block public policies for this secret because the resource policy grants broad access.');
    }
    const s = await ctx.services.secrets.setResourcePolicy(ctx.scope, input.SecretId, input.ResourcePolicy);
    return { ARN: s.arn, Name: s.name };
  },
};
