/**
 * --cli-binary-format: with `base64` (the v2 default) a blob given as text is base64-decoded before the call,
 * as Python's lenient base64.b64decode does it (characters outside the alphabet skipped, padding checked);
 * with `raw-in-base64-out` text is sent as its UTF-8 bytes. fileb:// contents are bytes either way.
 */
import { getShape } from '../api/model.js';
import { GeneralError } from './cli-errors.js';

const ALPHABET = /[A-Za-z0-9+/]/;

/** binascii.a2b_base64(s, strict_mode=False). */
export function pyB64Decode(s: string): Uint8Array {
  if (/[^\x00-\x7f]/.test(s)) throw new GeneralError('string argument should contain only ASCII characters');
  let data = '';
  let quadPos = 0;
  let pads = 0;
  let done = false;
  for (const ch of s) {
    if (done) break;
    if (ch === '=') {
      if (quadPos >= 2 && quadPos + ++pads >= 4) done = true;
      continue;
    }
    if (!ALPHABET.test(ch)) continue;
    data += ch;
    quadPos = (quadPos + 1) % 4;
    pads = 0;
  }
  if (!done && quadPos !== 0) {
    if (quadPos === 1) throw new GeneralError(`Invalid base64: "${s}"`);
    throw new GeneralError(`Invalid base64: "${s}"`);
  }
  return new Uint8Array(Buffer.from(data, 'base64'));
}

function visit(v: unknown, shapeName: string, mode: 'base64' | 'raw-in-base64-out'): unknown {
  const shape = getShape(shapeName);
  switch (shape.type) {
    case 'blob':
      if (typeof v !== 'string') return v;
      return mode === 'base64' ? pyB64Decode(v) : new TextEncoder().encode(v);
    case 'structure': {
      if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof Uint8Array) return v;
      const o = v as Record<string, unknown>;
      for (const [m, ref] of Object.entries(shape.members)) if (m in o) o[m] = visit(o[m], ref.shape, mode);
      return o;
    }
    case 'list':
      return Array.isArray(v) ? v.map((x) => visit(x, shape.member.shape, mode)) : v;
    case 'map': {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return v;
      const o = v as Record<string, unknown>;
      for (const k of Object.keys(o)) o[k] = visit(o[k], shape.value.shape, mode);
      return o;
    }
    default:
      return v;
  }
}

/** Converts the text blobs of a request in place (provide-client-params). */
export function decodeInputBlobs(params: Record<string, unknown>, inputShape: string, mode: 'base64' | 'raw-in-base64-out'): void {
  visit(params, inputShape, mode);
}
