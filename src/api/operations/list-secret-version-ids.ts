import { typed, type Operation } from '../operation.js';
import { compact, epoch } from '../wire.js';

interface Input {
  SecretId: string;
  MaxResults?: number;
  NextToken?: string;
  IncludeDeprecated?: boolean;
}

export const listSecretVersionIds: Operation = {
  name: 'ListSecretVersionIds',
  action: 'secretsmanager:ListSecretVersionIds',
  async handle(ctx, raw) {
    const r = await ctx.services.secrets.listSecretVersionIds(ctx.scope, typed<Input>(raw));
    return compact({
      Versions: r.versions.map((v) =>
        compact({
          VersionId: v.id,
          // Deprecated versions carry no VersionStages key at all (spec §13.11).
          VersionStages: v.stages.length > 0 ? [...v.stages] : undefined,
          LastAccessedDate: v.lastAccessedAt === undefined ? undefined : epoch(v.lastAccessedAt),
          CreatedDate: epoch(v.createdAt),
          KmsKeyIds: v.kmsKeyIds,
        }),
      ),
      NextToken: r.nextToken,
      ARN: r.secret.arn,
      Name: r.secret.name,
    });
  },
};
