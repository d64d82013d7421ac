/**
 * KMS-like keys. Each account and Region has the AWS-managed key `alias/aws/secretsmanager` (created on
 * first use) and any keys declared in the config. A key's 256-bit material is stored sealed by the master
 * keyring; it wraps the per-version data keys. `KmsKeyId` may be a key id, a key ARN, an alias name
 * (`alias/…`) or an alias ARN, as in AWS.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { err } from '../domain/errors.js';
import { partitionOf } from '../domain/arn.js';
import type { Scope, SealedValue, SecretValue } from '../domain/types.js';
import { envelopeOpen, envelopeSeal } from '../crypto/envelope.js';
import type { MasterKeyring } from '../crypto/keyring.js';
import type { KmsKeyRecord, Store } from '../store/store.js';

export const DEFAULT_KEY_ALIAS = 'alias/aws/secretsmanager';
/** What ListSecretVersionIds reports for the AWS-managed key (spec §2.2). */
export const DEFAULT_KEY_LABEL = 'DefaultEncryptionKey';

export interface ResolvedKey {
  arn: string;
  isDefault: boolean;
}

export interface KmsKeySpec {
  accountId: string;
  region: string;
  keyId?: string;
  aliases?: string[];
}

export function createKms(deps: { store: Store; keyring: MasterKeyring }) {
  const { store, keyring } = deps;
  /** Unwrapped key material by key ARN. Small: a handful of keys per account and Region. */
  const materials = new Map<string, Buffer>();

  function aad(k: Pick<KmsKeyRecord, 'arn'>): string {
    return `rotor-kms-key:${k.arn}`;
  }

  async function createKey(spec: KmsKeySpec, now: number): Promise<KmsKeyRecord | undefined> {
    const keyId = spec.keyId ?? randomUUID();
    const arn = `arn:${partitionOf(spec.region)}:kms:${spec.region}:${spec.accountId}:key/${keyId}`;
    const material = randomBytes(32);
    const sealed = keyring.seal(material, aad({ arn }));
    const rec: KmsKeyRecord = {
      accountId: spec.accountId,
      region: spec.region,
      keyId,
      arn,
      aliases: spec.aliases ?? [],
      sealedMaterial: sealed.sealed,
      masterKeyId: sealed.masterKeyId,
      createdAt: now,
    };
    const ok = await store.insertKmsKey(rec);
    material.fill(0);
    return ok ? rec : undefined;
  }

  async function findKey(scope: Scope, kmsKeyId: string): Promise<KmsKeyRecord | undefined> {
    const keys = await store.getKmsKeys(scope);
    let ref = kmsKeyId;
    const arnMatch = /^arn:[^:]+:kms:([^:]*):([^:]*):(key|alias)\/(.+)$/.exec(kmsKeyId);
    if (arnMatch) {
      const [, region, account, kind, rest] = arnMatch;
      if (region !== scope.region || account !== scope.accountId) return undefined;
      ref = kind === 'alias' ? `alias/${rest}` : (rest ?? '');
    }
    if (ref.startsWith('alias/')) return keys.find((k) => k.aliases.includes(ref));
    return keys.find((k) => k.keyId === ref);
  }

  /** Resolves a KmsKeyId (absent ⇒ the managed default, created on first use). Unknown ⇒ AWS-style error. */
  async function resolve(scope: Scope, kmsKeyId: string | undefined, now: number): Promise<ResolvedKey> {
    if (kmsKeyId === undefined || kmsKeyId === '' || kmsKeyId === DEFAULT_KEY_ALIAS) {
      let k = await findKey(scope, DEFAULT_KEY_ALIAS);
      if (!k) {
        await createKey({ ...scope, aliases: [DEFAULT_KEY_ALIAS] }, now);
        k = await findKey(scope, DEFAULT_KEY_ALIAS);
      }
      if (!k) throw err.internal('The default encryption key could not be created.');
      return { arn: k.arn, isDefault: true };
    }
    const k = await findKey(scope, kmsKeyId);
    if (!k) {
      // AWS answers an unknown customer key from KMS's NotFoundException, surfaced as ResourceNotFoundException.
      throw err.notFound(`Secrets Manager can't find the specified KMS key: ${kmsKeyId}`);
    }
    return { arn: k.arn, isDefault: k.aliases.includes(DEFAULT_KEY_ALIAS) };
  }

  async function material(keyArn: string): Promise<Buffer> {
    const cached = materials.get(keyArn);
    if (cached) return cached;
    const m = /^arn:[^:]+:kms:([^:]*):([^:]*):key\/(.+)$/.exec(keyArn);
    if (!m) throw err.decryption(`The key ${keyArn} is not a KMS key ARN.`);
    const keys = await store.getKmsKeys({ region: m[1] ?? '', accountId: m[2] ?? '' });
    const rec = keys.find((k) => k.arn === keyArn);
    if (!rec) throw err.decryption(`Secrets Manager can't decrypt the secret value: the KMS key ${keyArn} is not available.`);
    const mat = keyring.open(rec.masterKeyId, rec.sealedMaterial, aad(rec));
    materials.set(keyArn, mat);
    return mat;
  }

  function valueAad(secretArn: string, versionId: string): Buffer {
    return Buffer.from(`rotor-secret-value:${secretArn}:${versionId}`);
  }

  async function seal(keyArn: string, secretArn: string, versionId: string, value: SecretValue): Promise<SealedValue> {
    const kek = await material(keyArn);
    // One byte of kind ('s'tring / 'b'inary) in front of the plaintext.
    const plain = Buffer.concat([Buffer.from(value.kind === 'string' ? 's' : 'b'), value.kind === 'string' ? Buffer.from(value.value, 'utf8') : value.value]);
    const env = envelopeSeal(kek, plain, valueAad(secretArn, versionId));
    plain.fill(0);
    return { keyArn, masterKeyId: keyring.current.id, wrappedKey: env.wrappedKey, ciphertext: env.ciphertext };
  }

  async function open(sealed: SealedValue, secretArn: string, versionId: string): Promise<SecretValue> {
    const kek = await material(sealed.keyArn);
    let plain: Buffer;
    try {
      plain = envelopeOpen(kek, { wrappedKey: sealed.wrappedKey, ciphertext: sealed.ciphertext }, valueAad(secretArn, versionId));
    } catch {
      throw err.decryption("Secrets Manager can't decrypt the protected secret text using the provided KMS key.");
    }
    const kind = plain[0];
    const body = plain.subarray(1);
    if (kind === 0x73) return { kind: 'string', value: body.toString('utf8') };
    return { kind: 'binary', value: Buffer.from(body) };
  }

  /** Creates the keys declared in the config, if missing (idempotent across restarts and nodes). */
  async function ensureKeys(specs: readonly KmsKeySpec[], now: number): Promise<void> {
    for (const spec of specs) {
      const scope = { accountId: spec.accountId, region: spec.region };
      const existing = spec.keyId !== undefined ? await findKey(scope, spec.keyId) : undefined;
      if (existing) continue;
      const byAlias = spec.aliases?.[0] !== undefined ? await findKey(scope, spec.aliases[0]) : undefined;
      if (byAlias) continue;
      await createKey(spec, now);
    }
  }

  return { resolve, seal, open, ensureKeys, findKey };
}

export type Kms = ReturnType<typeof createKms>;
