/**
 * What a built-in rotator is: the four steps of AWS's rotation contract, run in-process against the secrets
 * service. The staging checks every AWS template does first (rotation-steps.ts) have already passed when a
 * step runs.
 */
import type { Scope } from '../domain/types.js';
import type { SecretsService } from '../service/secrets.js';

export type StepName = 'createSecret' | 'setSecret' | 'testSecret' | 'finishSecret';

export interface StepContext {
  scope: Scope;
  /** The secret's ARN (the event's SecretId). */
  secretId: string;
  /** The ClientRequestToken: the pending VersionId. */
  token: string;
  secrets: SecretsService;
  /** Appends a line to the invocation's captured output (never a secret value). */
  log(line: string): void;
}

export interface Rotator {
  description: string;
  createSecret(ctx: StepContext): Promise<void>;
  setSecret(ctx: StepContext): Promise<void>;
  testSecret(ctx: StepContext): Promise<void>;
  finishSecret(ctx: StepContext): Promise<void>;
}
