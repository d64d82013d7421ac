/**
 * The built-in rotators as a FunctionInvoker, in front of another one (the Lambda-compatible registry):
 * a RotationLambdaARN named `rotor-builtin-<name>` (builtin-name.ts) runs the rotator in-process against
 * the secrets service; every other ARN goes to `inner`.
 *
 * Secrets Manager may invoke a built-in without AddPermission: a built-in is not a deployed resource with
 * a policy but part of Rotor, invoked only by the rotation engine for a secret in the same account and
 * Region, and it acts only on that secret (and the master secret it names) through the same service.
 */
import { performance } from 'node:perf_hooks';
import { AwsError } from '../domain/errors.js';
import type { Scope } from '../domain/types.js';
import type { FunctionInvoker, InvokeResult } from '../functions/types.js';
import type { SecretsService } from '../service/secrets.js';
import { BUILTIN_NAMES, builtinArn, parseBuiltinRef, type BuiltinName } from './builtin-name.js';
import { mysqlAlternatingUsers } from './mysql-alternating-users.js';
import { mysqlSingleUser } from './mysql-single-user.js';
import { postgresqlAlternatingUsers } from './postgresql-alternating-users.js';
import { postgresqlSingleUser } from './postgresql-single-user.js';
import { randomValue } from './random-value.js';
import { redisSingleUser } from './redis-single-user.js';
import type { Rotator, StepName } from './rotator.js';
import { RotatorError } from './rotator-error.js';
import { checkStaging } from './rotation-steps.js';

export const ROTATORS: Readonly<Record<BuiltinName, Rotator>> = {
  'random-value': randomValue,
  'postgresql-single-user': postgresqlSingleUser,
  'postgresql-alternating-users': postgresqlAlternatingUsers,
  'mysql-single-user': mysqlSingleUser,
  'mysql-alternating-users': mysqlAlternatingUsers,
  'redis-single-user': redisSingleUser,
};

const STEPS: readonly StepName[] = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'];

export interface BuiltinRotatorsDeps {
  secrets: SecretsService;
}

export interface BuiltinRotators extends FunctionInvoker {
  /** The built-ins of a scope, by name: ARN, rotator name and description. */
  list(scope: Scope): { name: BuiltinName; functionName: string; arn: string; description: string }[];
}

interface RotationEvent {
  Step: StepName;
  SecretId: string;
  ClientRequestToken: string;
}

function parseEvent(event: unknown): RotationEvent {
  const e = typeof event === 'object' && event !== null ? (event as Record<string, unknown>) : {};
  const { Step, SecretId, ClientRequestToken } = e;
  if (typeof Step !== 'string' || !(STEPS as readonly string[]).includes(Step)) {
    throw new RotatorError(`Invalid step parameter ${JSON.stringify(Step ?? null)}: expected one of ${STEPS.join(', ')}.`);
  }
  if (typeof SecretId !== 'string' || SecretId === '') throw new RotatorError('The event has no SecretId.');
  if (typeof ClientRequestToken !== 'string' || ClientRequestToken === '') throw new RotatorError('The event has no ClientRequestToken.');
  return { Step: Step as StepName, SecretId, ClientRequestToken };
}

function failure(errorType: string, errorMessage: string, logs: string, durationMs: number): InvokeResult {
  return { ok: false, functionError: 'Unhandled', payload: JSON.stringify({ errorType, errorMessage }), errorMessage, logs, durationMs };
}

/** The built-ins alone; `withBuiltinRotators` puts them in front of another invoker. */
export function createBuiltinRotators(deps: BuiltinRotatorsDeps): BuiltinRotators {
  return {
    async canSecretsManagerInvoke(scope, arn) {
      return parseBuiltinRef(scope, arn).kind === 'builtin';
    },

    async invoke(scope, arn, event): Promise<InvokeResult> {
      const started = performance.now();
      const lines: string[] = [];
      const ref = parseBuiltinRef(scope, arn);
      if (ref.kind !== 'builtin') {
        const message = `Function not found: ${arn.slice(0, 200)} (built-in rotators: ${BUILTIN_NAMES.map((n) => builtinArn(scope, n)).join(', ')})`;
        return failure('ResourceNotFoundException', message, '', 0);
      }
      try {
        const e = parseEvent(event);
        const ctx = { scope, secretId: e.SecretId, token: e.ClientRequestToken, secrets: deps.secrets, log: (l: string) => void lines.push(l) };
        if (await checkStaging(ctx)) await ROTATORS[ref.name][e.Step](ctx);
        return { ok: true, payload: 'null', logs: lines.join('\n'), durationMs: performance.now() - started };
      } catch (err) {
        const ms = performance.now() - started;
        if (err instanceof RotatorError) return failure('RotatorError', err.message, lines.join('\n'), ms);
        if (err instanceof AwsError) return failure(err.code, `${err.code}: ${err.message}`, lines.join('\n'), ms);
        return failure('Error', `internal error in ${ref.functionName}: ${err instanceof Error ? err.message : 'unknown'}`, lines.join('\n'), ms);
      }
    },

    list(scope) {
      return BUILTIN_NAMES.map((name) => ({ name, functionName: `rotor-builtin-${name}`, arn: builtinArn(scope, name), description: ROTATORS[name].description }));
    },
  };
}

/** `inner` with the built-ins dispatched first: a `rotor-builtin-` name never reaches `inner`. */
export function withBuiltinInvoker(inner: FunctionInvoker, builtins: BuiltinRotators): FunctionInvoker {
  return {
    async canSecretsManagerInvoke(scope, arn) {
      return parseBuiltinRef(scope, arn).kind === 'other' ? inner.canSecretsManagerInvoke(scope, arn) : builtins.canSecretsManagerInvoke(scope, arn);
    },
    async invoke(scope, arn, event) {
      return parseBuiltinRef(scope, arn).kind === 'other' ? inner.invoke(scope, arn, event) : builtins.invoke(scope, arn, event);
    },
  };
}
