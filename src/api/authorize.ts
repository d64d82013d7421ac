/**
 * The one authorization step every Secrets Manager operation passes through, after model validation and
 * before the handler (docs/authorization.md). It works out the operation's resource — the secret named
 * by SecretId, the would-be ARN for CreateSecret, `*` for ListSecrets, GetRandomPassword,
 * BatchGetSecretValue and ValidateResourcePolicy without a SecretId — and the request's condition keys, and
 * asks the authorization service. Extra checks: CreateSecret with Tags also needs TagResource; RotateSecret
 * also needs lambda:InvokeFunction on the function (spec §8.15); BatchGetSecretValue checks each secret in
 * its handler and reports denials per item.
 *
 * Existence is never leaked: a denied caller gets AccessDeniedException whether or not the secret exists.
 * A SecretId that finds nothing is authorized against the ARN it names, or for a name against
 * `arn:…:secret:<name>` (AWS's partial ARN), and only an allowed caller learns it is not found.
 *
 * Cross-account: a full ARN of another account's secret is allowed when both the caller's identity
 * policies and the secret's resource policy allow (spec C9); the handler then runs in the owner's scope.
 */
import { err } from '../domain/errors.js';
import { isValidSecretName, parseSecretId, partitionOf, secretArn } from '../domain/arn.js';
import type { SecretState } from '../domain/types.js';
import type { ContextValues } from '../service/authorization.js';
import type { OperationContext, Operation } from './operation.js';
import type { Wire } from './wire.js';

/** Operations whose resource is `*` even when they name secrets (each item is checked by the handler). */
const STAR_RESOURCE = new Set(['secretsmanager:ListSecrets', 'secretsmanager:GetRandomPassword', 'secretsmanager:BatchGetSecretValue']);

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Condition keys taken from the request's members (the same member names mean the same in every operation). */
export function requestContext(input: Wire): ContextValues {
  const c: ContextValues = {};
  c['secretsmanager:SecretId'] = str(input.SecretId);
  c['secretsmanager:Name'] = str(input.Name);
  c['secretsmanager:Description'] = str(input.Description);
  c['secretsmanager:KmsKeyId'] = str(input.KmsKeyId);
  c['secretsmanager:VersionId'] = str(input.VersionId) ?? str(input.ClientRequestToken);
  c['secretsmanager:VersionStage'] = str(input.VersionStage) ?? (Array.isArray(input.VersionStages) ? input.VersionStages.filter((x): x is string => typeof x === 'string') : undefined);
  c['secretsmanager:RotationLambdaARN'] = str(input.RotationLambdaARN);
  if (typeof input.BlockPublicPolicy === 'boolean') c['secretsmanager:BlockPublicPolicy'] = String(input.BlockPublicPolicy);
  if (typeof input.RecoveryWindowInDays === 'number') c['secretsmanager:RecoveryWindowInDays'] = String(input.RecoveryWindowInDays);
  if (typeof input.ForceDeleteWithoutRecovery === 'boolean') c['secretsmanager:ForceDeleteWithoutRecovery'] = String(input.ForceDeleteWithoutRecovery);
  if (typeof input.RotateImmediately === 'boolean') c['secretsmanager:RotateImmediately'] = String(input.RotateImmediately);
  if (Array.isArray(input.AddReplicaRegions)) {
    c['secretsmanager:AddReplicaRegions'] = input.AddReplicaRegions.map((r: unknown) => (typeof r === 'object' && r !== null ? str((r as Wire).Region) : undefined)).filter((x): x is string => x !== undefined);
  }
  const keys: string[] = [];
  if (Array.isArray(input.Tags)) {
    for (const t of input.Tags) {
      if (typeof t !== 'object' || t === null) continue;
      const k = str((t as Wire).Key);
      if (k === undefined) continue;
      keys.push(k);
      c[`aws:RequestTag/${k}`] = str((t as Wire).Value) ?? '';
    }
  }
  if (Array.isArray(input.TagKeys)) for (const k of input.TagKeys) if (typeof k === 'string') keys.push(k);
  if (keys.length > 0) c['aws:TagKeys'] = keys;
  return c;
}

/** Secret-scoped check for one secret (also used per item by BatchGetSecretValue). */
export function checkSecret(ctx: OperationContext, action: string, s: SecretState, extra: ContextValues = {}): void {
  ctx.services.authz.check(ctx, {
    action,
    resource: s.arn,
    resourceAccount: s.accountId,
    resourcePolicy: s.resourcePolicy,
    context: { ...ctx.services.authz.secretContext(s), ...extra },
  });
}

