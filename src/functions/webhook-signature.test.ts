import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhook } from './webhook-signature.js';

const SECRET = 'whsec-0123456789abcdef';
const BODY = '{"Step":"createSecret","SecretId":"arn:aws:secretsmanager:us-east-1:123456789012:secret:a-AbCdEf","ClientRequestToken":"t","RotationToken":"r"}';
const T = 1_764_000_000;

describe('webhook signatures', () => {
  it('is t=<seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">', () => {
    const expected = createHmac('sha256', SECRET).update(`${T}.${BODY}`).digest('hex');
    expect(signWebhook(SECRET, BODY, T)).toBe(`t=${T},v1=${expected}`);
    expect(signWebhook(SECRET, Buffer.from(BODY), T)).toBe(`t=${T},v1=${expected}`);
  });

  it('verifies its own signature, over strings or raw bytes', () => {
    const h = signWebhook(SECRET, BODY, T);
    expect(verifyWebhook(SECRET, BODY, h, T)).toBe(true);
    expect(verifyWebhook(SECRET, new TextEncoder().encode(BODY), h, T + 299)).toBe(true);
  });

  it('rejects a tampered body, another secret, a tampered timestamp', () => {
    const h = signWebhook(SECRET, BODY, T);
    expect(verifyWebhook(SECRET, BODY.replace('createSecret', 'finishSecret'), h, T)).toBe(false);
    expect(verifyWebhook(`${SECRET}x`, BODY, h, T)).toBe(false);
    expect(verifyWebhook(SECRET, BODY, h.replace(`t=${T}`, `t=${T + 1}`), T)).toBe(false);
  });

  it('rejects deliveries outside the tolerance (replays), either way', () => {
    const h = signWebhook(SECRET, BODY, T);
    expect(verifyWebhook(SECRET, BODY, h, T + 301)).toBe(false);
    expect(verifyWebhook(SECRET, BODY, h, T - 301)).toBe(false);
    expect(verifyWebhook(SECRET, BODY, h, T + 1000, 1000)).toBe(true);
  });

  it('accepts any matching v1 among several, and rejects malformed headers without throwing', () => {
    const good = signWebhook(SECRET, BODY, T).split(',v1=')[1] ?? '';
    expect(verifyWebhook(SECRET, BODY, `t=${T},v1=${'0'.repeat(64)},v1=${good}`, T)).toBe(true);
    for (const bad of [undefined, null, '', 'garbage', `v1=${good}`, `t=${T}`, `t=abc,v1=${good}`, `t=${T},t=${T},v1=${good}`, `t=${T},v1=${good.slice(1)}`, ['x']]) {
      expect(verifyWebhook(SECRET, BODY, bad, T)).toBe(false);
    }
    expect(verifyWebhook(SECRET, BODY, signWebhook(SECRET, BODY, T), Number.NaN)).toBe(false);
  });
});
