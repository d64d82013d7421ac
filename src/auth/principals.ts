/**
 * The principals declared in the config and their identity policies, compiled once at start
 * (docs/authorization.md). A caller is found by its principal ARN: users and accounts by the ARN of their
 * access keys, function role sessions (`arn:aws:sts::<acct>:assumed-role/<role>/<fn>`) by their role.
 * Anything not declared with `policies` — the bootstrap admin, keys declared without policies, roles not
 * listed — is unrestricted in its own account, as every caller was before policies existed.
 */
import type { DeclaredKey } from './credentials.js';
import type { DeclaredRole } from '../config.js';
import { compilePolicy, describePrincipalArn, type CompiledPolicy, type Identity, type PrincipalInfo, type RequestPrincipal } from '../domain/policy/index.js';

export interface CallerAuthz {
  principal: RequestPrincipal;
  info: PrincipalInfo;
  identity: Identity;
  tags: Readonly<Record<string, string>>;
}

interface Entry {
  policies?: CompiledPolicy[];
  tags: Record<string, string>;
}

function merge(into: Map<string, Entry>, key: string, policies: unknown[] | undefined, tags: Record<string, string> | undefined): void {
  const e = into.get(key) ?? { tags: {} };
  if (policies !== undefined) e.policies = [...(e.policies ?? []), ...policies.map((p) => compilePolicy(p, 'identity'))];
  Object.assign(e.tags, tags ?? {});
  into.set(key, e);
}

function roleKey(accountId: string, roleName: string): string {
  return `${accountId}/${roleName}`;
}

export function createPrincipalDirectory(cfg: { credentials: readonly DeclaredKey[]; roles: readonly DeclaredRole[] }) {
  const byArn = new Map<string, Entry>();
  const byRole = new Map<string, Entry>();
  // Several keys of one principal share its policies (their union) and tags.
  for (const k of cfg.credentials) merge(byArn, k.principalArn ?? `arn:aws:iam::${k.accountId}:root`, k.policies, k.tags);
  for (const r of cfg.roles) {
    const info = describePrincipalArn(r.arn);
    const account = r.arn.split(':')[4] ?? '';
    merge(byRole, roleKey(account, info.roleName ?? ''), r.policies, r.tags);
    // A role used directly by its ARN (not only through sessions).
    merge(byArn, r.arn, r.policies, r.tags);
  }
  const cache = new Map<string, CallerAuthz>();

  function forCaller(caller: { principalArn: string; accountId: string }): CallerAuthz {
    const hit = cache.get(caller.principalArn);
    if (hit && hit.principal.accountId === caller.accountId) return hit;
    const info = describePrincipalArn(caller.principalArn);
    const entry = info.type === 'AssumedRole' ? byRole.get(roleKey(caller.accountId, info.roleName ?? '')) : byArn.get(caller.principalArn);
    const principal: RequestPrincipal = { arn: caller.principalArn, accountId: caller.accountId };
    if (info.roleName !== undefined) principal.roleName = info.roleName;
    const out: CallerAuthz = { principal, info, identity: entry?.policies ?? 'unrestricted', tags: entry?.tags ?? {} };
    if (cache.size > 10_000) cache.clear();
    cache.set(caller.principalArn, out);
    return out;
  }

  return { forCaller };
}

export type PrincipalDirectory = ReturnType<typeof createPrincipalDirectory>;