/** A secret named by SecretId: checked on its ARN, or — when nothing was found — on the ARN the id names. */
export function checkNamed(
  ctx: OperationContext,
  action: string,
  secretId: string,
  secret: SecretState | undefined,
  resourceAccount: string,
  extra: ContextValues = {},
): void {
  if (secret) return checkSecret(ctx, action, secret, extra);
  const resource = secretId.startsWith('arn:')
    ? secretId
    : `arn:${partitionOf(ctx.scope.region)}:secretsmanager:${ctx.scope.region}:${ctx.scope.accountId}:secret:${secretId}`;
  ctx.services.authz.check(ctx, { action, resource, resourceAccount, context: extra });
}

/** The C9 rule: another account's secret under the AWS-managed key cannot be read. */
export function assertReadableAcrossAccounts(ctx: OperationContext, s: SecretState): void {
  if (s.accountId !== ctx.caller.accountId && s.kmsKeyArn === undefined) {
    throw err.invalidRequest("You can't access a secret from a different AWS account if you encrypt the secret with the default KMS service key.");
  }
}

/** Authorizes the call; returns the context the handler runs in (the owner's scope for cross-account calls). */
export async function authorizeOperation(ctx: OperationContext, operation: Pick<Operation, 'action'>, input: Wire): Promise<OperationContext> {
  const { action } = operation;
  const request = requestContext(input);
  const secretId = str(input.SecretId);
  const authz = ctx.services.authz;
  if (STAR_RESOURCE.has(action) || secretId === undefined) {
    const name = action === 'secretsmanager:CreateSecret' ? str(input.Name) : undefined;
    // CreateSecret: the ARN is not known before the secret exists; `??????` stands for its random suffix.
    const resource = name !== undefined ? secretArn(ctx.scope, name, '??????') : '*';
    authz.check(ctx, { action, resource, resourceAccount: ctx.scope.accountId, context: request });
    if (name !== undefined && Array.isArray(input.Tags) && input.Tags.length > 0) {
      authz.check(ctx, { action: 'secretsmanager:TagResource', resource, resourceAccount: ctx.scope.accountId, context: request });
    }
    if (action === 'secretsmanager:BatchGetSecretValue' && input.Filters !== undefined) {
      authz.check(ctx, { action: 'secretsmanager:ListSecrets', resource: '*', resourceAccount: ctx.scope.accountId, context: request });
    }
    return ctx;
  }

  const ref = parseSecretId(secretId, ctx.scope);
  let scope = ctx.scope;
  let secret: SecretState | undefined;
  if (ref.kind === 'other-account') {
    scope = { accountId: secretId.split(':')[4] ?? '', region: ctx.scope.region };
    // Only a full ARN reaches another account's secret (a partial ARN is never resolved across accounts).
    if (parseSecretId(secretId, scope).kind === 'arn') secret = await ctx.services.secrets.find(scope, secretId);
  } else if (secretId.startsWith('arn:') || isValidSecretName(secretId, { forLookup: true })) {
    secret = await ctx.services.secrets.find(ctx.scope, secretId);
  }
  // An invalid name finds nothing here: it is authorized as a name, and the handler then reports the
  // ValidationException in its own order of checks (e.g. a missing ClientRequestToken comes first, spec §13.1).
  checkNamed(ctx, action, secretId, secret, scope.accountId, request);
  if (action === 'secretsmanager:RotateSecret') {
    const fn = str(input.RotationLambdaARN) ?? secret?.rotationLambdaArn;
    if (fn !== undefined && fn !== '') {
      // The caller's own permission to invoke the function (spec §8.15); identity policies decide.
      authz.check(ctx, { action: 'lambda:InvokeFunction', resource: fn, resourceAccount: ctx.caller.accountId, context: request });
    }
  }
  if (secret && action === 'secretsmanager:GetSecretValue') assertReadableAcrossAccounts(ctx, secret);
  if (secret === undefined) return scope === ctx.scope ? ctx : { ...ctx, scope };
  // Per-request memo: read-only handlers reuse the secret just authorized instead of reading it again.
  return { ...ctx, scope, resolved: { secretId, secret } };
}
