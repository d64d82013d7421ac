import { broadAccessFindings, syntaxFindings } from '../../domain/resource-policy.js';
import { typed, type Operation } from '../operation.js';

export const validateResourcePolicy: Operation = {
  name: 'ValidateResourcePolicy',
  action: 'secretsmanager:ValidateResourcePolicy',
  async handle(ctx, raw) {
    const input = typed<{ SecretId?: string; ResourcePolicy: string }>(raw);
    if (input.SecretId !== undefined) {
      const s = await ctx.services.secrets.resolve(ctx.scope, input.SecretId);
      ctx.services.secrets.assertNotDeleted(s);
    }
    const syntax = syntaxFindings(input.ResourcePolicy);
    const findings = syntax.length > 0 ? syntax : broadAccessFindings(input.ResourcePolicy);
    return { PolicyValidationPassed: findings.length === 0, ValidationErrors: findings };
  },
};
