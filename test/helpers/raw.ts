/**
 * Raw SigV4-signed AWS JSON 1.1 requests (signed with src/auth/sigv4.ts signRequest) with a per-request
 * timeout, for tests that must send bodies no SDK would produce.
 */
import { signRequest } from '../../src/auth/sigv4.js';

export interface RawTarget {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
}

export interface RawResult {
  status: number;
  text: string;
  contentType: string | null;
  /** Parsed JSON body, or undefined if the body is not JSON. */
  json: unknown;
  ms: number;
}

export async function rawCall(
  t: RawTarget,
  op: string,
  body: string | Buffer,
  opts: { timeoutMs?: number; headers?: Record<string, string> } = {},
): Promise<RawResult> {
  const url = new URL(t.endpoint);
  const headers = signRequest({
    method: 'POST',
    host: url.host,
    path: '/',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `secretsmanager.${op}`, ...(opts.headers ?? {}) },
    body,
    accessKeyId: t.accessKeyId,
    secretAccessKey: t.secretAccessKey,
    region: t.region,
    service: 'secretsmanager',
  });
  const started = Date.now();
  const res = await fetch(`${t.endpoint}/`, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : new Uint8Array(body),
    signal: AbortSignal.timeout(opts.timeoutMs ?? 5000),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, contentType: res.headers.get('content-type'), json, ms: Date.now() - started };
}

export function rawJson(t: RawTarget, op: string, body: unknown, opts: { timeoutMs?: number } = {}): Promise<RawResult> {
  return rawCall(t, op, JSON.stringify(body), opts);
}
