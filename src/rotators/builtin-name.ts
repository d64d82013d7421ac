/**
 * The naming scheme of the built-in rotators (docs/built-in-rotators.md): a RotationLambdaARN
 * `arn:aws:lambda:<region>:<account>:function:rotor-builtin-<name>` (or the partial ARN / bare name forms
 * Lambda accepts) names the built-in rotator `<name>`. The `rotor-builtin-` prefix is reserved: a name with
 * it never reaches the Lambda-compatible registry.
 */
import type { Scope } from '../domain/types.js';
import { functionArn, parseFunctionRef } from '../functions/function-name.js';

export const BUILTIN_PREFIX = 'rotor-builtin-';

export type BuiltinName =
  | 'random-value'
  | 'postgresql-single-user'
  | 'postgresql-alternating-users'
  | 'mysql-single-user'
  | 'mysql-alternating-users'
  | 'redis-single-user';

export const BUILTIN_NAMES: readonly BuiltinName[] = [
  'mysql-alternating-users',
  'mysql-single-user',
  'postgresql-alternating-users',
  'postgresql-single-user',
  'random-value',
  'redis-single-user',
];

export type BuiltinRef =
  /** Not a built-in name: the registry handles it. */
  | { kind: 'other' }
  /** A `rotor-builtin-` name that is unknown, or qualified, or in another account or Region. */
  | { kind: 'invalid'; functionName: string }
  | { kind: 'builtin'; name: BuiltinName; functionName: string };

function isBuiltinName(s: string): s is BuiltinName {
  return (BUILTIN_NAMES as readonly string[]).includes(s);
}

/** Classifies a RotationLambdaARN (or FunctionName) against the caller's scope. */
export function parseBuiltinRef(scope: Scope, arnOrName: string): BuiltinRef {
  const ref = parseFunctionRef(arnOrName);
  if (!ref || !ref.name.startsWith(BUILTIN_PREFIX)) return { kind: 'other' };
  const functionName = ref.name;
  if (ref.region !== undefined && ref.region !== scope.region) return { kind: 'invalid', functionName };
  if (ref.accountId !== undefined && ref.accountId !== scope.accountId) return { kind: 'invalid', functionName };
  if (ref.qualifier !== undefined && ref.qualifier !== '$LATEST') return { kind: 'invalid', functionName };
  const name = functionName.slice(BUILTIN_PREFIX.length);
  return isBuiltinName(name) ? { kind: 'builtin', name, functionName } : { kind: 'invalid', functionName };
}

export function builtinArn(scope: Scope, name: BuiltinName): string {
  return functionArn(scope, `${BUILTIN_PREFIX}${name}`);
}
