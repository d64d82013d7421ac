/**
 * The condition keys Rotor knows (global keys it can supply, and the Secrets Manager service keys). A
 * statement that names any other key fails closed (issue 5): an Allow does not apply, a Deny does.
 * Keys are case-insensitive; tag keys keep the case of the tag name after the `/`.
 */
const KEYS: readonly string[] = [
  'aws:SourceIp',
  'aws:PrincipalArn',
  'aws:PrincipalAccount',
  'aws:PrincipalType',
  'aws:PrincipalServiceName',
  'aws:username',
  'aws:userid',
  'aws:CurrentTime',
  'aws:EpochTime',
  'aws:SecureTransport',
  'aws:RequestedRegion',
  'aws:ResourceAccount',
  'aws:TagKeys',
  'aws:MultiFactorAuthPresent',
  'aws:SourceAccount',
  'aws:SourceArn',
  'secretsmanager:SecretId',
  'secretsmanager:Name',
  'secretsmanager:Description',
  'secretsmanager:KmsKeyId',
  'secretsmanager:VersionId',
  'secretsmanager:VersionStage',
  'secretsmanager:RotationLambdaARN',
  'secretsmanager:resource/AllowRotationLambdaArn',
  'secretsmanager:BlockPublicPolicy',
  'secretsmanager:AddReplicaRegions',
  'secretsmanager:SecretPrimaryRegion',
  'secretsmanager:ForceOverwriteReplicaSecret',
  'secretsmanager:RecoveryWindowInDays',
  'secretsmanager:ForceDeleteWithoutRecovery',
  'secretsmanager:ModifyRotationRules',
  'secretsmanager:RotateImmediately',
];

const TAG_PREFIXES: readonly string[] = ['aws:principaltag/', 'aws:resourcetag/', 'aws:requesttag/', 'secretsmanager:resourcetag/'];

const KNOWN = new Set(KEYS.map((k) => k.toLowerCase()));

export function isKnownConditionKey(key: string): boolean {
  const k = key.toLowerCase();
  if (KNOWN.has(k)) return true;
  return TAG_PREFIXES.some((p) => k.startsWith(p) && k.length > p.length);
}
