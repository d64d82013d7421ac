/**
 * Rotor's own API, beside AWS's: `X-Amz-Target: rotor.ListRotationRuns`, SigV4-signed like any call.
 * Request {SecretId, MaxResults?(1–100, default 20)}; response {ARN, Name, RotationRuns: [...]}, newest
 * first, each run with its trigger, token, status, attempts and every step's start, end, outcome, error
 * and captured function output (docs/rotation.md).
 */
import { AwsError } from '../../domain/errors.js';
import { authorizeOperation } from '../authorize.js';
import type { OperationContext } from '../operation.js';
import { compact, epoch, type Wire } from '../wire.js';

export async function listRotationRuns(ctx: OperationContext, input: Wire): Promise<Wire> {
  const secretId = input.SecretId;
  if (typeof secretId !== 'string' || secretId.length < 1 || secretId.length > 2048) {
    throw new AwsError('ValidationException', "1 validation error detected: Value at 'secretId' failed to satisfy constraint: Member must not be null");
  }
  const max = input.MaxResults === undefined ? 20 : input.MaxResults;
  if (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > 100) {
    throw new AwsError('ValidationException', `1 validation error detected: Value '${String(max)}' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 100`);
  }
  // No IAM action of Rotor's own: reading the history needs what reading the rotation configuration needs.
  const authorized = await authorizeOperation(ctx, { action: 'secretsmanager:DescribeSecret' }, { SecretId: secretId });
  const { secret, runs } = await ctx.services.rotation.history(authorized.scope, secretId, max);
  return {
    ARN: secret.arn,
    Name: secret.name,
    RotationRuns: runs.map((r) =>
      compact({
        RunId: r.runId,
        Trigger: r.trigger,
        Mode: r.mode === 'full' ? 'Rotation' : 'TestRotation',
        ClientRequestToken: r.token,
        RotationLambdaARN: r.functionArn,
        Status: r.status,
        Attempts: r.attempts,
        StartedDate: epoch(r.startedAt),
        EndedDate: r.endedAt === undefined ? undefined : epoch(r.endedAt),
        Error: r.error,
        Steps: r.steps.map((s) =>
          compact({
            Step: s.step,
            Attempt: s.attempt,
            StartedDate: epoch(s.startedAt),
            EndedDate: epoch(s.endedAt),
            DurationMs: s.endedAt - s.startedAt,
            Outcome: s.ok ? 'Succeeded' : 'Failed',
            Error: s.error,
            Output: s.logs,
          }),
        ),
      }),
    ),
  };
}

/**
 * `rotor.ListEvents` {SecretId?, EventName?, MaxResults?(1–100, default 50)}: the recorded service events
 * (RotationStarted/Succeeded/Failed/Abandoned, TestRotation*, EndSecretVersionDelete, ScheduledRotationSkipped
 * with its Reason), newest first, in a CloudTrail-like shape.
 */
export async function listEvents(ctx: OperationContext, input: Wire): Promise<Wire> {
  const max = input.MaxResults === undefined ? 50 : input.MaxResults;
  if (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > 100) {
    throw new AwsError('ValidationException', `1 validation error detected: Value '${String(max)}' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 100`);
  }
  if (input.EventName !== undefined && typeof input.EventName !== 'string') throw new AwsError('SerializationException', "Unexpected value type for 'EventName': expected a string");
  let secretArn: string | undefined;
  let scope = ctx.scope;
  if (input.SecretId !== undefined) {
    if (typeof input.SecretId !== 'string') throw new AwsError('SerializationException', "Unexpected value type for 'SecretId': expected a string");
    // One secret's events: what DescribeSecret on it needs; all events: what ListSecrets needs.
    scope = (await authorizeOperation(ctx, { action: 'secretsmanager:DescribeSecret' }, { SecretId: input.SecretId })).scope;
    secretArn = (await ctx.services.secrets.resolve(scope, input.SecretId)).arn;
  } else {
    await authorizeOperation(ctx, { action: 'secretsmanager:ListSecrets' }, {});
  }
  const events = await ctx.services.events.list({
    scope,
    limit: max,
    ...(secretArn !== undefined ? { secretArn } : {}),
    ...(typeof input.EventName === 'string' ? { eventName: input.EventName } : {}),
  });
  return {
    Events: events.map((e) =>
      compact({
        EventId: e.eventId,
        EventTime: epoch(e.eventTime),
        EventName: e.eventName,
        EventSource: 'secretsmanager.amazonaws.com',
        EventType: 'AwsServiceEvent',
        RecipientAccountId: e.accountId,
        AwsRegion: e.region,
        AdditionalEventData: e.secretArn !== undefined ? { SecretId: e.secretArn } : undefined,
        ErrorMessage: e.detail?.errorMessage,
        RotationRunId: e.detail?.runId,
        Reason: e.detail?.reason,
      }),
    ),
  };
}

export const EXTENSIONS = {
  ListRotationRuns: listRotationRuns,
  ListEvents: listEvents,
} as const satisfies Record<string, (ctx: OperationContext, input: Wire) => Promise<Wire>>;

export function isExtension(name: string): name is keyof typeof EXTENSIONS {
  return Object.prototype.hasOwnProperty.call(EXTENSIONS, name);
}
