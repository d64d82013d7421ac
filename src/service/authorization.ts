/**
 * Authorization (docs/authorization.md, issue 5): builds the request context of a call — who, from where,
 * when, on which secret with which tags and resource policy — and asks the pure evaluator
 * (domain/policy) for a decision. A denial is AccessDeniedException in AWS's wording. Identity policies are
 * compiled once at start (auth/principals.ts); resource policies once per distinct text (bounded cache).
 */
import { err } from '../domain/errors.js';
import { compilePolicy, decide, denialMessage, normalizeIp, type CompiledPolicy } from '../domain/policy/index.js';
import type { SecretState } from '../domain/types.js';
import type { PrincipalDirectory } from '../auth/principals.js';

export interface AuthzWho {
  caller: { accountId: string; principalArn: string };
  scope: { region: string };
  sourceIp: string;
  secureTransport?: boolean;
}

export type ContextValues = Record<string, string | readonly string[] | undefined>;

export interface AuthzTarget {
  action: string;
  resource: string;
  resourceAccount: string;
  resourcePolicy?: string | undefined;
  /** Request- and resource-specific condition keys (any case); undefined values are left out. */
  context?: ContextValues;
}

const POLICY_CACHE_MAX = 1000;

export function createAuthorizationService(deps: { principals: PrincipalDirectory; clock: () => number }) {
  const { principals, clock } = deps;
  const compiled = new Map<string, CompiledPolicy | null>();

  function resourcePolicyOf(text: string | undefined): CompiledPolicy | undefined {
    if (text === undefined) return undefined;
    let p = compiled.get(text);
    if (p === undefined) {
      try {
        p = compilePolicy(text, 'resource');
      } catch {
        // Stored policies were checked by PutResourcePolicy; one that no longer compiles grants nothing.
        p = null;
      }
      if (compiled.size >= POLICY_CACHE_MAX) compiled.clear();
      compiled.set(text, p);
    }
    return p ?? undefined;
  }

  /** Condition keys describing a secret: its tags (both key families) and its rotation function. */
  function secretContext(s: SecretState): ContextValues {
    const c: ContextValues = {};
    for (const t of s.tags ?? []) {
      c[`aws:ResourceTag/${t.Key}`] = t.Value;
      c[`secretsmanager:ResourceTag/${t.Key}`] = t.Value;
    }
    c['secretsmanager:resource/AllowRotationLambdaArn'] = s.rotationLambdaArn;
    c['secretsmanager:SecretPrimaryRegion'] = s.region;
    return c;
  }

  /** Throws AccessDeniedException unless `who` may perform `target.action` on `target.resource`. */
  function check(who: AuthzWho, target: AuthzTarget): void {
    const me = principals.forCaller(who.caller);
    // Fast path, same decision as decide(): an unrestricted principal in its own account, with no resource
    // policy that could deny, is allowed without building the condition context (GetSecretValue hot path).
    if (me.identity === 'unrestricted' && target.resourcePolicy === undefined && target.resourceAccount === me.principal.accountId) return;
    const now = clock();
    const ctx = new Map<string, string | readonly string[]>();
    const put = (k: string, v: string | readonly string[] | undefined) => {
      if (v !== undefined) ctx.set(k.toLowerCase(), v);
    };
    put('aws:SourceIp', who.sourceIp === '' ? undefined : normalizeIp(who.sourceIp));
    put('aws:PrincipalArn', me.principal.arn);
    put('aws:PrincipalAccount', me.principal.accountId);
    put('aws:PrincipalType', me.info.type);
    put('aws:username', me.info.userName);
    put('aws:userid', me.info.userName ?? me.principal.arn);
    put('aws:CurrentTime', new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z'));
    put('aws:EpochTime', String(Math.floor(now / 1000)));
    put('aws:SecureTransport', who.secureTransport === undefined ? undefined : String(who.secureTransport));
    put('aws:RequestedRegion', who.scope.region);
    put('aws:ResourceAccount', target.resourceAccount);
    for (const [k, v] of Object.entries(me.tags)) put(`aws:PrincipalTag/${k}`, v);
    for (const [k, v] of Object.entries(target.context ?? {})) put(k, v);
    const resourcePolicy = resourcePolicyOf(target.resourcePolicy);
    const d = decide({
      request: { action: target.action, resource: target.resource, principal: me.principal, context: ctx },
      identity: me.identity,
      resourceAccount: target.resourceAccount,
      ...(resourcePolicy ? { resourcePolicy } : {}),
    });
    if (!d.allowed) throw err.accessDenied(denialMessage(me.principal.arn, target.action, target.resource, d.reason));
  }

  return { check, secretContext };
}

export type AuthorizationService = ReturnType<typeof createAuthorizationService>;
