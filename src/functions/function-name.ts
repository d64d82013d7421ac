/**
 * Function names and ARNs. A FunctionName parameter may be a name, a partial ARN (`<account>:function:<name>`)
 * or a full ARN (`arn:aws:lambda:<region>:<account>:function:<name>`), each optionally followed by
 * `:<qualifier>` (Lambda API reference, FunctionName). Rotor keeps only `$LATEST`.
 */
import type { Scope } from '../domain/types.js';
import { lambdaErr } from './lambda-errors.js';

/** CreateFunction's constraint (Lambda API reference): 1–64 of letters, digits, hyphens, underscores. */
export const FUNCTION_NAME_RE = /^[a-zA-Z0-9-_]{1,64}$/;

export interface FunctionRef {
  name: string;
  region?: string;
  accountId?: string;
  qualifier?: string;
}

const FULL_ARN_RE = /^arn:(aws[a-zA-Z-]*):lambda:([a-z]{2}(?:-gov)?-[a-z]+-\d):(\d{12}):function:([a-zA-Z0-9-_]{1,64})(?::([a-zA-Z0-9-_$]+))?$/;
const PARTIAL_ARN_RE = /^(\d{12}):function:([a-zA-Z0-9-_]{1,64})(?::([a-zA-Z0-9-_$]+))?$/;
const NAME_RE = /^([a-zA-Z0-9-_]{1,64})(?::([a-zA-Z0-9-_$]+))?$/;

/** Parses a FunctionName parameter; undefined when it matches none of the accepted forms. */
export function parseFunctionRef(text: string): FunctionRef | undefined {
  if (text.length === 0 || text.length > 170) return undefined;
  let m = FULL_ARN_RE.exec(text);
  if (m) return withQualifier({ name: m[4] ?? '', region: m[2] ?? '', accountId: m[3] ?? '' }, m[5]);
  m = PARTIAL_ARN_RE.exec(text);
  if (m) return withQualifier({ name: m[2] ?? '', accountId: m[1] ?? '' }, m[3]);
  m = NAME_RE.exec(text);
  if (m) return withQualifier({ name: m[1] ?? '' }, m[2]);
  return undefined;
}

function withQualifier(ref: FunctionRef, qualifier: string | undefined): FunctionRef {
  if (qualifier !== undefined) ref.qualifier = qualifier;
  return ref;
}

export function functionArn(scope: Scope, name: string): string {
  return `arn:aws:lambda:${scope.region}:${scope.accountId}:function:${name}`;
}

/**
 * Resolves a FunctionName parameter against the caller's scope: the name, or a Lambda error the way Lambda
 * words it. Only `$LATEST` exists, so any other qualifier names a version that is not there.
 */
export function resolveFunctionName(scope: Scope, text: string, queryQualifier?: string): string {
  const ref = parseFunctionRef(text);
  if (!ref) {
    throw lambdaErr.invalidParameter(
      `1 validation error detected: Value '${text.slice(0, 200)}' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?`,
    );
  }
  if (ref.region !== undefined && ref.region !== scope.region) {
    throw lambdaErr.invalidParameter(
      `Functions from '${ref.region}' are not reachable in this region ('${scope.region}')`,
    );
  }
  const arn = functionArn(scope, ref.name);
  if (ref.accountId !== undefined && ref.accountId !== scope.accountId) {
    throw lambdaErr.functionNotFound(functionArn({ accountId: ref.accountId, region: scope.region }, ref.name));
  }
  for (const q of [ref.qualifier, queryQualifier]) {
    if (q !== undefined && q !== '' && q !== '$LATEST') throw lambdaErr.functionNotFound(`${arn}:${q}`);
  }
  return ref.name;
}
