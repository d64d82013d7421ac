/**
 * Shared by the built-in rotator tests: the default in-process app (built-ins wired as in production) with
 * a fast rotation engine, built-in ARNs, and waiting for a rotation run to end.
 */
import { randomUUID } from 'node:crypto';
import { CreateSecretCommand, GetSecretValueCommand, RotateSecretCommand } from '@aws-sdk/client-secrets-manager';
import type { RotationRun, Scope } from '../../src/domain/types.js';
import { startTestApp, TEST_ACCOUNT, TEST_REGION, type TestApp } from '../helpers/app.js';

export const SCOPE: Scope = { accountId: TEST_ACCOUNT, region: TEST_REGION };

export function builtin(name: string): string {
  return `arn:aws:lambda:${TEST_REGION}:${TEST_ACCOUNT}:function:rotor-builtin-${name}`;
}

export function startRotorForRotators(): Promise<TestApp> {
  return startTestApp({ rotation: { pollMs: 20, leaseMs: 5000, backoffBaseMs: 0, backoffMaxMs: 0, maxAttempts: 1 } });
}

export async function createJsonSecret(t: TestApp, value: unknown): Promise<string> {
  const r = await t.client.send(new CreateSecretCommand({ Name: `rot-${randomUUID()}`, SecretString: typeof value === 'string' ? value : JSON.stringify(value) }));
  return r.ARN ?? '';
}

export async function stageValue(t: TestApp, arn: string, stage = 'AWSCURRENT'): Promise<string> {
  const r = await t.client.send(new GetSecretValueCommand({ SecretId: arn, VersionStage: stage }));
  return r.SecretString ?? '';
}

export async function stageJson(t: TestApp, arn: string, stage = 'AWSCURRENT'): Promise<Record<string, unknown>> {
  return JSON.parse(await stageValue(t, arn, stage)) as Record<string, unknown>;
}

/** Waits until the secret has `count` runs and none is running; returns the newest. */
export async function waitForRuns(t: TestApp, arn: string, count: number): Promise<RotationRun> {
  const rotation = t.app?.services.rotation;
  if (!rotation) throw new Error('in-process app needed');
  for (let i = 0; i < 1500; i++) {
    const { runs } = await rotation.history(SCOPE, arn, 50);
    const newest = runs[0];
    if (runs.length >= count && newest && runs.every((r) => r.status !== 'running')) return newest;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('rotation did not end in time');
}

/** RotateSecret with a built-in, then waits for that run (the n-th of the secret) to end. */
export async function rotate(t: TestApp, arn: string, fn: string, nth: number): Promise<RotationRun> {
  await t.client.send(new RotateSecretCommand({ SecretId: arn, RotationLambdaARN: builtin(fn), ClientRequestToken: randomUUID() }));
  return waitForRuns(t, arn, nth);
}
