/**
 * Which IAM action on which resource a Lambda REST request needs (docs/authorization.md, "The Lambda API").
 * The decision itself is not made here: the embedding (src/app.ts) hands the caller an `authorize`
 * callback backed by the same evaluator as Secrets Manager, so functions/ does not depend on api/ or the
 * policy engine. A request that matches no route, or whose body does not name a function, is left to the
 * handler's own UnknownOperation/validation errors.
 */
import type { IncomingMessage } from 'node:http';
import type { Scope } from '../domain/types.js';
import { parseFunctionRef } from './function-name.js';
import { lambdaErr, type LambdaError } from './lambda-errors.js';

/** Where the Lambda REST API lives on the endpoint (re-exported by lambda-http.ts and registry.ts). */
export const LAMBDA_PATH_PREFIX = '/2015-03-31/functions';

/** Returns AWS's denial message when the caller may not perform `action` on `resource`, else undefined. */
export type LambdaAuthorize = (action: string, resource: string, resourceAccount: string) => string | undefined;

export interface LambdaAuthzTarget {
  action: string;
  resource: string;
  resourceAccount: string;
}

const ROLE_ARN_RE = /^arn:[a-zA-Z-]*:iam::(\d{12}):role\//;

/** `<METHOD> <shape>` → action, shape as in lambda-http.ts's routes. */
const ACTIONS: Record<string, string> = {
  'GET /{name}': 'lambda:GetFunction',
  'DELETE /{name}': 'lambda:DeleteFunction',
  'GET /{name}/configuration': 'lambda:GetFunctionConfiguration',
  'PUT /{name}/configuration': 'lambda:UpdateFunctionConfiguration',
  'PUT /{name}/code': 'lambda:UpdateFunctionCode',
  'POST /{name}/invocations': 'lambda:InvokeFunction',
  'POST /{name}/policy': 'lambda:AddPermission',
  'GET /{name}/policy': 'lambda:GetPolicy',
  'DELETE /{name}/policy/{sid}': 'lambda:RemovePermission',
};

function functionTarget(scope: Scope, action: string, raw: string): LambdaAuthzTarget {
  const ref = parseFunctionRef(raw);
  const accountId = ref?.accountId ?? scope.accountId;
  const region = ref?.region ?? scope.region;
  return { action, resource: `arn:aws:lambda:${region}:${accountId}:function:${ref?.name ?? raw}`, resourceAccount: accountId };
}

/** iam:PassRole on a role named in the body (AWS requires it to hand a role to a function). */
function passRole(scope: Scope, role: unknown): LambdaAuthzTarget[] {
  if (typeof role !== 'string' || role === '') return [];
  return [{ action: 'iam:PassRole', resource: role, resourceAccount: ROLE_ARN_RE.exec(role)?.[1] ?? scope.accountId }];
}

function bodyObject(body: Buffer): Record<string, unknown> | undefined {
  try {
    const v: unknown = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The checks a request needs, in order (CreateFunction: lambda:CreateFunction, then iam:PassRole). */
export function lambdaTargets(method: string, pathname: string, body: Buffer, scope: Scope): LambdaAuthzTarget[] {
  if (pathname !== LAMBDA_PATH_PREFIX && !pathname.startsWith(`${LAMBDA_PATH_PREFIX}/`)) return [];
  let segments: string[];
  try {
    segments = pathname
      .slice(LAMBDA_PATH_PREFIX.length)
      .split('/')
      .filter((s) => s !== '')
      .map((s) => decodeURIComponent(s));
  } catch {
    return [];
  }
  const [raw = '', sub, sid] = segments;
  if (segments.length === 0) {
    if (method === 'GET') return [{ action: 'lambda:ListFunctions', resource: '*', resourceAccount: scope.accountId }];
    if (method !== 'POST') return [];
    const o = bodyObject(body);
    if (o === undefined || typeof o.FunctionName !== 'string') return [];
    return [functionTarget(scope, 'lambda:CreateFunction', o.FunctionName), ...passRole(scope, o.Role)];
  }
  if (segments.length > 3 || (segments.length === 3 && (sub !== 'policy' || sid === undefined))) return [];
  const shape = segments.length === 1 ? '/{name}' : segments.length === 2 ? `/{name}/${sub ?? ''}` : '/{name}/policy/{sid}';
  const action = ACTIONS[`${method} ${shape}`];
  if (action === undefined) return [];
  const out = [functionTarget(scope, action, raw)];
  if (action === 'lambda:UpdateFunctionConfiguration') out.push(...passRole(scope, bodyObject(body)?.Role));
  return out;
}

/** The first denial among the request's checks, as Lambda's AccessDeniedException; undefined when allowed. */
export function authorizeLambdaRequest(req: IncomingMessage, body: Buffer, scope: Scope, authorize: LambdaAuthorize): LambdaError | undefined {
  const pathname = new URL(req.url ?? '/', 'http://rotor.invalid').pathname;
  for (const t of lambdaTargets(req.method ?? 'GET', pathname, body, scope)) {
    const denied = authorize(t.action, t.resource, t.resourceAccount);
    if (denied !== undefined) return lambdaErr.accessDenied(denied);
  }
  return undefined;
}
