/**
 * Domain state → wire shapes. Timestamps travel as epoch seconds with a millisecond fraction; members
 * without a value are omitted, never null (spec §1.2).
 */
import type { SecretState, SecretValue, VersionState } from '../domain/types.js';
import { versionsToStages } from '../domain/versions.js';

export type Wire = Record<string, unknown>;

export function epoch(ms: number): number {
  return ms / 1000;
}

/** Copies defined members only. */
export function compact(o: Wire): Wire {
  const out: Wire = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out;
}

function opt(ms: number | undefined): number | undefined {
  return ms === undefined ? undefined : epoch(ms);
}

/** The members DescribeSecret and a ListSecrets entry share (spec §5.2, §5.8, §8.11). */
function common(s: SecretState): Wire {
  return {
    ARN: s.arn,
    Name: s.name,
    Type: s.type,
    Description: s.description,
    KmsKeyId: s.kmsKeyId,
    RotationEnabled: s.rotationEnabled,
    RotationLambdaARN: s.rotationLambdaArn,
    RotationRules: s.rotationRules,
    ExternalSecretRotationMetadata: s.externalSecretRotationMetadata,
    ExternalSecretRotationRoleArn: s.externalSecretRotationRoleArn,
    LastRotatedDate: s.rotationEnabled === false ? undefined : opt(s.lastRotatedAt),
    LastChangedDate: epoch(s.lastChangedAt),
    LastAccessedDate: opt(s.lastAccessedAt),
    DeletedDate: opt(s.deletedAt),
    NextRotationDate: s.rotationEnabled === true ? opt(s.nextRotationAt) : undefined,
    Tags: s.tags,
    OwningService: s.owningService,
    CreatedDate: epoch(s.createdAt),
  };
}

export function describeOutput(s: SecretState): Wire {
  return compact({ ...common(s), VersionIdsToStages: versionsToStages(s) });
}

export function listEntry(s: SecretState): Wire {
  // ListSecrets reports LastRotatedDate even after rotation was disabled ("null if never rotated").
  return compact({ ...common(s), LastRotatedDate: opt(s.lastRotatedAt), SecretVersionsToStages: versionsToStages(s) });
}

export function valueMembers(v: SecretValue): Wire {
  return v.kind === 'string' ? { SecretString: v.value } : { SecretBinary: v.value.toString('base64') };
}

export function secretValueOutput(s: SecretState, v: VersionState, value: SecretValue): Wire {
  return compact({
    ARN: s.arn,
    Name: s.name,
    VersionId: v.id,
    ...valueMembers(value),
    VersionStages: [...v.stages],
    CreatedDate: epoch(v.createdAt),
  });
}
