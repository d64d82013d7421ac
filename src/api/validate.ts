/**
 * Model-driven input validation for every operation, in two phases like the real JSON-protocol service:
 *
 * 1. Deserialisation (type check): the body must be a JSON object and every *known* member must have the JSON
 *    type its shape needs. The first mismatch ⇒ SerializationException naming the member (never its value).
 *    Unknown members are ignored; `null` counts as absent.
 * 2. Constraints: required / length / range / pattern / enum, ALL violations collected in model member order
 *    (depth-first) ⇒ one ValidationException in the standard AWS wording:
 *    `N validation error(s) detected: Value '<v>' at '<path>' failed to satisfy constraint: Member must …; …`.
 *    Paths lowercase the first letter of each member and address list items as `<list>.<1-based index>.member`.
 *    Values of sensitive shapes are never printed (`Value at '<path>' …`).
 *
 * String lengths are JavaScript `length` (UTF-16 code units), which is what Java's String.length() — and hence
 * AWS — counts. Blob lengths are decoded bytes.
 */
import { err } from '../domain/errors.js';
import { getShape, inputShapeOf, type OperationName, type Shape, type StructureShape } from './model.js';

/** Printed values longer than this are cut and suffixed with '...'. */
const MAX_PRINTED = 256;
const JAVA_INT_MIN = -2147483648;
const JAVA_INT_MAX = 2147483647;
const JAVA_LONG_LIMIT = 9223372036854775808; // 2^63: a long holds [-2^63, 2^63).
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

type JsonObject = Record<string, unknown>;

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Own, non-null member value (null and inherited properties count as absent). */
function memberValue(obj: JsonObject, name: string): unknown {
  return Object.prototype.hasOwnProperty.call(obj, name) ? obj[name] : undefined;
}

function isAbsent(v: unknown): v is null | undefined {
  return v === null || v === undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Patterns. The model's patterns are Java regexes that must match the whole value (Java Matcher.matches()).
// Java allows escaping any punctuation (`\!`, `\=`); JS's unicode mode does not, so such escapes are rewritten
// to the plain character before compiling with the 'u' flag.

const U_SYNTAX = new Set(['^', '$', '\\', '.', '*', '+', '?', '(', ')', '[', ']', '{', '}', '|', '/']);
const patternCache = new Map<string, RegExp>();

function javaToJsPattern(java: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < java.length; i++) {
    const c = java[i] ?? '';
    if (c === '\\' && i + 1 < java.length) {
      const n = java[i + 1] ?? '';
      i++;
      if (/[A-Za-z0-9]/.test(n) || U_SYNTAX.has(n) || (n === '-' && inClass)) out += '\\' + n;
      else out += n; // Needless Java escape of a non-special character.
      continue;
    }
    if (c === '[' && !inClass) inClass = true;
    else if (c === ']' && inClass) inClass = false;
    out += c;
  }
  return out;
}

/** Compiles a model pattern as a whole-value matcher (unicode mode where possible). */
export function compileModelPattern(pattern: string): RegExp {
  const cached = patternCache.get(pattern);
  if (cached !== undefined) return cached;
  let re: RegExp;
  try {
    re = new RegExp(`^(?:${javaToJsPattern(pattern)})$`, 'u');
  } catch {
    re = new RegExp(`^(?:${pattern})$`);
  }
  patternCache.set(pattern, re);
  return re;
}

// ---------------------------------------------------------------------------------------------------------
// Phase 1: type check.

function describeJson(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return 'a string';
  if (typeof v === 'number') return Number.isInteger(v) ? 'an integer number' : 'a number';
  if (typeof v === 'boolean') return 'a boolean';
  return `a ${typeof v} value`;
}

function typeError(where: string, expected: string, got: unknown): never {
  throw err.serialization(`Unexpected value type for '${where}': expected ${expected}, got ${describeJson(got)}`);
}

