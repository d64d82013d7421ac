/**
 * What the rotation engine needs from "functions": the things a RotationLambdaARN can name. Implemented by
 * the Lambda-compatible registry in src/functions/ (local nodejs/python handlers, webhooks) and later by
 * the built-in rotators (issue 7).
 */
import type { Scope } from '../domain/types.js';

export interface InvokeResult {
  /** false when the function failed (handled or unhandled error, timeout, crash). */
  ok: boolean;
  /** Lambda's X-Amz-Function-Error value: 'Unhandled' or 'Handled'. */
  functionError?: string;
  /** The response payload as text (JSON), or the error object Lambda would return. */
  payload: string;
  /** Short error text for history and events (never a secret value). */
  errorMessage?: string;
  /** stdout/stderr of this invocation, capped. */
  logs: string;
  durationMs: number;
}

export interface FunctionInvoker {
  /**
   * True if the function exists in this account and Region and its resource policy lets
   * `secretsmanager.amazonaws.com` call lambda:InvokeFunction (spec §8.2 step 6).
   */
  canSecretsManagerInvoke(scope: Scope, functionArn: string): Promise<boolean>;
  /** Synchronous (RequestResponse) invocation. Never throws for a function failure: see InvokeResult.ok. */
  invoke(scope: Scope, functionArn: string, event: unknown): Promise<InvokeResult>;
}
