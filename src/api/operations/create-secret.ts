import type { Tag } from '../../domain/types.js';
import { decodeBinary, typed, type Operation } from '../operation.js';
import { compact } from '../wire.js';

interface Input {
  Name: string;
  ClientRequestToken?: string;
  Description?: string;
  KmsKeyId?: string;
  SecretBinary?: string;
  SecretString?: string;
  Tags?: Tag[];
  Type?: string;
  AddReplicaRegions?: unknown[];
}

export const createSecret: Operation = {
  name: 'CreateSecret',
  action: 'secretsmanager:CreateSecret',
  async handle(ctx, raw) {
    const { SecretBinary, AddReplicaRegions: _replicas, ...rest } = typed<Input>(raw);
    const r = await ctx.services.secrets.createSecret(ctx.scope, { ...rest, SecretBinary: decodeBinary(SecretBinary) });
    return compact({ ARN: r.secret.arn, Name: r.secret.name, VersionId: r.versionId });
  },
};
