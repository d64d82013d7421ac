/**
 * Access keys: the bootstrap admin, keys declared in the config, and (later) temporary keys of function
 * roles. Secret access keys are stored sealed by the master keyring, never in plaintext; the verifier reads
 * them from an in-memory cache filled from the store on first use (so keys added by another node work).
 */
import { randomBytes, randomInt } from 'node:crypto';
import type { MasterKeyring } from '../crypto/keyring.js';
import type { CredentialRecord, Store } from '../store/store.js';
import type { Credential } from './sigv4.js';

export interface DeclaredKey {
  accessKeyId: string;
  secretAccessKey: string;
  accountId: string;
  /** Defaults to the account root, arn:aws:iam::<account>:root. */
  principalArn?: string;
  /**
   * Identity policy documents attached to the principal (docs/authorization.md). Absent ⇒ the principal is
   * unrestricted in its own account, as the account root is; `[]` ⇒ it may do nothing.
   */
  policies?: unknown[];
  /** Principal tags, for `aws:PrincipalTag/<key>` conditions and `${aws:PrincipalTag/<key>}` variables. */
  tags?: Record<string, string>;
}

const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function newAccessKeyId(prefix = 'AKIA'): string {
  let s = prefix;
  for (let i = 0; i < 16; i++) s += KEY_ALPHABET[randomInt(KEY_ALPHABET.length)];
  return s;
}

export function newSecretAccessKey(): string {
  return randomBytes(30).toString('base64').replace(/[^A-Za-z0-9]/g, 'x').slice(0, 40);
}

export function rootArn(accountId: string): string {
  return `arn:aws:iam::${accountId}:root`;
}

export function createCredentialService(deps: { store: Store; keyring: MasterKeyring; clock: () => number }) {
  const { store, keyring, clock } = deps;
  const cache = new Map<string, Credential | null>();
  const aad = (id: string) => `rotor-access-key:${id}`;

  function toCredential(r: CredentialRecord): Credential {
    const c: Credential = {
      secretAccessKey: keyring.open(r.masterKeyId, r.sealedSecret, aad(r.accessKeyId)).toString('utf8'),
      accountId: r.accountId,
      principalArn: r.principalArn,
    };
    if (r.sessionToken !== undefined) c.sessionToken = r.sessionToken;
    if (r.expiresAt !== undefined) c.expiresAt = r.expiresAt;
    return c;
  }

  async function put(k: DeclaredKey & { sessionToken?: string; expiresAt?: number }): Promise<void> {
    const sealed = keyring.seal(Buffer.from(k.secretAccessKey, 'utf8'), aad(k.accessKeyId));
    const rec: CredentialRecord = {
      accessKeyId: k.accessKeyId,
      accountId: k.accountId,
      principalArn: k.principalArn ?? rootArn(k.accountId),
      sealedSecret: sealed.sealed,
      masterKeyId: sealed.masterKeyId,
      createdAt: clock(),
    };
    if (k.sessionToken !== undefined) rec.sessionToken = k.sessionToken;
    if (k.expiresAt !== undefined) rec.expiresAt = k.expiresAt;
    await store.putCredential(rec);
    cache.delete(k.accessKeyId);
  }

  /** Loads a key into the cache (negative results are cached briefly by the caller's retry behaviour). */
  async function prefetch(accessKeyId: string): Promise<void> {
    if (cache.get(accessKeyId)) return;
    const r = await store.getCredential(accessKeyId);
    if (r) cache.set(accessKeyId, toCredential(r));
  }

  function lookup(accessKeyId: string): Credential | undefined {
    return cache.get(accessKeyId) ?? undefined;
  }

  /**
   * The bootstrap admin: from ROTOR_ADMIN_ACCESS_KEY_ID / ROTOR_ADMIN_SECRET_ACCESS_KEY when set, else the
   * one generated on first start (returned once, with `created: true`, so the caller can print it).
   */
  async function bootstrapAdmin(opts: {
    accountId: string;
    envKeyId?: string;
    envSecret?: string;
  }): Promise<{ accessKeyId: string; secretAccessKey?: string; created: boolean }> {
    if (opts.envKeyId !== undefined && opts.envKeyId !== '' && opts.envSecret !== undefined && opts.envSecret !== '') {
      await put({ accessKeyId: opts.envKeyId, secretAccessKey: opts.envSecret, accountId: opts.accountId });
      await store.initMeta('admin-access-key-id', opts.envKeyId);
      return { accessKeyId: opts.envKeyId, created: false };
    }
    const existing = await store.getMeta('admin-access-key-id');
    if (existing !== undefined && (await store.getCredential(existing))) return { accessKeyId: existing, created: false };
    const accessKeyId = newAccessKeyId();
    const secretAccessKey = newSecretAccessKey();
    await put({ accessKeyId, secretAccessKey, accountId: opts.accountId });
    const winner = await store.initMeta('admin-access-key-id', accessKeyId);
    if (winner !== accessKeyId) return { accessKeyId: winner, created: false };
    return { accessKeyId, secretAccessKey, created: true };
  }

  return { put, prefetch, lookup, bootstrapAdmin };
}

export type CredentialService = ReturnType<typeof createCredentialService>;
