/**
 * What one AWS operation is: its name, the IAM action it needs, and its handler. The registry in
 * api/operations/index.ts is exhaustive over the model's OperationName union.
 */
import type { Scope } from '../domain/types.js';
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
  services: Services;
}

export interface Operation {
  name: OperationName;
  /** The IAM action the call is authorized against (issue 5 enforces it). */
  action: `secretsmanager:${string}`;
  handle(ctx: OperationContext, input: Wire): Promise<Wire>;
}

/**
 * The model validator has already checked every member's JSON type, so an operation may view its input
 * through its request interface. This is the one place that cast happens.
 */
export function typed<T>(input: Wire): T {
  return input as T;
}

/** SecretBinary arrives base64-encoded (validated); domain code works with bytes. */
export function decodeBinary(b64: string | undefined): Buffer | undefined {
  return b64 === undefined ? undefined : Buffer.from(b64, 'base64');
}
