/**
 * GetFunction's Code.Location: on AWS a presigned S3 URL valid for 10 minutes. Rotor serves the package
 * itself under `/_rotor/lambda-code/<token>`, where the token names the function and its code hash and
 * carries an expiry, authenticated by an HMAC whose key lives in the shared store (so any node can serve
 * a URL another node issued). Anyone holding the URL can download until it expires, as with S3.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const CODE_URL_PATH = '/_rotor/lambda-code/';
export const CODE_URL_TTL_MS = 10 * 60_000;

export interface CodeUrlClaims {
  accountId: string;
  region: string;
  name: string;
  codeSha256: string;
  expiresAt: number;
}

function mac(key: Buffer, payload: string): string {
  return createHmac('sha256', key).update(payload).digest('base64url');
}

export function codeToken(key: Buffer, claims: CodeUrlClaims): string {
  const payload = Buffer.from(
    JSON.stringify([claims.accountId, claims.region, claims.name, claims.codeSha256, claims.expiresAt]),
  ).toString('base64url');
  return `${payload}.${mac(key, payload)}`;
}

export function verifyCodeToken(key: Buffer, token: string, now: number): CodeUrlClaims | undefined {
  const dot = token.indexOf('.');
  if (dot <= 0) return undefined;
  const payload = token.slice(0, dot);
  const given = Buffer.from(token.slice(dot + 1));
  const expected = Buffer.from(mac(key, payload));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(v) || v.length !== 5) return undefined;
  const [accountId, region, name, codeSha256, expiresAt] = v as unknown[];
  if (
    typeof accountId !== 'string' ||
    typeof region !== 'string' ||
    typeof name !== 'string' ||
    typeof codeSha256 !== 'string' ||
    typeof expiresAt !== 'number' ||
    expiresAt < now
  ) {
    return undefined;
  }
  return { accountId, region, name, codeSha256, expiresAt };
}
