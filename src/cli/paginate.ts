/**
 * Auto-pagination as botocore's PageIterator does it for the AWS CLI: --page-size sets the limit member,
 * --max-items truncates the result and prints a resume token, --starting-token resumes from one. Tokens
 * are the same as the AWS CLI's (base64 of Python's json.dumps of {"NextToken": …, "boto_truncate_amount": n}),
 * so either CLI can continue the other's listing.
 */
import { GeneralError } from './cli-errors.js';
import type { PagedResponse } from './output.js';
import type { PaginatorConfig } from './paginators.js';
import { pyJsonDumps } from './python-repr.js';

export interface PaginationConfig {
  maxItems: number | undefined;
  pageSize: number | undefined;
  startingToken: string | undefined;
}

type Page = Record<string, unknown>;
type TokenDict = Record<string, string | number | null>;

export function encodeToken(token: TokenDict): string {
  return Buffer.from(pyJsonDumps(token), 'utf8').toString('base64');
}

function parseStartingToken(token: string, inputTokens: readonly string[]): [TokenDict, number] {
  try {
    const json = Buffer.from(token, 'base64').toString('utf8');
    const decoded: unknown = JSON.parse(json);
    if (typeof decoded === 'object' && decoded !== null && !Array.isArray(decoded)) {
      const d = { ...(decoded as TokenDict) };
      let index = 0;
      if ('boto_truncate_amount' in d) {
        index = Number(d['boto_truncate_amount']);
        delete d['boto_truncate_amount'];
      }
      return [d, index];
    }
  } catch {
    // an old-style or raw token: below
  }
  const parts: (string | null)[] = token.split('___');
  let index = 0;
  if (parts.length === inputTokens.length + 1) {
    const last = parts[parts.length - 1] ?? '';
    if (/^\s*[+-]?\d+\s*$/.test(last)) {
      index = Number(last);
      parts.pop();
    } else {
      parts.splice(0, parts.length, token);
    }
  }
  if (parts.length > inputTokens.length) throw new GeneralError(`Bad starting token: ${token}`);
  const out: TokenDict = {};
  inputTokens.forEach((name, i) => {
    const p = parts[i];
    out[name] = p === undefined || p === 'None' ? null : p;
  });
  return [out, index];
}

function injectToken(params: Record<string, unknown>, token: TokenDict): void {
  for (const [name, v] of Object.entries(token)) {
    if (v !== null && v !== 'None') params[name] = v;
    else delete params[name];
  }
}

function resumeToken(token: TokenDict, inputTokens: readonly string[]): string {
  const expected = [...inputTokens, ...('boto_truncate_amount' in token ? ['boto_truncate_amount'] : [])].sort();
  const keys = Object.keys(token).sort();
  if (JSON.stringify(expected) !== JSON.stringify(keys)) throw new GeneralError(`Bad starting token: ${pyJsonDumps(token)}`);
  return encodeToken(token);
}

function emptyLike(sample: unknown): unknown {
  if (Array.isArray(sample)) return [];
  if (typeof sample === 'string') return '';
  if (typeof sample === 'number') return 0;
  return null;
}

/**
 * Runs the pages. `fetchPage` gets the request parameters and returns the page in its printable form.
 * `memberOrder` (optional) puts the aggregate's keys in the output shape's order.
 */
export async function paginate(
  cfg: PaginatorConfig,
  params: Record<string, unknown>,
  pc: PaginationConfig,
  fetchPage: (params: Record<string, unknown>) => Promise<Page>,
  memberOrder?: readonly string[],
): Promise<PagedResponse> {
  const inputTokens = [cfg.inputToken];
  const primary = cfg.resultKeys[0] ?? '';
  const current: Record<string, unknown> = { ...params };
  let nextToken: TokenDict = { [cfg.inputToken]: null };
  let startingTruncation = 0;
  if (pc.startingToken !== undefined) {
    const [t] = parseStartingToken(pc.startingToken, inputTokens);
    nextToken = t;
    injectToken(current, t);
  }
  if (pc.pageSize !== undefined && cfg.limitKey !== undefined) current[cfg.limitKey] = pc.pageSize;
  const pages: Page[] = [];
  let resume: string | undefined;
  let nonAggregate: Page = {};
  let total = 0;
  let first = true;
  let previous: string | undefined;
  for (;;) {
    const page = await fetchPage({ ...current });
    if (first) {
      if (pc.startingToken !== undefined) {
        startingTruncation = parseStartingToken(pc.startingToken, inputTokens)[1];
        const all = page[primary];
        page[primary] = Array.isArray(all) || typeof all === 'string' ? all.slice(startingTruncation) : null;
        for (const k of cfg.resultKeys.slice(1)) page[k] = emptyLike(page[k]);
      }
      first = false;
      nonAggregate = {};
      for (const k of cfg.nonAggregateKeys ?? []) if (page[k] !== undefined) nonAggregate[k] = page[k];
    } else {
      startingTruncation = 0;
    }
    const items = Array.isArray(page[primary]) ? (page[primary] as unknown[]) : [];
    const truncate = pc.maxItems !== undefined ? total + items.length - pc.maxItems : 0;
    if (truncate > 0) {
      const keep = items.length - truncate;
      page[primary] = items.slice(0, keep);
      resume = resumeToken({ ...nextToken, boto_truncate_amount: keep + startingTruncation }, inputTokens);
      pages.push(page);
      break;
    }
    pages.push(page);
    total += items.length;
    const out = page[cfg.outputToken];
    nextToken = { [cfg.inputToken]: typeof out === 'string' && out !== '' ? out : null };
    if (Object.values(nextToken).every((v) => v === null)) break;
    if (pc.maxItems !== undefined && total === pc.maxItems) {
      resume = resumeToken(nextToken, inputTokens);
      break;
    }
    const serial = JSON.stringify(nextToken);
    if (previous === serial) throw new GeneralError(`The same next token was received twice: ${pyJsonDumps(nextToken)}`);
    injectToken(current, nextToken);
    previous = serial;
  }
  // build_full_result
  const aggregate: Page = {};
  for (const page of pages) {
    for (const key of cfg.resultKeys) {
      const v = page[key];
      if (v === undefined || v === null) continue;
      const existing = aggregate[key];
      if (existing === undefined || existing === null) aggregate[key] = Array.isArray(v) ? [...v] : v;
      else if (Array.isArray(existing) && Array.isArray(v)) existing.push(...v);
      else if (typeof existing === 'number' && typeof v === 'number') aggregate[key] = existing + v;
      else if (typeof existing === 'string' && typeof v === 'string') aggregate[key] = existing + v;
    }
  }
  Object.assign(aggregate, nonAggregate);
  if (resume !== undefined) aggregate['NextToken'] = resume;
  // Text output prints each page's result keys (and the first page's other keys).
  const printable = pages.map((p, i) => {
    const o: Page = i === 0 ? { ...nonAggregate } : {};
    for (const k of cfg.resultKeys) o[k] = p[k] ?? null;
    return o;
  });
  let ordered = aggregate;
  if (memberOrder !== undefined) {
    ordered = {};
    for (const k of memberOrder) if (k in aggregate) ordered[k] = aggregate[k];
    for (const k of Object.keys(aggregate)) if (!(k in ordered)) ordered[k] = aggregate[k];
  }
  return { pages: printable, aggregate: ordered, resumeToken: resume };
}
