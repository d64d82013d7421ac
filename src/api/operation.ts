/**
 * What one AWS operation is: its name, the IAM action it needs, and its handler. The registry in
 * api/operations/index.ts is exhaustive over the model's OperationName union.
 */
import type { Scope, SecretState } from '../domain/types.js';
import type { OperationName } from './model.js';
import type { Services } from '../app-services.js';
import type { Wire } from './wire.js';

export interface Caller {
  accessKeyId: string;
  accountId: string;
  principalArn: string;
}

export interface OperationContext {
  scope: Scope;
  caller: Caller;
  requestId: string;
  sourceIp: string;
  /** Whether the request came over TLS (aws:SecureTransport); absent when unknown. */
  secureTransport?: boolean;
  services: Services;
  /**
   * Per-request memo set by authorization (api/authorize.ts): the secret it found for `secretId` in this
   * request's scope, so read-only handlers (GetSecretValue, DescribeSecret) need not read and parse it
   * again. Mutating operations ignore it and resolve inside their revision-checked mutate loop.
   */
  resolved?: { secretId: string; secret: SecretState };
}

export interface Operation {
  name: OperationName;
  /** The IAM action the call is authorized against (issue 5 enforces it). */
  action: `secretsmanager:${string}`;
  handle(ctx: OperationContext, input: Wire): Promise<Wire>;
}

/** The model's shapes nest a few levels only; deeper (unknown, ignored) members are left as they are. */
const MAX_NULL_STRIP_DEPTH = 8;

/** JSON `null` members count as absent (api/validate.ts): drop them so no handler ever sees a null. */
function withoutNulls(v: unknown, depth = 0): unknown {
  if (typeof v !== 'object' || v === null || depth > MAX_NULL_STRIP_DEPTH) return v;
  if (Array.isArray(v)) return v.map((x: unknown) => withoutNulls(x, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) if (x !== null) out[k] = withoutNulls(x, depth + 1);
  return out;
}

/**
 * The model validator has already checked every member's JSON type, so an operation may view its input
 * through its request interface once null members are dropped. This is the one place that cast happens.
 */
export function typed<T>(input: Wire): T {
  return withoutNulls(input) as T;
}

/** SecretBinary arrives base64-encoded (validated); domain code works with bytes. */
export function decodeBinary(b64: string | undefined): Buffer | undefined {
  return b64 === undefined ? undefined : Buffer.from(b64, 'base64');
}
