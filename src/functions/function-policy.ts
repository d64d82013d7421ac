/**
 * A function's resource-based policy: the statements AddPermission writes (in the JSON shape Lambda stores
 * and GetPolicy returns), and the one question Rotor asks of them — may a service principal invoke the
 * function on behalf of an account (spec §8.15: `secretsmanager.amazonaws.com`, `lambda:InvokeFunction`,
 * with `--source-account` against the confused deputy). Pure: no I/O.
 */
import { lambdaErr } from './lambda-errors.js';

export type ConditionBlock = Record<string, Record<string, string | string[]>>;

export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow' | 'Deny';
  /** `"*"`, a plain string (older stored form), or `{Service|AWS: string | string[]}`. */
  Principal: string | Record<string, string | string[]>;
  Action: string | string[];
  Resource: string;
  Condition?: ConditionBlock;
}

export interface AddPermissionInput {
  StatementId: string;
  Action: string;
  Principal: string;
  SourceArn?: string;
  SourceAccount?: string;
  PrincipalOrgID?: string;
  EventSourceToken?: string;
}

/** The statement Lambda's AddPermission stores for these parameters. */
export function buildStatement(input: AddPermissionInput, functionArn: string): PolicyStatement {
  const st: PolicyStatement = {
    Sid: input.StatementId,
    Effect: 'Allow',
    Principal: principalOf(input.Principal),
    Action: input.Action,
    Resource: functionArn,
  };
  const cond: ConditionBlock = {};
  const add = (op: string, key: string, value: string) => {
    cond[op] = { ...(cond[op] ?? {}), [key]: value };
  };
  if (input.SourceAccount !== undefined) add('StringEquals', 'AWS:SourceAccount', input.SourceAccount);
  if (input.PrincipalOrgID !== undefined) add('StringEquals', 'aws:PrincipalOrgID', input.PrincipalOrgID);
  if (input.EventSourceToken !== undefined) add('StringEquals', 'lambda:EventSourceToken', input.EventSourceToken);
  if (input.SourceArn !== undefined) add('ArnLike', 'AWS:SourceArn', input.SourceArn);
  if (Object.keys(cond).length > 0) st.Condition = cond;
  return st;
}

function principalOf(p: string): PolicyStatement['Principal'] {
  if (p === '*') return '*';
  if (/^\d{12}$/.test(p)) return { AWS: `arn:aws:iam::${p}:root` };
  if (p.startsWith('arn:')) return { AWS: p };
  if (/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(p)) return { Service: p };
  throw lambdaErr.invalidParameter('The provided principal was invalid. Please check the principal and try again.');
}

/** The policy document GetPolicy returns (as a JSON string on the wire). */
export function policyDocument(statements: readonly PolicyStatement[]): string {
  return JSON.stringify({ Version: '2012-10-17', Id: 'default', Statement: statements });
}

/** IAM-style wildcard match (`*`, `?`), case-insensitive when asked (actions are). */
export function globMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const re = new RegExp(
    `^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`,
    ignoreCase ? 'is' : 's',
  );
  return re.test(value);
}

const asList = (v: string | string[]): string[] => (Array.isArray(v) ? v : [v]);

function principalMatchesService(p: PolicyStatement['Principal'], service: string): boolean {
  if (typeof p === 'string') return p === '*' || p === service;
  for (const [kind, v] of Object.entries(p)) {
    const values = asList(v);
    if (kind === 'Service' && values.includes(service)) return true;
    if (kind === 'AWS' && values.includes('*')) return true;
  }
  return false;
}

function actionMatches(a: string | string[], action: string): boolean {
  return asList(a).some((pattern) => globMatch(pattern, action, true));
}

export interface ServiceInvokeContext {
  service: string;
  action: string;
  /** The account on whose behalf the service calls (aws:SourceAccount). */
  sourceAccount: string;
  /** What is known of aws:SourceArn: the service, Region and account it lies in (the resource is not known). */
  sourceArnParts: { service: string; region: string; accountId: string };
}

/**
 * true / false when a condition block is decided by the context; false too for keys Rotor cannot know
 * (PrincipalOrgID, EventSourceToken…), so such a statement never grants (and never denies).
 */
function conditionsHold(cond: ConditionBlock | undefined, ctx: ServiceInvokeContext): boolean {
  if (cond === undefined) return true;
  for (const [op, entries] of Object.entries(cond)) {
    const opName = op.replace(/^ForAnyValue:|^ForAllValues:/, '').replace(/IfExists$/, '');
    for (const [key, raw] of Object.entries(entries)) {
      const values = asList(raw);
      const k = key.toLowerCase();
      if (k === 'aws:sourceaccount' || k === 'aws:sourceowner') {
        const ok =
          opName === 'StringEquals'
            ? values.includes(ctx.sourceAccount)
            : opName === 'StringLike'
              ? values.some((v) => globMatch(v, ctx.sourceAccount))
              : false;
        if (!ok) return false;
      } else if (k === 'aws:sourcearn') {
        if (!['ArnLike', 'ArnEquals', 'StringLike', 'StringEquals'].includes(opName)) return false;
        if (!values.some((v) => sourceArnCouldMatch(v, ctx))) return false;
      } else {
        return false;
      }
    }
  }
  return true;
}

/**
 * The secret is not known when the question is asked, so a SourceArn condition is taken to hold when its
 * service, Region and account fields admit a resource of that service in the caller's scope.
 */
function sourceArnCouldMatch(pattern: string, ctx: ServiceInvokeContext): boolean {
  const parts = pattern.split(':');
  if (parts.length < 6) return pattern === '*';
  const [, , service = '', region = '', account = ''] = parts;
  return (
    globMatch(service, ctx.sourceArnParts.service) &&
    globMatch(region, ctx.sourceArnParts.region) &&
    globMatch(account, ctx.sourceArnParts.accountId)
  );
}

/** An explicit Deny that applies wins; otherwise some Allow must apply. */
export function serviceMayInvoke(statements: readonly PolicyStatement[], ctx: ServiceInvokeContext): boolean {
  const applies = (s: PolicyStatement) =>
    principalMatchesService(s.Principal, ctx.service) &&
    actionMatches(s.Action, ctx.action) &&
    conditionsHold(s.Condition, ctx);
  if (statements.some((s) => s.Effect === 'Deny' && applies(s))) return false;
  return statements.some((s) => s.Effect === 'Allow' && applies(s));
}
