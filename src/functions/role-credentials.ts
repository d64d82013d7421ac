/**
 * Temporary credentials for a function's execution role, as Lambda hands them to a function: an `ASIA…`
 * access key with a session token, for the principal `arn:aws:sts::<account>:assumed-role/<role>/<function>`.
 * They are registered with Rotor's credential service, so the function's calls back to Rotor are signed
 * and attributed like any other caller's. New ones are issued each time a worker starts.
 */
import { randomBytes } from 'node:crypto';
import { newAccessKeyId, newSecretAccessKey, type CredentialService } from '../auth/credentials.js';

export const ROLE_CREDENTIAL_TTL_MS = 12 * 3_600_000;

export interface RoleCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  principalArn: string;
  expiresAt: number;
}

/** The role name is the last path segment of the role ARN (`arn:aws:iam::1:role/path/name`). */
export function roleName(roleArn: string): string {
  const resource = roleArn.split(':').slice(5).join(':');
  const parts = resource.split('/');
  return parts[parts.length - 1] ?? resource;
}

export function assumedRoleArn(accountId: string, roleArn: string, sessionName: string): string {
  return `arn:aws:sts::${accountId}:assumed-role/${roleName(roleArn)}/${sessionName}`;
}

export async function issueRoleCredentials(
  credentials: Pick<CredentialService, 'put'>,
  fn: { accountId: string; role: string; name: string },
  now: number,
  ttlMs = ROLE_CREDENTIAL_TTL_MS,
): Promise<RoleCredentials> {
  const c: RoleCredentials = {
    accessKeyId: newAccessKeyId('ASIA'),
    secretAccessKey: newSecretAccessKey(),
    sessionToken: randomBytes(96).toString('base64'),
    principalArn: assumedRoleArn(fn.accountId, fn.role, fn.name),
    expiresAt: now + ttlMs,
  };
  await credentials.put({
    accessKeyId: c.accessKeyId,
    secretAccessKey: c.secretAccessKey,
    accountId: fn.accountId,
    principalArn: c.principalArn,
    sessionToken: c.sessionToken,
    expiresAt: c.expiresAt,
  });
  return c;
}
