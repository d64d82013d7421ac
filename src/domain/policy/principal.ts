/**
 * Who a request comes from, and whether a resource policy's Principal names them (IAM User Guide, "AWS JSON
 * policy elements: Principal"): `*`; an account (`123456789012` or `arn:aws:iam::123456789012:root`) names
 * every principal of that account; a user or role ARN names that user or role, and a role ARN also names
 * every session of the role (`arn:aws:sts::<acct>:assumed-role/<role>/<session>`); a session ARN names that
 * session only; `{"Service": …}` names a service principal.
 */
import type { PrincipalSpec, RequestPrincipal } from './policy-types.js';

const ASSUMED_ROLE = /^arn:[^:]+:sts::(\d{12}):assumed-role\/([^/]+)\/(.+)$/;
const USER = /^arn:[^:]+:iam::(\d{12}):user\/(?:.*\/)?([^/]+)$/;
const ROLE = /^arn:[^:]+:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/;

export type PrincipalType = 'Account' | 'User' | 'AssumedRole' | 'Role' | 'Other';

export interface PrincipalInfo {
  type: PrincipalType;
  /** The user name, or the role session name, for `${aws:username}` (AWS sets it for IAM users only). */
  userName?: string;
  roleName?: string;
}

export function describePrincipalArn(arn: string): PrincipalInfo {
  if (/^arn:[^:]+:iam::\d{12}:root$/.test(arn)) return { type: 'Account' };
  const u = USER.exec(arn);
  if (u) return { type: 'User', userName: u[2] ?? '' };
  const s = ASSUMED_ROLE.exec(arn);
  if (s) return { type: 'AssumedRole', roleName: s[2] ?? '' };
  const r = ROLE.exec(arn);
  if (r) return { type: 'Role', roleName: r[2] ?? '' };
  return { type: 'Other' };
}

function namesRole(entry: string, p: RequestPrincipal): boolean {
  if (p.roleName === undefined) return false;
  const r = ROLE.exec(entry);
  return r !== null && r[1] === p.accountId && r[2] === p.roleName;
}

export function principalMatches(spec: PrincipalSpec, p: RequestPrincipal): boolean {
  if (spec.anyone) return true;
  if (p.service !== undefined) return spec.services.includes(p.service);
  if (spec.accounts.includes(p.accountId)) return true;
  return spec.arns.some((a) => a === p.arn || namesRole(a, p));
}
