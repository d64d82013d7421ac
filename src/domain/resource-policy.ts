/**
 * Resource-policy documents (spec §5.15–§5.17): syntax checks and the broad-access check behind
 * BlockPublicPolicy. Enforcement of the policy on requests belongs to the authorization layer (issue 5).
 */
import { AwsError } from './errors.js';

export interface PolicyFinding {
  CheckName: 'SYNTAX' | 'BROAD_ACCESS';
  ErrorMessage: string;
}

type Json = Record<string, unknown>;

function isObj(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function asList(v: unknown): unknown[] {
  return Array.isArray(v) ? v : v === undefined ? [] : [v];
}

/** Syntax findings; an empty list means the document is a well-formed IAM policy. */
export function syntaxFindings(text: string): PolicyFinding[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return [{ CheckName: 'SYNTAX', ErrorMessage: 'The policy document is not valid JSON.' }];
  }
  const out: PolicyFinding[] = [];
  const add = (m: string) => out.push({ CheckName: 'SYNTAX', ErrorMessage: m });
  if (!isObj(doc)) return [{ CheckName: 'SYNTAX', ErrorMessage: 'The policy document must be a JSON object.' }];
  if (doc.Version !== undefined && doc.Version !== '2012-10-17' && doc.Version !== '2008-10-17') add(`Unsupported policy Version: ${String(doc.Version)}`);
  const statements = asList(doc.Statement);
  if (statements.length === 0) add('The policy document must contain at least one Statement.');
  statements.forEach((st, i) => {
    const where = `Statement ${i + 1}`;
    if (!isObj(st)) return add(`${where} must be an object.`);
    if (st.Effect !== 'Allow' && st.Effect !== 'Deny') add(`${where}: Effect must be "Allow" or "Deny".`);
    if (st.Action === undefined && st.NotAction === undefined) add(`${where}: missing Action or NotAction.`);
    if (st.Principal === undefined && st.NotPrincipal === undefined) add(`${where}: a resource policy statement needs a Principal.`);
    for (const a of [...asList(st.Action), ...asList(st.NotAction)]) {
      if (typeof a !== 'string' || !(a === '*' || /^[a-zA-Z0-9-]+:[A-Za-z0-9*?]+$/.test(a))) add(`${where}: invalid action ${JSON.stringify(a)}.`);
    }
  });
  return out;
}

function principalIsPublic(p: unknown): boolean {
  if (p === '*') return true;
  if (isObj(p)) return asList(p.AWS).includes('*');
  return false;
}

/** An Allow with Principal "*" and no condition grants broad access (the check behind BlockPublicPolicy). */
export function broadAccessFindings(text: string): PolicyFinding[] {
  const doc: unknown = JSON.parse(text);
  if (!isObj(doc)) return [];
  return asList(doc.Statement)
    .filter((st): st is Json => isObj(st) && st.Effect === 'Allow' && principalIsPublic(st.Principal) && st.Condition === undefined)
    .map(() => ({ CheckName: 'BROAD_ACCESS', ErrorMessage: 'The resource policy grants access to every AWS principal ("Principal": "*") without a condition.' }));
}

export function assertWellFormed(text: string): void {
  const f = syntaxFindings(text);
  if (f.length > 0) throw new AwsError('MalformedPolicyDocumentException', `This resource policy contains an unsupported format. ${f.map((x) => x.ErrorMessage).join(' ')}`);
}
