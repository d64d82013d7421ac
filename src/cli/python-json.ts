/**
 * json.loads() as CPython's C scanner does it, for the AWS CLI's error texts ("Expecting ',' delimiter:
 * line 1 column 8 (char 7)"). Accepts NaN/Infinity like Python; objects keep key order, last duplicate wins.
 */
import { pyStrRepr } from './python-repr.js';

export class PyJsonDecodeError extends Error {
  constructor(msg: string, doc: string, pos: number) {
    const lineno = countNewlines(doc, pos) + 1;
    const colno = pos - doc.lastIndexOf('\n', pos - 1);
    super(`${msg}: line ${lineno} column ${pos === 0 ? 1 : colno} (char ${pos})`);
  }
}

function countNewlines(s: string, end: number): number {
  let n = 0;
  for (let i = 0; i < end && i < s.length; i++) if (s[i] === '\n') n++;
  return n;
}

class StopIteration {
  constructor(readonly pos: number) {}
}

const WS = ' \t\n\r';
const NUMBER = /(-?(?:0|[1-9]\d*))(\.\d+)?([eE][-+]?\d+)?/y;
const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

function skipWs(s: string, i: number): number {
  let j = Math.min(i, s.length);
  while (j < s.length && WS.includes(s[j] ?? '')) j++;
  return j;
}

function setKey(o: Record<string, unknown>, k: string, v: unknown): void {
  if (k === '__proto__') Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
}

function scanString(s: string, end: number): [string, number] {
  const begin = end - 1;
  let out = '';
  let i = end;
  for (;;) {
    if (i >= s.length) throw new PyJsonDecodeError('Unterminated string starting at', s, begin);
    const c = s[i] ?? '';
    if (c === '"') return [out, i + 1];
    if (c === '\\') {
      i++;
      if (i >= s.length) throw new PyJsonDecodeError('Unterminated string starting at', s, begin);
      const esc = s[i] ?? '';
      if (esc !== 'u') {
        const ch = ESCAPES[esc];
        if (ch === undefined) throw new PyJsonDecodeError('Invalid \\escape', s, i - 1);
        out += ch;
        i++;
        continue;
      }
      const hex = s.slice(i + 1, i + 5);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new PyJsonDecodeError('Invalid \\uXXXX escape', s, i);
      let uni = parseInt(hex, 16);
      i += 5;
      if (uni >= 0xd800 && uni <= 0xdbff && s.slice(i, i + 2) === '\\u') {
        const hex2 = s.slice(i + 2, i + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex2)) throw new PyJsonDecodeError('Invalid \\uXXXX escape', s, i + 1);
        const uni2 = parseInt(hex2, 16);
        if (uni2 >= 0xdc00 && uni2 <= 0xdfff) {
          uni = 0x10000 + (((uni - 0xd800) << 10) | (uni2 - 0xdc00));
          i += 6;
        }
      }
      out += String.fromCodePoint(uni);
      continue;
    }
    if (c.charCodeAt(0) <= 0x1f) throw new PyJsonDecodeError('Invalid control character at', s, i);
    out += c;
    i++;
  }
}

function scanOnce(s: string, idx: number): [unknown, number] {
  if (idx >= s.length) throw new StopIteration(idx);
  const c = s[idx];
  if (c === '"') return scanString(s, idx + 1);
  if (c === '{') return parseObject(s, idx + 1);
  if (c === '[') return parseArray(s, idx + 1);
  if (c === 'n' && s.startsWith('null', idx)) return [null, idx + 4];
  if (c === 't' && s.startsWith('true', idx)) return [true, idx + 4];
  if (c === 'f' && s.startsWith('false', idx)) return [false, idx + 5];
  NUMBER.lastIndex = idx;
  const m = NUMBER.exec(s);
  if (m !== null) return [Number(m[0]), idx + m[0].length];
  if (c === 'N' && s.startsWith('NaN', idx)) return [NaN, idx + 3];
  if (c === 'I' && s.startsWith('Infinity', idx)) return [Infinity, idx + 8];
  if (c === '-' && s.startsWith('-Infinity', idx)) return [-Infinity, idx + 9];
  throw new StopIteration(idx);
}

function value(s: string, idx: number): [unknown, number] {
  try {
    return scanOnce(s, idx);
  } catch (e) {
    if (e instanceof StopIteration) throw new PyJsonDecodeError('Expecting value', s, e.pos);
    throw e;
  }
}

function parseObject(s: string, start: number): [Record<string, unknown>, number] {
  const out: Record<string, unknown> = {};
  let end = start;
  let next = s.slice(end, end + 1);
  if (next !== '"') {
    if (next === '' || WS.includes(next)) {
      end = skipWs(s, end);
      next = s.slice(end, end + 1);
    }
    if (next === '}') return [out, end + 1];
    if (next !== '"') throw new PyJsonDecodeError('Expecting property name enclosed in double quotes', s, end);
  }
  end++;
  for (;;) {
    const [key, afterKey] = scanString(s, end);
    end = afterKey;
    if (s.slice(end, end + 1) !== ':') {
      end = skipWs(s, end);
      if (s.slice(end, end + 1) !== ':') throw new PyJsonDecodeError("Expecting ':' delimiter", s, end);
    }
    end = skipWs(s, end + 1);
    const [v, afterValue] = value(s, end);
    setKey(out, key, v);
    end = skipWs(s, afterValue);
    next = s.slice(end, end + 1);
    end++;
    if (next === '}') break;
    if (next !== ',') throw new PyJsonDecodeError("Expecting ',' delimiter", s, end - 1);
    end = skipWs(s, end);
    next = s.slice(end, end + 1);
    end++;
    if (next !== '"') throw new PyJsonDecodeError('Expecting property name enclosed in double quotes', s, end - 1);
  }
  return [out, end];
}

function parseArray(s: string, start: number): [unknown[], number] {
  const out: unknown[] = [];
  let end = skipWs(s, start);
  if (s.slice(end, end + 1) === ']') return [out, end + 1];
  for (;;) {
    const [v, afterValue] = value(s, end);
    out.push(v);
    end = skipWs(s, afterValue);
    const next = s.slice(end, end + 1);
    end++;
    if (next === ']') break;
    if (next !== ',') throw new PyJsonDecodeError("Expecting ',' delimiter", s, end - 1);
    end = skipWs(s, end);
  }
  return [out, end];
}

/** json.loads(s). Throws PyJsonDecodeError with Python's message. */
export function pyJsonLoads(s: string): unknown {
  if (s.startsWith('\ufeff')) throw new PyJsonDecodeError('Unexpected UTF-8 BOM (decode using utf-8-sig)', s, 0);
  const [v, end] = value(s, skipWs(s, 0));
  const last = skipWs(s, end);
  if (last !== s.length) throw new PyJsonDecodeError('Extra data', s, last);
  return v;
}

/** Python's repr of a JSON-ish scalar used in messages (kept here for callers formatting decode errors). */
export const reprForMessage = pyStrRepr;
