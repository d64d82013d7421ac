/** `--output text`, ported from awscli/text.py: scalars tab-separated, nested values as UPPER-CASE rows. */
import { pyStr } from './python-repr.js';

type Dict = Record<string, unknown>;

const isDict = (v: unknown): v is Dict => typeof v === 'object' && v !== null && !Array.isArray(v);
const isComplex = (v: unknown) => Array.isArray(v) || isDict(v);

function allScalarKeys(list: Dict[]): string[] {
  const keys = new Set<string>();
  for (const d of list) for (const [k, v] of Object.entries(d)) if (!isComplex(v)) keys.add(k);
  return [...keys].sort(pyCompare);
}

/** Python sorts str by code point; JS's default sort compares UTF-16 units (same outside astral planes). */
export function pyCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function formatScalarList(elements: unknown[], identifier: string | undefined, out: string[]): void {
  if (identifier !== undefined) {
    for (const item of elements) out.push(`${identifier.toUpperCase()}\t${pyStr(item)}\n`);
  } else {
    out.push(`${elements.map(pyStr).join('\t')}\n`);
  }
}

function formatList(item: unknown[], identifier: string | undefined, out: string[]): void {
  if (item.length === 0) return;
  if (item.some(isDict)) {
    const keys = allScalarKeys(item.filter(isDict));
    for (const el of item) formatItem(el, identifier, keys, out);
  } else if (item.some(Array.isArray)) {
    const scalars = item.filter((e) => !isComplex(e));
    const nonScalars = item.filter(isComplex);
    if (scalars.length > 0) formatScalarList(scalars, identifier, out);
    for (const n of nonScalars) formatItem(n, identifier, undefined, out);
  } else {
    formatScalarList(item, identifier, out);
  }
}

function formatDict(scalarKeys: string[] | undefined, item: Dict, identifier: string | undefined, out: string[]): void {
  const scalars: string[] = [];
  const nonScalars: [string, unknown][] = [];
  if (scalarKeys === undefined) {
    for (const k of Object.keys(item).sort(pyCompare)) {
      const v = item[k];
      if (isComplex(v)) nonScalars.push([k, v]);
      else scalars.push(pyStr(v));
    }
  } else {
    for (const k of scalarKeys) scalars.push(Object.prototype.hasOwnProperty.call(item, k) ? pyStr(item[k]) : '');
    const rest = Object.keys(item).filter((k) => !scalarKeys.includes(k)).sort(pyCompare);
    for (const k of rest) nonScalars.push([k, item[k]]);
  }
  if (scalars.length > 0) {
    if (identifier !== undefined) scalars.unshift(identifier.toUpperCase());
    out.push(`${scalars.join('\t')}\n`);
  }
  for (const [k, v] of nonScalars) formatItem(v, k, undefined, out);
}

function formatItem(item: unknown, identifier: string | undefined, scalarKeys: string[] | undefined, out: string[]): void {
  if (isDict(item)) formatDict(scalarKeys, item, identifier, out);
  else if (Array.isArray(item)) formatList(item, identifier, out);
  else out.push(`${pyStr(item)}\n`);
}

export function formatText(data: unknown): string {
  const out: string[] = [];
  formatItem(data, undefined, undefined, out);
  return out.join('');
}
