/**
 * The IAM evaluation logic Rotor implements (IAM User Guide, "Policy evaluation logic", reduced to identity
 * and resource-based policies — Rotor has no SCPs, permission boundaries or session policies):
 *   1. an explicit Deny in any applicable policy ⇒ denied;
 *   2. same account: an Allow in the identity policies OR in the resource policy ⇒ allowed;
 *   3. cross-account: an Allow in the identity policies AND in the resource policy ⇒ allowed;
 *   4. otherwise implicitly denied.
 * An `unrestricted` identity (the account root, or a key declared without policies) allows every action.
 */
import { conditionHolds } from './evaluate-condition.js';
import type { AuthzRequest, CompiledPolicy, CompiledStatement, PatternList } from './policy-types.js';
import { templateMatcher } from './policy-variables.js';
import { principalMatches } from './principal.js';

export type Identity = 'unrestricted' | readonly CompiledPolicy[];

export type DenyReason = 'identity-deny' | 'resource-deny' | 'no-identity-allow' | 'no-resource-allow';

export type Decision = { allowed: true } | { allowed: false; reason: DenyReason };

function listMatches(list: PatternList, value: string, req: AuthzRequest, ignoreCase: boolean): boolean {
  let hit = list.fixed.some((m) => m(value));
  if (!hit) hit = list.templated.some((t) => templateMatcher(t, req.context, ignoreCase)?.(value) === true);
  return hit !== list.negated;
}

function applies(st: CompiledStatement, req: AuthzRequest): boolean {
  if (!listMatches(st.actions, req.action, req, true)) return false;
  if (!listMatches(st.resources, req.resource, req, false)) return false;
  if (st.principal && principalMatches(st.principal.spec, req.principal) === st.principal.negated) return false;
  // Fail closed on an unknown key or operator: an Allow never applies, a Deny always does.
  if (st.unknownCondition) return st.effect === 'Deny';
  return st.conditions.every((c) => conditionHolds(c, req.context));
}

export function evaluatePolicies(policies: readonly CompiledPolicy[], req: AuthzRequest): { allow: boolean; deny: boolean } {
  let allow = false;
  for (const p of policies) {
    for (const st of p.statements) {
      if (!applies(st, req)) continue;
      if (st.effect === 'Deny') return { allow: false, deny: true };
      allow = true;
    }
  }
  return { allow, deny: false };
}

export function decide(input: { request: AuthzRequest; identity: Identity; resourcePolicy?: CompiledPolicy; resourceAccount: string }): Decision {
  const { request, identity } = input;
  const id = identity === 'unrestricted' ? { allow: true, deny: false } : evaluatePolicies(identity, request);
  if (id.deny) return { allowed: false, reason: 'identity-deny' };
  const res = input.resourcePolicy ? evaluatePolicies([input.resourcePolicy], request) : { allow: false, deny: false };
  if (res.deny) return { allowed: false, reason: 'resource-deny' };
  const sameAccount = request.principal.accountId === input.resourceAccount;
  if (sameAccount) return id.allow || res.allow ? { allowed: true } : { allowed: false, reason: 'no-identity-allow' };
  if (!id.allow) return { allowed: false, reason: 'no-identity-allow' };
  return res.allow ? { allowed: true } : { allowed: false, reason: 'no-resource-allow' };
}

/** AWS's AccessDeniedException wording. */
export function denialMessage(principalArn: string, action: string, resource: string, reason: DenyReason): string {
  const because: Record<DenyReason, string> = {
    'identity-deny': 'with an explicit deny in an identity-based policy',
    'resource-deny': 'with an explicit deny in a resource-based policy',
    'no-identity-allow': `because no identity-based policy allows the ${action} action`,
    'no-resource-allow': `because no resource-based policy allows the ${action} action`,
  };
  return `User: ${principalArn} is not authorized to perform: ${action} on resource: ${resource} ${because[reason]}`;
}
