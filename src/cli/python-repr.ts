/**
 * The Python spellings the AWS CLI prints, so Rotor's messages and text/table output read the same:
 * str() and repr() of JSON-like values, type names (<class 'str'>), json.dumps with Python's default
 * separators, and datetime.isoformat() of a timestamp in the local time zone.
 */

export type JsonLike = string | number | boolean | null | undefined | Uint8Array | Date | JsonLike[] | { [k: string]: JsonLike };

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array) && !(v instanceof Date);
}

function pyNumber(n: number): string {
  if (Number.isInteger(n)) return String(n);
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  const s = String(n);
  return s.includes('e') ? s.replace(/e([+-])(\d)$/, 'e$10$2') : s;
}

/** Python's repr() of a str. */
export function pyStrRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + quote;
}

function bytesRepr(b: Uint8Array): string {
  let out = "b'";
  for (const c of b) {
    if (c === 0x5c) out += '\\\\';
    else if (c === 0x27) out += "\\'";
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c < 0x20 || c >= 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += String.fromCharCode(c);
  }
  return `${out}'`;
}

/** Python's repr(). */
export function pyRepr(v: unknown): string {
  if (typeof v === 'string') return pyStrRepr(v);
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  if (v instanceof Uint8Array) return bytesRepr(v);
  if (isPlainObject(v)) return `{${Object.entries(v).map(([k, x]) => `${pyStrRepr(k)}: ${pyRepr(x)}`).join(', ')}}`;
  return pyStr(v);
}

/** Python's str(). */
export function pyStr(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return pyNumber(v);
  if (v === null || v === undefined) return 'None';
  if (v instanceof Date) return isoformat(v);
  return pyRepr(v);
}

/** `str(type(v))`. */
export function pyTypeName(v: unknown): string {
  const name =
    typeof v === 'string'
      ? 'str'
      : typeof v === 'boolean'
        ? 'bool'
        : typeof v === 'number'
          ? Number.isInteger(v)
            ? 'int'
            : 'float'
          : v === null || v === undefined
            ? 'NoneType'
            : Array.isArray(v)
              ? 'list'
              : v instanceof Uint8Array
                ? 'bytes'
                : v instanceof Date
                  ? 'datetime.datetime'
                  : 'dict';
  return `<class '${name}'>`;
}

/** Python's json.dumps(v) with its default separators (', ' and ': ') and ensure_ascii. */
export function pyJsonDumps(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : pyNumber(v);
  if (typeof v === 'string') {
    return JSON.stringify(v).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  }
  if (Array.isArray(v)) return `[${v.map(pyJsonDumps).join(', ')}]`;
  if (isPlainObject(v)) return `{${Object.entries(v).map(([k, x]) => `${pyJsonDumps(k)}: ${pyJsonDumps(x)}`).join(', ')}}`;
  return 'null';
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/**
 * `datetime.fromtimestamp(t, tzlocal()).isoformat()`: local time with the UTC offset, microseconds only when
 * non-zero (2026-12-02T14:17:50.668000+00:00, 2026-12-02T00:00:00+00:00).
 */
export function isoformat(d: Date): string {
  const ms = d.getMilliseconds();
  const off = -d.getTimezoneOffset();
  const sign = off < 0 ? '-' : '+';
  const abs = Math.abs(off);
  const base =
    `${String(d.getFullYear()).padStart(4, '0')}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}` +
    `T${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
  return `${base}${ms === 0 ? '' : `.${String(ms * 1000).padStart(6, '0')}`}${sign}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`;
}
