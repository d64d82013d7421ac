/**
 * --query: a JMESPath expression (@jmespath-community/jmespath; jmespath@0.16 has a starts_with bug),
 * compiled when the command line is read — a bad one is a usage error, as in the AWS CLI — and loaded only
 * when a command uses one. Python's jmespath (the AWS CLI's) still accepts the legacy literal form
 * `foo` for "foo" (a backtick literal that is not JSON is read as a string); so does Rotor.
 */
import { ParamSyntaxError } from './cli-errors.js';

export type Query = (data: unknown) => unknown;

function isJson(s: string): boolean {
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
}

/** Rewrites `legacy literal` into `"legacy literal"`, skipping quoted identifiers and raw strings. */
export function normaliseLegacyLiterals(expr: string): string {
  let out = '';
  let i = 0;
  while (i < expr.length) {
    const c = expr[i] as string;
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < expr.length && expr[j] !== c) j += expr[j] === '\\' ? 2 : 1;
      out += expr.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (c === '`') {
      let j = i + 1;
      while (j < expr.length && expr[j] !== '`') j += expr[j] === '\\' ? 2 : 1;
      if (j >= expr.length) return out + expr.slice(i);
      const lexeme = expr.slice(i + 1, j).replaceAll('\\`', '`');
      if (!isJson(lexeme) && isJson(`"${lexeme.trimStart()}"`)) {
        out += `\`"${lexeme.trimStart().replaceAll('`', '\\`')}"\``;
      } else out += expr.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

export async function compileQuery(expr: string): Promise<Query> {
  const jp = await import('@jmespath-community/jmespath');
  const normalised = normaliseLegacyLiterals(expr);
  try {
    jp.compile(normalised);
  } catch (e) {
    throw new ParamSyntaxError(`Bad value for --query ${expr}: Invalid jmespath expression: ${e instanceof Error ? e.message : String(e)}`);
  }
  return (data) => jp.search(data as Parameters<typeof jp.search>[0], normalised);
}
