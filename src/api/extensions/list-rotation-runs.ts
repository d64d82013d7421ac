/**
 * Rotor's own API, beside AWS's: `X-Amz-Target: rotor.ListRotationRuns`, SigV4-signed like any call.
 * Request {SecretId, MaxResults?(1–100, default 20)}; response {ARN, Name, RotationRuns: [...]}, newest
 * first, each run with its trigger, token, status, attempts and every step's start, end, outcome, error
 * and captured function output (docs/rotation.md).
 */
import { AwsError } from '../../domain/errors.js';
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
  const { secret, runs } = await ctx.services.rotation.history(ctx.scope, secretId, max);
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

export const EXTENSIONS = {
  ListRotationRuns: listRotationRuns,
} as const satisfies Record<string, (ctx: OperationContext, input: Wire) => Promise<Wire>>;

export function isExtension(name: string): name is keyof typeof EXTENSIONS {
  return Object.prototype.hasOwnProperty.call(EXTENSIONS, name);
}
