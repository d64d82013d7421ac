/**
 * One condition clause against the request (IAM User Guide, "Condition operators" and "Multivalued context
 * keys"): a missing key fails positive operators and satisfies negated ones; `…IfExists` makes a missing key
 * pass; `ForAnyValue:` needs one request value to pass (false when the key is missing or empty),
 * `ForAllValues:` needs every one to (true when missing or empty); `Null` tests presence only.
 */
import { OPERATORS } from './condition-operators.js';
import type { ConditionClause, RequestContext } from './policy-types.js';
import { expandLiteral } from './policy-variables.js';

export function conditionHolds(c: ConditionClause, ctx: RequestContext): boolean {
  const raw = ctx.get(c.key);
  const values: readonly string[] = raw === undefined ? [] : typeof raw === 'string' ? [raw] : raw;
  const present = values.length > 0;
  if (c.base === 'Null') {
    return c.values.some((t) => (expandLiteral(t, ctx) ?? '').toLowerCase() === (present ? 'false' : 'true'));
  }
  const op = OPERATORS[c.base];
  if (!op) return false;
  if (!present) {
    if (c.ifExists || c.set === 'all') return true;
    if (c.set === 'any') return false;
    return op.negated;
  }
  const passes = (v: string) => op.matchesAny(v, c.values, ctx) !== op.negated;
  if (c.set === 'all') return values.every(passes);
  if (c.set === 'any') return values.some(passes);
  // A plain operator on a multi-valued key: positive ⇒ some value matches; negated ⇒ no value matches.
  return op.negated ? values.every(passes) : values.some(passes);
}
