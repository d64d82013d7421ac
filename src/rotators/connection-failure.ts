/**
 * What the database rotators share about connecting: the failure kinds, the wording of socket-level errors
 * (the same for every engine), and AWS's "try TLS, fall back to plaintext" rule when `ssl` is absent.
 */
import type { DbSecret } from './db-secret.js';

export type FailureKind = 'unreachable' | 'authentication' | 'tls' | 'other';

export interface ConnectFailure {
  kind: FailureKind;
  /** In a database administrator's words; never a password. */
  detail: string;
}

/** A socket error code (ECONNREFUSED, …) described for `engine` at `where`, or undefined if it is not one. */
export function describeSocketError(code: string | undefined, engine: string, where: string): { kind: 'unreachable'; detail: string } | undefined {
  switch (code) {
    case 'ECONNREFUSED':
      return { kind: 'unreachable', detail: `connection refused (is ${engine} running and accepting TCP connections on ${where}?)` };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return { kind: 'unreachable', detail: `host not found (${where}: check the secret's "host")` };
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return { kind: 'unreachable', detail: `no route to ${where} (${code}): check the host, port and firewall` };
    case 'ECONNRESET':
      return { kind: 'unreachable', detail: `the server at ${where} closed the connection (ECONNRESET)` };
    default:
      return undefined;
  }
}

/**
 * `ssl: true` requires verified TLS, `false` is plaintext, absent tries TLS first and falls back to
 * plaintext when the TLS handshake fails (AWS's templates do the same).
 */
export async function connectWithTlsFallback<T extends { ok: true } | ({ ok: false } & ConnectFailure)>(
  s: Pick<DbSecret, 'ssl'>,
  attempt: (ssl: boolean) => Promise<T>,
): Promise<T> {
  if (s.ssl !== undefined) return attempt(s.ssl);
  const tls = await attempt(true);
  if (tls.ok || tls.kind !== 'tls') return tls;
  return attempt(false);
}
