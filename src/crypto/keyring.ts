/**
 * Rotor's master keys: the root of the encryption hierarchy (master key → KMS-key material → per-version
 * data key). The current key wraps new material; older keys stay to unwrap what they sealed, so the master
 * key can be rotated by adding a key at the top of the file (each wrapped record names its master key id).
 *
 * Sources, in order: ROTOR_MASTER_KEY (base64 of 32 bytes, or a comma-separated list of `id:base64`, current
 * first), a key file given in the config, `<data-dir>/master.key` (created on first start, mode 0600), or —
 * in memory mode only — a fresh random key that dies with the process. Rotor's own keys never have a default.
 */
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { gcmOpen, gcmSeal } from './envelope.js';

export interface MasterKey {
  id: string;
  key: Buffer;
}

export class MasterKeyring {
  readonly current: MasterKey;
  private readonly byId: Map<string, MasterKey>;
  constructor(keys: readonly MasterKey[]) {
    const first = keys[0];
    if (!first) throw new Error('at least one master key is required');
    for (const k of keys) if (k.key.length !== 32) throw new Error(`master key ${k.id} must be 32 bytes`);
    this.current = first;
    this.byId = new Map(keys.map((k) => [k.id, k]));
  }
  seal(plaintext: Buffer, aad: string): { masterKeyId: string; sealed: Buffer } {
    return { masterKeyId: this.current.id, sealed: gcmSeal(this.current.key, plaintext, Buffer.from(aad)) };
  }
  open(masterKeyId: string, sealed: Buffer, aad: string): Buffer {
    const k = this.byId.get(masterKeyId);
    if (!k) throw new Error(`unknown master key id ${masterKeyId}`);
    return gcmOpen(k.key, sealed, Buffer.from(aad));
  }
}

function keyIdOf(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

/** Parses `base64` or `id:base64[,id:base64…]`. */
export function parseMasterKeys(text: string): MasterKey[] {
  const out: MasterKey[] = [];
  for (const part of text.split(/[,\n]/).map((p) => p.trim()).filter((p) => p !== '' && !p.startsWith('#'))) {
    const i = part.indexOf(':');
    const b64 = i >= 0 ? part.slice(i + 1) : part;
    const key = Buffer.from(b64, 'base64');
    if (key.length !== 32) throw new Error('a master key must be 32 bytes, base64-encoded');
    out.push({ id: i >= 0 ? part.slice(0, i) : keyIdOf(key), key });
  }
  if (out.length === 0) throw new Error('no master key found');
  return out;
}

export function loadMasterKeyring(opts: { envValue?: string; keyFile?: string; dataDir?: string }): {
  keyring: MasterKeyring;
  created?: string;
} {
  if (opts.envValue !== undefined && opts.envValue !== '') return { keyring: new MasterKeyring(parseMasterKeys(opts.envValue)) };
  const file = opts.keyFile ?? (opts.dataDir !== undefined ? `${opts.dataDir}/master.key` : undefined);
  if (file === undefined) {
    const key = randomBytes(32);
    return { keyring: new MasterKeyring([{ id: keyIdOf(key), key }]) };
  }
  if (existsSync(file)) return { keyring: new MasterKeyring(parseMasterKeys(readFileSync(file, 'utf8'))) };
  const key = randomBytes(32);
  const id = keyIdOf(key);
  writeFileSync(file, `${id}:${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return { keyring: new MasterKeyring([{ id, key }]), created: file };
}