function typeCheck(shape: Shape, value: unknown, where: string): void {
  switch (shape.type) {
    case 'string':
      if (typeof value !== 'string') typeError(where, 'a string', value);
      return;
    case 'integer':
    case 'long': {
      if (typeof value !== 'number' || !Number.isFinite(value)) typeError(where, 'an integer number', value);
      if (!Number.isInteger(value)) {
        throw err.serialization(`Unexpected value type for '${where}': expected an integer number, got a fractional number`);
      }
      const inRange =
        shape.type === 'integer'
          ? value >= JAVA_INT_MIN && value <= JAVA_INT_MAX
          : value >= -JAVA_LONG_LIMIT && value < JAVA_LONG_LIMIT;
      if (!inRange) {
        throw err.serialization(
          `Numeric value for '${where}' is out of range for ${shape.type === 'integer' ? 'an Integer' : 'a Long'}`,
        );
      }
      return;
    }
    case 'boolean':
      if (typeof value !== 'boolean') typeError(where, 'a boolean', value);
      return;
    case 'blob':
      if (typeof value !== 'string') typeError(where, 'a base64-encoded string', value);
      if (!BASE64.test(value)) throw err.serialization(`Invalid base64 value for '${where}'`);
      return;
    case 'timestamp':
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        typeError(where, 'a number (epoch seconds)', value);
      }
      return;
    case 'list': {
      if (!Array.isArray(value)) typeError(where, 'an array', value);
      const item = getShape(shape.member.shape);
      value.forEach((v: unknown, i) => {
        if (!isAbsent(v)) typeCheck(item, v, `${where}[${i}]`);
      });
      return;
    }
    case 'map': {
      if (!isObject(value)) typeError(where, 'an object', value);
      const val = getShape(shape.value.shape);
      for (const [k, v] of Object.entries(value)) {
        if (!isAbsent(v)) typeCheck(val, v, `${where}.${k}`);
      }
      return;
    }
    case 'structure': {
      if (!isObject(value)) typeError(where, 'an object', value);
      for (const [name, ref] of Object.entries(shape.members)) {
        const v = memberValue(value, name);
        if (!isAbsent(v)) typeCheck(getShape(ref.shape), v, where === '' ? name : `${where}.${name}`);
      }
      return;
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Phase 2: constraints. Runs only after phase 1 succeeded, so values have their shape's JSON type.

function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

function truncate(s: string): string {
  if (s.length <= MAX_PRINTED) return s;
  let cut = s.slice(0, MAX_PRINTED);
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1); // Do not split a surrogate pair.
  return `${cut}...`;
}

/** Java-toString-like rendering; nested sensitive values become '***'. Stops early once past MAX_PRINTED. */
function render(shape: Shape, value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (shape.sensitive === true) return '***';
  switch (shape.type) {
    case 'list': {
      if (!Array.isArray(value)) return String(value);
      const item = getShape(shape.member.shape);
      let out = '[';
      for (let i = 0; i < value.length && out.length <= MAX_PRINTED; i++) {
        out += (i > 0 ? ', ' : '') + render(item, value[i]);
      }
      return `${out}]`;
    }
    case 'map': {
      if (!isObject(value)) return String(value);
      const val = getShape(shape.value.shape);
      const parts: string[] = [];
      let size = 0;
      for (const [k, v] of Object.entries(value)) {
        if (size > MAX_PRINTED) break;
        const part = `${k}=${render(val, v)}`;
        parts.push(part);
        size += part.length + 2;
      }
      return `{${parts.join(', ')}}`;
    }
    case 'structure': {
      if (!isObject(value)) return String(value);
      const parts: string[] = [];
      let size = 0;
      for (const [name, ref] of Object.entries(shape.members)) {
        if (size > MAX_PRINTED) break;
        const v = memberValue(value, name);
        if (isAbsent(v)) continue;
        const part = `${name}=${render(getShape(ref.shape), v)}`;
        parts.push(part);
        size += part.length + 2;
      }
      return `{${parts.join(', ')}}`;
    }
    case 'string':
    case 'blob':
      return typeof value === 'string' ? value.slice(0, MAX_PRINTED + 1) : String(value);
    default:
      return String(value);
  }
}

class Collector {
  readonly errors: string[] = [];

  add(shape: Shape, value: unknown, path: string, constraint: string): void {
    const printed =
      value === null || value === undefined
        ? 'Value null'
        : shape.sensitive === true
          ? 'Value'
          : `Value '${truncate(render(shape, value))}'`;
    this.errors.push(`${printed} at '${path}' failed to satisfy constraint: ${constraint}`);
  }
}

function checkLength(shape: Shape & { min?: number; max?: number }, value: unknown, length: number, path: string, c: Collector): void {
  if (shape.min !== undefined && length < shape.min) {
    c.add(shape, value, path, `Member must have length greater than or equal to ${shape.min}`);
  }
  if (shape.max !== undefined && length > shape.max) {
    c.add(shape, value, path, `Member must have length less than or equal to ${shape.max}`);
  }
}

function base64ByteLength(b64: string): number {
  const padding = b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0;
  return (b64.length / 4) * 3 - padding;
}

function checkValue(shape: Shape, value: unknown, path: string, c: Collector): void {
  switch (shape.type) {
    case 'string': {
      if (typeof value !== 'string') return;
      checkLength(shape, value, value.length, path, c);
      if (shape.pattern !== undefined && !compileModelPattern(shape.pattern).test(value)) {
        c.add(shape, value, path, `Member must satisfy regular expression pattern: ${shape.pattern}`);
      }
      if (shape.enum !== undefined && !shape.enum.includes(value)) {
        c.add(shape, value, path, `Member must satisfy enum value set: [${shape.enum.join(', ')}]`);
      }
      return;
    }
    case 'integer':
    case 'long': {
      if (typeof value !== 'number') return;
      if (shape.min !== undefined && value < shape.min) {
        c.add(shape, value, path, `Member must have value greater than or equal to ${shape.min}`);
      }
      if (shape.max !== undefined && value > shape.max) {
        c.add(shape, value, path, `Member must have value less than or equal to ${shape.max}`);
      }
      return;
    }
    case 'blob':
      if (typeof value === 'string') checkLength(shape, value, base64ByteLength(value), path, c);
      return;
    case 'boolean':
    case 'timestamp':
      return;
    case 'list': {
      if (!Array.isArray(value)) return;
      checkLength(shape, value, value.length, path, c);
      const item = getShape(shape.member.shape);
      value.forEach((v: unknown, i) => {
        const itemPath = `${path}.${i + 1}.member`;
        if (isAbsent(v)) c.add(item, null, itemPath, 'Member must not be null');
        else checkValue(item, v, itemPath, c);
      });
      return;
    }
    case 'map': {
      if (!isObject(value)) return;
      const entries = Object.entries(value);
      checkLength(shape, value, entries.length, path, c);
      const key = getShape(shape.key.shape);
      const val = getShape(shape.value.shape);
      for (const [k, v] of entries) {
        const entryPath = `${path}.${k}`;
        checkValue(key, k, entryPath, c);
        if (isAbsent(v)) c.add(val, null, entryPath, 'Member must not be null');
        else checkValue(val, v, entryPath, c);
      }
      return;
    }
    case 'structure':
      if (isObject(value)) checkStructure(shape, value, path, c);
      return;
  }
}

function checkStructure(shape: StructureShape, value: JsonObject, path: string, c: Collector): void {
  const required = new Set(shape.required ?? []);
  for (const [name, ref] of Object.entries(shape.members)) {
    const memberPath = path === '' ? lowerFirst(name) : `${path}.${lowerFirst(name)}`;
    const member = getShape(ref.shape);
    const v = memberValue(value, name);
    if (isAbsent(v)) {
      if (required.has(name)) c.add(member, null, memberPath, 'Member must not be null');
    } else {
      checkValue(member, v, memberPath, c);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------

/**
 * Validates an operation's parsed JSON body against the model. An absent body (undefined/null) is treated as
 * `{}`. Throws AwsError SerializationException (wrong JSON types) or ValidationException (constraints).
 */
export function validateInput(op: OperationName, input: unknown): void {
  const body = isAbsent(input) ? {} : input;
  if (!isObject(body)) {
    throw err.serialization(`Unexpected value type for the request body: expected a JSON object, got ${describeJson(body)}`);
  }
  const shapeName = inputShapeOf(op);
  if (shapeName === undefined) return;
  const shape = getShape(shapeName);
  if (shape.type !== 'structure') return;
  typeCheck(shape, body, '');
  const c = new Collector();
  checkStructure(shape, body, '', c);
  const n = c.errors.length;
  if (n > 0) {
    throw err.validation(`${n} validation error${n === 1 ? '' : 's'} detected: ${c.errors.join('; ')}`);
  }
}
