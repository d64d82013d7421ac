/**
 * Envelope encryption with node:crypto (spec dependencies.md §6: the AWS Encryption SDK is 35–260× slower
 * and brings a message format we don't need). Every secret version gets its own random 256-bit data key
 * (DEK); the value is sealed with AES-256-GCM under the DEK, and the DEK is wrapped with AES-256-GCM under
 * a key-encryption key (here: a KMS key's material). The AAD binds the ciphertext to its secret ARN and
 * VersionId, so a blob copied onto another version does not decrypt.
 * Layout of a sealed blob: 12-byte IV | 16-byte tag | ciphertext.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const IV_LEN = 12;
const TAG_LEN = 16;

export function gcmSeal(key: Buffer, plaintext: Buffer, aad: Buffer): Buffer {
  const iv = randomBytes(IV_LEN);
  const c = createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(aad);
  const enc = Buffer.concat([c.update(plaintext), c.final()]);
  return Buffer.concat([iv, c.getAuthTag(), enc]);
}

/** Throws on a wrong key, AAD or a changed blob. */
export function gcmOpen(key: Buffer, sealed: Buffer, aad: Buffer): Buffer {
  if (sealed.length < IV_LEN + TAG_LEN) throw new Error('sealed blob too short');
  const d = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_LEN));
  d.setAAD(aad);
  d.setAuthTag(sealed.subarray(IV_LEN, IV_LEN + TAG_LEN));
  return Buffer.concat([d.update(sealed.subarray(IV_LEN + TAG_LEN)), d.final()]);
}

export interface Envelope {
  wrappedKey: Buffer;
  ciphertext: Buffer;
}

export function envelopeSeal(kek: Buffer, plaintext: Buffer, aad: Buffer): Envelope {
  const dek = randomBytes(32);
  try {
    return { wrappedKey: gcmSeal(kek, dek, aad), ciphertext: gcmSeal(dek, plaintext, aad) };
  } finally {
    dek.fill(0);
  }
}

export function envelopeOpen(kek: Buffer, env: Envelope, aad: Buffer): Buffer {
  const dek = gcmOpen(kek, env.wrappedKey, aad);
  try {
    return gcmOpen(dek, env.ciphertext, aad);
  } finally {
    dek.fill(0);
  }
}
