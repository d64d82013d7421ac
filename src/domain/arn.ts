/**
 * Secret ARNs and SecretId resolution (spec §3). Pure: the random suffix source is passed in.
 */
import type { Scope } from './types.js';

const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** 6 characters from [A-Za-z0-9] (spec §3.1), drawn with the injected uniform integer source. */
export function randomSuffix(randomInt: (n: number) => number): string {
  let s = '';
  for (let i = 0; i < 6; i++) s += SUFFIX_ALPHABET[randomInt(SUFFIX_ALPHABET.length)];
  return s;
}

export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

export function secretArn(scope: Scope, name: string, suffix: string): string {
  return `arn:${partitionOf(scope.region)}:secretsmanager:${scope.region}:${scope.accountId}:secret:${name}-${suffix}`;
}

export type SecretRef =
  /** A friendly name: exact, case-sensitive match on Name. */
  | { kind: 'name'; name: string }
  /** Looks like a full ARN (ends in -XXXXXX): exact ARN match only, no name fallback (the documented pitfall). */
  | { kind: 'arn'; arn: string }
  /** A partial ARN: the resource part is treated as a name. */
  | { kind: 'partial'; name: string }
  /** A secret ARN of this Region in another account: access denied, whether or not it exists (spec C9). */
  | { kind: 'other-account'; arn: string }
  /** An ARN of another service, type or region: never found. */
  | { kind: 'foreign' };

const ARN_RE = /^arn:([^:]*):([^:]*):([^:]*):([^:]*):([^:]*):(.*)$/s;
const FULL_SUFFIX_RE = /^(.+)-[A-Za-z0-9]{6}$/s;

/**
 * Classifies a SecretId (spec §3.3). A resource part that ends in '-' + 6 alphanumerics is taken as a full
 * ARN and is not retried as a name, as AWS does (troubleshoot.html#ARN_secretnamehyphen).
 */
export function parseSecretId(secretId: string, scope: Scope): SecretRef {
  if (!secretId.startsWith('arn:')) return { kind: 'name', name: secretId };
  const m = ARN_RE.exec(secretId);
  if (!m) return { kind: 'foreign' };
  const [, , service, region, account, type, rest] = m;
  if (service !== 'secretsmanager' || type !== 'secret' || rest === undefined || rest === '') return { kind: 'foreign' };
  if (region !== scope.region) return { kind: 'foreign' };
  if (account !== scope.accountId) return { kind: 'other-account', arn: secretId };
  if (FULL_SUFFIX_RE.test(rest)) return { kind: 'arn', arn: secretId };
  return { kind: 'partial', name: rest };
}

/**
 * Name rules of spec §3.2. A SecretId may also carry '!' (the service's own message lists it, for managed
 * names such as `rds!db-…`); a name given to CreateSecret may not, since '!' is reserved for those.
 */
const NAME_RE = /^[A-Za-z0-9/_+=.@-]+$/;
const ID_NAME_RE = /^[A-Za-z0-9/_+=.@!-]+$/;
export function isValidSecretName(name: string, opts: { forLookup?: boolean } = {}): boolean {
  const re = opts.forLookup === true ? ID_NAME_RE : NAME_RE;
  return name.length >= 1 && name.length <= 512 && re.test(name);
}
