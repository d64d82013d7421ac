/**
 * Policy variables (IAM User Guide, "IAM policy elements: Variables and tags"): `${aws:username}`,
 * `${aws:PrincipalTag/team}`, `${key, 'default'}`, and the escapes `${*}`, `${?}`, `${$}` for the literal
 * characters. A substituted value is literal text, never a wildcard. A variable with no value in the request
 * and no default makes that Resource entry or condition value match nothing.
 */
import type { RequestContext, Template, TemplatePart } from './policy-types.js';
import { wildcardMatcher, type Matcher } from './wildcard.js';

const VARIABLE = /\$\{([^}]*)\}/g;
const ESCAPES: Record<string, string> = { '*': '*', '?': '?', $: '$' };
const FALLBACK = /^\s*([^,\s]+)\s*,\s*'([^']*)'\s*$/;

export function parseTemplate(text: string, variables: boolean): Template {
  if (!variables || !text.includes('${')) return { kind: 'fixed', value: text };
  const parts: TemplatePart[] = [];
  let last = 0;
  for (const m of text.matchAll(VARIABLE)) {
    const at = m.index ?? 0;
    if (at > last) parts.push({ text: text.slice(last, at) });
    const inner = m[1] ?? '';
    const escaped = ESCAPES[inner];
    if (escaped !== undefined) {
      // A literal character: kept as a one-character "variable" so it is never read as a wildcard.
      parts.push({ variable: `\0${escaped}` });
    } else {
      const fb = FALLBACK.exec(inner);
      parts.push(fb ? { variable: (fb[1] ?? '').toLowerCase(), fallback: fb[2] ?? '' } : { variable: inner.trim().toLowerCase() });
    }
    last = at + m[0].length;
  }
  if (last < text.length) parts.push({ text: text.slice(last) });
  return { kind: 'variables', parts };
}

function valueOf(part: { variable: string; fallback?: string }, ctx: RequestContext): string | undefined {
  if (part.variable.startsWith('\0')) return part.variable.slice(1);
  const v = ctx.get(part.variable);
  if (typeof v === 'string') return v;
  return part.fallback;
}

/** The template's text with its variables substituted; undefined if a variable has no value. */
export function expandLiteral(t: Template, ctx: RequestContext): string | undefined {
  if (t.kind === 'fixed') return t.value;
  let out = '';
  for (const p of t.parts) {
    if ('text' in p) out += p.text;
    else {
      const v = valueOf(p, ctx);
      if (v === undefined) return undefined;
      out += v;
    }
  }
  return out;
}

const REGEX_SPECIAL = /[.*+?^${}()|[\]\\]/g;

/** A wildcard matcher for the template where only the policy's own text carries `*` and `?`. */
export function templateMatcher(t: Template, ctx: RequestContext, ignoreCase: boolean): Matcher | undefined {
  if (t.kind === 'fixed') return wildcardMatcher(t.value, ignoreCase);
  let source = '';
  for (const p of t.parts) {
    if ('text' in p) {
      source += p.text.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
    } else {
      const v = valueOf(p, ctx);
      if (v === undefined) return undefined;
      source += v.replace(REGEX_SPECIAL, '\\$&');
    }
  }
  const re = new RegExp(`^${source}$`, ignoreCase ? 'is' : 's');
  return (v) => re.test(v);
}
