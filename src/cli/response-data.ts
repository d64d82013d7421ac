/**
 * What the AWS CLI prints for a response: the members in the model's order (botocore's parser walks the
 * output shape), timestamps as ISO 8601 in the local zone (cli_timestamp_format=iso8601), blobs base64, and
 * nothing the model does not describe ($metadata and the like).
 */
import { getShape } from '../api/model.js';
import { isoformat } from './python-repr.js';

function timestamp(v: unknown): unknown {
  if (v instanceof Date) return isoformat(v);
  if (typeof v === 'number') return isoformat(new Date(Math.round(v * 1000)));
  if (typeof v === 'string' && !Number.isNaN(Date.parse(v))) return isoformat(new Date(v));
  return v;
}

function blob(v: unknown): unknown {
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
  return v;
}

function walk(v: unknown, shapeName: string): unknown {
  if (v === undefined || v === null) return undefined;
  const shape = getShape(shapeName);
  switch (shape.type) {
    case 'structure': {
      if (typeof v !== 'object' || Array.isArray(v)) return v;
      const src = v as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const [m, ref] of Object.entries(shape.members)) {
        if (!Object.prototype.hasOwnProperty.call(src, m)) continue;
        const x = walk(src[m], ref.shape);
        if (x !== undefined) out[m] = x;
      }
      return out;
    }
    case 'list':
      return Array.isArray(v) ? v.map((x) => walk(x, shape.member.shape) ?? null) : v;
    case 'map': {
      if (typeof v !== 'object' || Array.isArray(v)) return v;
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        const y = walk(x, shape.value.shape);
        if (y !== undefined) out[k] = y;
      }
      return out;
    }
    case 'timestamp':
      return timestamp(v);
    case 'blob':
      return blob(v);
    default:
      return v;
  }
}

/** The printable form of an operation's response (an empty object for operations without output). */
export function responseData(output: unknown, shapeName: string | undefined): Record<string, unknown> {
  if (shapeName === undefined || typeof output !== 'object' || output === null) return {};
  const r = walk(output, shapeName);
  return typeof r === 'object' && r !== null && !Array.isArray(r) ? (r as Record<string, unknown>) : {};
}

/** For Rotor's own operations (no model): epoch-second `…Date` members become ISO 8601, recursively. */
export function rotorResponseData(v: unknown, key = ''): unknown {
  if (Array.isArray(v)) return v.map((x) => rotorResponseData(x));
  if (typeof v === 'object' && v !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = rotorResponseData(x, k);
    return out;
  }
  if (typeof v === 'number' && /Date$/.test(key)) return isoformat(new Date(Math.round(v * 1000)));
  return v;
}
