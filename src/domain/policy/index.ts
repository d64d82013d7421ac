/** The IAM policy evaluator (pure): compile documents once, then decide requests against them. */
export { compilePolicy, PolicyCompileError, type PolicyKind } from './compile-policy.js';
export { decide, denialMessage, evaluatePolicies, type Decision, type DenyReason, type Identity } from './evaluate.js';
export { describePrincipalArn, principalMatches, type PrincipalInfo } from './principal.js';
export { normalizeIp } from './condition-operators.js';
export { isKnownConditionKey } from './condition-keys.js';
export type { AuthzRequest, CompiledPolicy, RequestContext, RequestPrincipal } from './policy-types.js';
