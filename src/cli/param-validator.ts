/**
 * botocore's client-side ParamValidator: every error collected, reported in botocore's words
 * ("Invalid length for parameter SecretId, value: 0, valid min length: 1"). Only minimums are checked,
 * as botocore does; the service checks the rest.
 */
import { getShape, type Shape } from '../api/model.js';
import { pyStr, pyTypeName } from './python-repr.js';

type Reason =
  | { kind: 'missing'; required: string }
  | { kind: 'unknown'; param: string; valid: string[] }
  | { kind: 'type'; param: unknown; valid: string[] }
  | { kind: 'range'; param: number; min: number }
  | { kind: 'length'; param: number; min: number };

interface Problem {
  name: string;
  reason: Reason;
}

const T_STR = "<class 'str'>";
const T_DICT = "<class 'dict'>";
const T_LIST = ["<class 'list'>", "<class 'tuple'>"];
const T_INT = "<class 'int'>";
const T_BOOL = "<class 'bool'>";

function isDict(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array) && !(v instanceof Date);
}

/** Python: isinstance(v, int) — booleans are ints too. */
function isPyInt(v: unknown): v is number | boolean {
  return (typeof v === 'number' && Number.isInteger(v)) || typeof v === 'boolean';
}

function validate(v: unknown, shape: Shape, name: string, out: Problem[]): void {
  switch (shape.type) {
    case 'structure': {
      if (!isDict(v)) return void out.push({ name, reason: { kind: 'type', param: v, valid: [T_DICT] } });
      for (const r of shape.required ?? []) if (!Object.prototype.hasOwnProperty.call(v, r)) out.push({ name, reason: { kind: 'missing', required: r } });
      const known: string[] = [];
      for (const k of Object.keys(v)) {
        if (Object.prototype.hasOwnProperty.call(shape.members, k)) known.push(k);
        else out.push({ name, reason: { kind: 'unknown', param: k, valid: Object.keys(shape.members) } });
      }
      for (const k of known) {
        const ref = shape.members[k];
        if (ref !== undefined) validate(v[k], getShape(ref.shape), `${name}.${k}`, out);
      }
      return;
    }
    case 'string':
      if (typeof v !== 'string') return void out.push({ name, reason: { kind: 'type', param: v, valid: [T_STR] } });
      if (shape.min !== undefined && [...v].length < shape.min) out.push({ name, reason: { kind: 'length', param: [...v].length, min: shape.min } });
      return;
    case 'list': {
      if (!Array.isArray(v)) return void out.push({ name, reason: { kind: 'type', param: v, valid: T_LIST } });
      if (shape.min !== undefined && v.length < shape.min) out.push({ name, reason: { kind: 'length', param: v.length, min: shape.min } });
      const member = getShape(shape.member.shape);
      v.forEach((item, i) => validate(item, member, `${name}[${i}]`, out));
      return;
    }
    case 'map': {
      if (!isDict(v)) return void out.push({ name, reason: { kind: 'type', param: v, valid: [T_DICT] } });
      const ks = getShape(shape.key.shape);
      const vs = getShape(shape.value.shape);
      for (const [k, x] of Object.entries(v)) {
        validate(k, ks, `${name} (key: ${k})`, out);
        validate(x, vs, `${name}.${k}`, out);
      }
      return;
    }
    case 'integer':
    case 'long':
      if (!isPyInt(v)) return void out.push({ name, reason: { kind: 'type', param: v, valid: [T_INT] } });
      if (shape.min !== undefined && Number(v) < shape.min) out.push({ name, reason: { kind: 'range', param: Number(v), min: shape.min } });
      return;
    case 'boolean':
      if (typeof v !== 'boolean') out.push({ name, reason: { kind: 'type', param: v, valid: [T_BOOL] } });
      return;
    case 'blob':
      if (typeof v === 'string' || v instanceof Uint8Array) return;
      out.push({ name, reason: { kind: 'type', param: v, valid: ["<class 'bytes'>", "<class 'bytearray'>", 'file-like object'] } });
      return;
    case 'timestamp':
      if (v instanceof Date || typeof v === 'number' || (typeof v === 'string' && !Number.isNaN(Date.parse(v)))) return;
      out.push({ name, reason: { kind: 'type', param: v, valid: ["<class 'datetime.datetime'>", 'timestamp-string'] } });
      return;
  }
}

function displayName(name: string): string {
  if (name === '') return 'input';
  return name.startsWith('.') ? name.slice(1) : name;
}

function format(p: Problem): string {
  const name = displayName(p.name);
  const r = p.reason;
  switch (r.kind) {
    case 'missing':
      return `Missing required parameter in ${name}: "${r.required}"`;
    case 'unknown':
      return `Unknown parameter in ${name}: "${r.param}", must be one of: ${r.valid.join(', ')}`;
    case 'type':
      return `Invalid type for parameter ${name}, value: ${pyStr(r.param)}, type: ${pyTypeName(r.param)}, valid types: ${r.valid.join(', ')}`;
    case 'range':
      return `Invalid value for parameter ${name}, value: ${r.param}, valid min value: ${r.min}`;
    case 'length':
      return `Invalid length for parameter ${name}, value: ${r.param}, valid min length: ${r.min}`;
  }
}

/** The validation report for `params` against the structure `shapeName`, or undefined if valid. */
export function validateParams(params: unknown, shapeName: string): string | undefined {
  const out: Problem[] = [];
  validate(params, getShape(shapeName), '', out);
  return out.length === 0 ? undefined : out.map(format).join('\n');
}
