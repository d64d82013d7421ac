/**
 * The signature of webhook deliveries, Stripe-style: `x-rotor-signature: t=<unix seconds>,v1=<hex>` where
 * v1 = HMAC-SHA256(secret, "<t>.<body>") over the exact bytes of the request body. The timestamp is signed
 * too, so a receiver that checks it against its own clock rejects replays of old deliveries.
 *
 * This file depends on node:crypto only, so a receiver can copy it as it is (docs/webhook-functions.md).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const WEBHOOK_SIGNATURE_HEADER = 'x-rotor-signature';
/** How far (in seconds, either way) a delivery's timestamp may be from the receiver's clock by default. */
export const DEFAULT_WEBHOOK_TOLERANCE_SEC = 300;

const MAX_HEADER_LENGTH = 4096;

function hmacHex(secret: string, t: number, body: string | Uint8Array): string {
  return createHmac('sha256', secret).update(`${t}.`, 'utf8').update(body).digest('hex');
}

/** The `x-rotor-signature` header value for `body` sent at `t` (unix seconds). */
export function signWebhook(secret: string, body: string | Uint8Array, t: number): string {
  if (!Number.isSafeInteger(t) || t < 0) throw new RangeError('t must be a non-negative integer (unix seconds)');
  return `t=${t},v1=${hmacHex(secret, t, body)}`;
}

/**
 * True when `header` carries a v1 signature of `body` with `secret` and a timestamp within `toleranceSec`
 * of `nowSec`. `body` must be the raw request body as received (not re-serialized JSON). Several v1 entries
 * are accepted (any one matching suffices). Never throws for bad input: it is simply not valid.
 */
export function verifyWebhook(
  secret: string,
  body: string | Uint8Array,
  header: string | string[] | null | undefined,
  nowSec: number,
  toleranceSec: number = DEFAULT_WEBHOOK_TOLERANCE_SEC,
): boolean {
  if (typeof header !== 'string' || header.length > MAX_HEADER_LENGTH) return false;
  let t: number | undefined;
  const candidates: Buffer[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't') {
      if (t !== undefined || !/^\d{1,12}$/.test(value)) return false;
      t = Number(value);
    } else if (key === 'v1' && /^[0-9a-f]{64}$/.test(value)) {
      candidates.push(Buffer.from(value, 'hex'));
    }
  }
  if (t === undefined || candidates.length === 0) return false;
  if (!Number.isFinite(nowSec) || !(toleranceSec >= 0) || Math.abs(nowSec - t) > toleranceSec) return false;
  const expected = Buffer.from(hmacHex(secret, t, body), 'hex');
  let ok = false;
  for (const c of candidates) ok = timingSafeEqual(expected, c) || ok;
  return ok;
}
