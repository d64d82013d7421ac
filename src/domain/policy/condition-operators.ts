/**
 * Condition operators (IAM User Guide, "IAM JSON policy elements: Condition operators"). Each base operator
 * says whether it is negated and how one request value compares with the policy's values; the set
 * qualifiers (`ForAnyValue:`/`ForAllValues:`), `…IfExists` and the missing-key rules live in evaluate-condition.ts.
 */
import { inCidr, parseIp } from './cidr.js';
import type { RequestContext, Template } from './policy-types.js';
import { expandLiteral, templateMatcher } from './policy-variables.js';
import { wildcardMatcher } from './wildcard.js';

export interface OperatorSpec {
  /** Negated operators match when the request value matches none of the policy values. */
  negated: boolean;
  /** Whether one request value matches at least one of the policy values. */
  matchesAny(value: string, policy: readonly Template[], ctx: RequestContext): boolean;
}

function literals(policy: readonly Template[], ctx: RequestContext): string[] {
  const out: string[] = [];
  for (const t of policy) {
    const v = expandLiteral(t, ctx);
    if (v !== undefined) out.push(v);
  }
  return out;
}

const stringEquals = (v: string, p: readonly Template[], ctx: RequestContext) => literals(p, ctx).includes(v);
const stringEqualsIgnoreCase = (v: string, p: readonly Template[], ctx: RequestContext) => {
  const lv = v.toLowerCase();
  return literals(p, ctx).some((x) => x.toLowerCase() === lv);
};
const stringLike = (v: string, p: readonly Template[], ctx: RequestContext) => p.some((t) => templateMatcher(t, ctx, false)?.(v) === true);

function num(s: string): number | undefined {
  if (!/^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(s)) return undefined;
  return Number(s);
}
function numeric(cmp: (a: number, b: number) => boolean) {
  return (v: string, p: readonly Template[], ctx: RequestContext) => {
    const a = num(v);
    return a !== undefined && literals(p, ctx).some((x) => {
      const b = num(x);
      return b !== undefined && cmp(a, b);
    });
  };
}

/** ISO 8601 dates, or epoch seconds (both are accepted by IAM). */
export function parseDate(s: string): number | undefined {
  if (/^\d+$/.test(s)) return Number(s) * 1000;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : t;
}
function date(cmp: (a: number, b: number) => boolean) {
  return (v: string, p: readonly Template[], ctx: RequestContext) => {
    const a = parseDate(v);
    return a !== undefined && literals(p, ctx).some((x) => {
      const b = parseDate(x);
      return b !== undefined && cmp(a, b);
    });
  };
}

/** `::ffff:10.0.0.1` (how node reports IPv4 peers on a dual-stack socket) is the IPv4 address. */
export function normalizeIp(ip: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return m?.[1] ?? ip;
}

function inCidrs(v: string, p: readonly Template[], ctx: RequestContext): boolean {
  const ip = parseIp(normalizeIp(v));
  return ip !== undefined && literals(p, ctx).some((c) => inCidr(ip, c));
}

/** ArnLike compares the six `:`-separated parts one by one, so a wildcard never spans a `:`. */
function arnParts(s: string): string[] | undefined {
  const parts = s.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(':')];
}
const arnLike = (v: string, p: readonly Template[], ctx: RequestContext) => {
  const rv = arnParts(v);
  if (!rv) return false;
  return literals(p, ctx).some((pattern) => {
    const pp = arnParts(pattern);
    return pp !== undefined && pp.every((part, i) => wildcardMatcher(part, false)(rv[i] ?? ''));
  });
};

const bool = (v: string, p: readonly Template[], ctx: RequestContext) => literals(p, ctx).some((x) => x.toLowerCase() === v.toLowerCase());

const positive = (matchesAny: OperatorSpec['matchesAny']): OperatorSpec => ({ negated: false, matchesAny });
const negative = (matchesAny: OperatorSpec['matchesAny']): OperatorSpec => ({ negated: true, matchesAny });

/** `Null` is handled apart: it looks at presence, not at values. */
export const OPERATORS: Readonly<Record<string, OperatorSpec>> = {
  StringEquals: positive(stringEquals),
  StringNotEquals: negative(stringEquals),
  StringEqualsIgnoreCase: positive(stringEqualsIgnoreCase),
  StringNotEqualsIgnoreCase: negative(stringEqualsIgnoreCase),
  StringLike: positive(stringLike),
  StringNotLike: negative(stringLike),
  NumericEquals: positive(numeric((a, b) => a === b)),
  NumericNotEquals: negative(numeric((a, b) => a === b)),
  NumericLessThan: positive(numeric((a, b) => a < b)),
  NumericLessThanEquals: positive(numeric((a, b) => a <= b)),
  NumericGreaterThan: positive(numeric((a, b) => a > b)),
  NumericGreaterThanEquals: positive(numeric((a, b) => a >= b)),
  DateEquals: positive(date((a, b) => a === b)),
  DateNotEquals: negative(date((a, b) => a === b)),
  DateLessThan: positive(date((a, b) => a < b)),
  DateLessThanEquals: positive(date((a, b) => a <= b)),
  DateGreaterThan: positive(date((a, b) => a > b)),
  DateGreaterThanEquals: positive(date((a, b) => a >= b)),
  Bool: positive(bool),
  BinaryEquals: positive(stringEquals),
  IpAddress: positive(inCidrs),
  NotIpAddress: negative(inCidrs),
  ArnEquals: positive(arnLike),
  ArnLike: positive(arnLike),
  ArnNotEquals: negative(arnLike),
  ArnNotLike: negative(arnLike),
};

export function isKnownOperator(base: string): boolean {
  return base === 'Null' || Object.hasOwn(OPERATORS, base);
}
