/**
 * The shapes of a compiled IAM policy and of one authorization request. A policy document is parsed and
 * compiled once (compile-policy.ts); evaluating it is then a walk over these structures with no JSON work.
 */
import type { Matcher } from './wildcard.js';

export type Effect = 'Allow' | 'Deny';

/** A Resource or condition value: either fixed, or holding `${…}` policy variables resolved per request. */
export type Template = { kind: 'fixed'; value: string } | { kind: 'variables'; parts: TemplatePart[] };
export type TemplatePart = { text: string } | { variable: string; fallback?: string };

export interface PatternList {
  negated: boolean;
  /** Pre-built matchers for fixed patterns; templated ones are expanded and matched per request. */
  fixed: Matcher[];
  templated: Template[];
}

export interface PrincipalSpec {
  /** `"*"` or `{"AWS": "*"}`. */
  anyone: boolean;
  /** Account ids (from a 12-digit id or an `arn:…:iam::<acct>:root`). */
  accounts: string[];
  /** User, role, assumed-role session ARNs as written. */
  arns: string[];
  services: string[];
}

export interface ConditionClause {
  /** The operator as written, e.g. `ForAnyValue:StringLikeIfExists`. */
  operator: string;
  base: string;
  set: 'single' | 'any' | 'all';
  ifExists: boolean;
  /** Lower-cased: condition key names are case-insensitive. */
  key: string;
  values: Template[];
}

export interface CompiledStatement {
  sid?: string;
  effect: Effect;
  actions: PatternList;
  resources: PatternList;
  /** Resource policies only. */
  principal?: { negated: boolean; spec: PrincipalSpec };
  conditions: ConditionClause[];
  /** A condition names a key or operator Rotor does not know: the statement fails closed. */
  unknownCondition: boolean;
}

export interface CompiledPolicy {
  /** Policy variables are substituted only under Version 2012-10-17 (IAM User Guide, "Policy variables"). */
  variables: boolean;
  statements: CompiledStatement[];
}

/** Who is asking (derived from the caller's credential and the config). */
export interface RequestPrincipal {
  arn: string;
  accountId: string;
  /** For an assumed-role session: the role's name, so `arn:…:role/<name>` grants match the session. */
  roleName?: string;
  /** A service principal (e.g. secretsmanager.amazonaws.com) instead of an IAM one. */
  service?: string;
}

/** Condition values of the request: keys lower-cased; a key with a list value is multi-valued. */
export type RequestContext = ReadonlyMap<string, string | readonly string[]>;

export interface AuthzRequest {
  action: string;
  resource: string;
  principal: RequestPrincipal;
  context: RequestContext;
}
