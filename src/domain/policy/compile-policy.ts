/**
 * Parses and compiles an IAM policy document once, so a request only walks prepared structures (issue 5:
 * "policies compiled once, not parsed per request"). Identity policies must not name a Principal; resource
 * policies must. A missing Resource/NotResource is read as `"Resource": "*"` (Secrets Manager resource
 * policies apply to their own secret anyway).
 */
import { isKnownConditionKey } from './condition-keys.js';
import { isKnownOperator } from './condition-operators.js';
import type { CompiledPolicy, CompiledStatement, ConditionClause, PatternList, PrincipalSpec, Template } from './policy-types.js';
import { parseTemplate } from './policy-variables.js';
import { wildcardMatcher } from './wildcard.js';

export class PolicyCompileError extends Error {}

export type PolicyKind = 'identity' | 'resource';

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function strings(v: unknown, what: string): string[] {
  const list = Array.isArray(v) ? v : [v];
  if (list.length === 0) throw new PolicyCompileError(`${what} must not be empty`);
  return list.map((x) => {
    if (typeof x !== 'string') throw new PolicyCompileError(`${what} must hold strings`);
    return x;
  });
}

function patterns(st: Json, key: string, notKey: string, ignoreCase: boolean, variables: boolean, required: boolean): PatternList {
  const has = st[key] !== undefined;
  const hasNot = st[notKey] !== undefined;
  if (has && hasNot) throw new PolicyCompileError(`a statement may not have both ${key} and ${notKey}`);
  if (!has && !hasNot) {
    if (required) throw new PolicyCompileError(`a statement needs ${key} or ${notKey}`);
    return { negated: false, fixed: [() => true], templated: [] };
  }
  const list = strings(has ? st[key] : st[notKey], has ? key : notKey);
  const out: PatternList = { negated: hasNot, fixed: [], templated: [] };
  for (const p of list) {
    const t = parseTemplate(p, variables);
    if (t.kind === 'fixed') out.fixed.push(wildcardMatcher(p, ignoreCase));
    else out.templated.push(t);
  }
  return out;
}

const ACCOUNT = /^\d{12}$/;
const ROOT = /^arn:[^:]+:iam::(\d{12}):root$/;

function principalSpec(v: unknown): PrincipalSpec {
  const spec: PrincipalSpec = { anyone: false, accounts: [], arns: [], services: [] };
  if (v === '*') return { ...spec, anyone: true };
  if (!isObj(v)) throw new PolicyCompileError('Principal must be "*" or an object');
  for (const [type, value] of Object.entries(v)) {
    const list = strings(value, `Principal.${type}`);
    if (type === 'AWS') {
      for (const p of list) {
        if (p === '*') spec.anyone = true;
        else if (ACCOUNT.test(p)) spec.accounts.push(p);
        else if (ROOT.test(p)) spec.accounts.push(ROOT.exec(p)?.[1] ?? '');
        else if (p.startsWith('arn:')) spec.arns.push(p);
        else throw new PolicyCompileError(`invalid principal ${p}`);
      }
    } else if (type === 'Service') spec.services.push(...list);
    else if (type === 'Federated' || type === 'CanonicalUser') {
      // Not principals Rotor can have: kept as never-matching entries rather than rejected.
      spec.arns.push(...list.map((x) => `${type}:${x}`));
    } else throw new PolicyCompileError(`unknown principal type ${type}`);
  }
  return spec;
}

const QUALIFIER = /^(ForAnyValue:|ForAllValues:)?(.+?)(IfExists)?$/;

function conditions(v: unknown, variables: boolean): { clauses: ConditionClause[]; unknown: boolean } {
  if (v === undefined) return { clauses: [], unknown: false };
  if (!isObj(v)) throw new PolicyCompileError('Condition must be an object');
  const clauses: ConditionClause[] = [];
  let unknown = false;
  for (const [operator, block] of Object.entries(v)) {
    if (!isObj(block)) throw new PolicyCompileError(`Condition ${operator} must be an object`);
    const m = QUALIFIER.exec(operator);
    const base = m?.[2] ?? operator;
    const ifExists = m?.[3] !== undefined && base !== 'Null';
    if (!isKnownOperator(base)) unknown = true;
    for (const [key, raw] of Object.entries(block)) {
      if (!isKnownConditionKey(key)) unknown = true;
      const list = Array.isArray(raw) ? raw : [raw];
      const values: Template[] = list.map((x) => {
        if (typeof x === 'string') return parseTemplate(x, variables);
        if (typeof x === 'number' || typeof x === 'boolean') return { kind: 'fixed', value: String(x) };
        throw new PolicyCompileError(`Condition ${operator} ${key}: values must be strings, numbers or booleans`);
      });
      clauses.push({
        operator,
        base,
        set: m?.[1] === 'ForAnyValue:' ? 'any' : m?.[1] === 'ForAllValues:' ? 'all' : 'single',
        ifExists,
        key: key.toLowerCase(),
        values,
      });
    }
  }
  return { clauses, unknown };
}

function statement(st: unknown, kind: PolicyKind, variables: boolean, index: number): CompiledStatement {
  const where = `Statement ${index + 1}`;
  try {
    if (!isObj(st)) throw new PolicyCompileError('must be an object');
    if (st.Effect !== 'Allow' && st.Effect !== 'Deny') throw new PolicyCompileError('Effect must be "Allow" or "Deny"');
    const hasPrincipal = st.Principal !== undefined || st.NotPrincipal !== undefined;
    if (kind === 'identity' && hasPrincipal) throw new PolicyCompileError('an identity policy may not name a Principal');
    if (kind === 'resource' && !hasPrincipal) throw new PolicyCompileError('a resource policy statement needs a Principal');
    if (st.Principal !== undefined && st.NotPrincipal !== undefined) throw new PolicyCompileError('a statement may not have both Principal and NotPrincipal');
    const cond = conditions(st.Condition, variables);
    const out: CompiledStatement = {
      effect: st.Effect,
      actions: patterns(st, 'Action', 'NotAction', true, false, true),
      resources: patterns(st, 'Resource', 'NotResource', false, variables, false),
      conditions: cond.clauses,
      unknownCondition: cond.unknown,
    };
    if (typeof st.Sid === 'string') out.sid = st.Sid;
    if (hasPrincipal) {
      out.principal = st.Principal !== undefined ? { negated: false, spec: principalSpec(st.Principal) } : { negated: true, spec: principalSpec(st.NotPrincipal) };
    }
    return out;
  } catch (e) {
    if (e instanceof PolicyCompileError) throw new PolicyCompileError(`${where}: ${e.message}`);
    throw e;
  }
}

/** Compiles a policy document given as JSON text or as an already parsed object. */
export function compilePolicy(doc: unknown, kind: PolicyKind): CompiledPolicy {
  let v = doc;
  if (typeof doc === 'string') {
    try {
      v = JSON.parse(doc);
    } catch {
      throw new PolicyCompileError('the policy document is not valid JSON');
    }
  }
  if (!isObj(v)) throw new PolicyCompileError('the policy document must be a JSON object');
  if (v.Version !== undefined && v.Version !== '2012-10-17' && v.Version !== '2008-10-17') {
    throw new PolicyCompileError(`unsupported Version ${String(v.Version)}`);
  }
  const list = Array.isArray(v.Statement) ? v.Statement : v.Statement === undefined ? [] : [v.Statement];
  if (list.length === 0) throw new PolicyCompileError('the policy document needs at least one Statement');
  const variables = v.Version === '2012-10-17';
  return { variables, statements: list.map((st, i) => statement(st, kind, variables, i)) };
}
