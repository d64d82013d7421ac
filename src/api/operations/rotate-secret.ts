import type { ExternalMetadataItem, RotationRules } from '../../domain/types.js';
import { typed, type Operation } from '../operation.js';

interface Input {
  SecretId: string;
  ClientRequestToken?: string;
  RotationLambdaARN?: string;
  RotationRules?: RotationRules;
  RotateImmediately?: boolean;
  ExternalSecretRotationMetadata?: ExternalMetadataItem[];
  ExternalSecretRotationRoleArn?: string;
}

/** Validates, stores the configuration, creates the AWSPENDING version and returns; the steps run later. */
export const rotateSecret: Operation = {
  name: 'RotateSecret',
  action: 'secretsmanager:RotateSecret',
  async handle(ctx, raw) {
    const r = await ctx.services.rotation.rotateSecret(ctx.scope, typed<Input>(raw));
    return { ARN: r.secret.arn, Name: r.secret.name, VersionId: r.versionId };
  },
};
