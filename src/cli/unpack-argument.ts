/**
 * From command-line strings to request values, as the AWS CLI does it (argprocess.py): file:// and fileb://
 * contents first, then shorthand syntax for structures/maps and lists of them (unless the value looks like
 * JSON), JSON for the rest of the complex types, int()/bool for scalars.
 */
import { getShape, type Shape } from '../api/model.js';
import type { MemberArgument } from './argument-table.js';
import type { ParsedValue } from './arg-parser.js';
import { GeneralError, NumberParseError, ParamError } from './cli-errors.js';
import { getParamFile, ResourceLoadingError } from './param-file.js';
import { pyInt, PythonValueError } from './python-int.js';
import { pyJsonLoads, PyJsonDecodeError } from './python-json.js';
import { pyStr } from './python-repr.js';
import { ShorthandParseError, ShorthandParser } from './shorthand.js';
import { backCompatVisit } from './shorthand-visitor.js';

type Raw = string | string[] | boolean | number | Uint8Array;

const COMPLEX = new Set(['structure', 'map', 'list']);

function isComplex(shape: Shape): boolean {
  if (!COMPLEX.has(shape.type)) return false;
  if (shape.type === 'list') return COMPLEX.has(getShape(shape.member.shape).type);
  return true;
}

function looksLikeJson(value: Raw): boolean {
  const check = Array.isArray(value) && value.length > 0 ? value[0] : value;
  return typeof check === 'string' && /^\s*[[{]/.test(check);
}

function parseJson(value: string, cliName: string): unknown {
  try {
    return pyJsonLoads(value);
  } catch (e) {
    if (e instanceof PyJsonDecodeError) throw new ParamError(cliName, `Invalid JSON: ${e.message}\nJSON received: ${value}`);
    throw e;
  }
}

function numberOrUsage(f: () => number): number {
  try {
    return f();
  } catch (e) {
    if (e instanceof PythonValueError) throw new NumberParseError(e.message);
    throw e;
  }
}

function unpackScalar(shape: Shape, value: Raw): unknown {
  switch (shape.type) {
    case 'integer':
    case 'long':
      return numberOrUsage(() => pyInt(value));
    case 'boolean':
      if (typeof value === 'string') return value.toLowerCase() !== 'false' && value !== '';
      return Boolean(value);
    default:
      return value;
  }
}

function unpackCliArg(shape: Shape, value: Raw, cliName: string): unknown {
  if (!COMPLEX.has(shape.type)) return unpackScalar(shape, value);
  if (shape.type === 'structure' || shape.type === 'map') {
    const text = typeof value === 'string' ? value : pyStr(value);
    const trimmed = text.replace(/^\s+/, '');
    if (trimmed === '') throw new GeneralError('string index out of range');
    if (trimmed[0] === '{') return parseJson(text, cliName);
    throw new ParamError(cliName, `Invalid JSON:\n${text}`);
  }
  // list
  if (typeof value === 'string') {
    if (/^\s*\[/.test(value)) return parseJson(value, cliName);
  } else if (Array.isArray(value) && value.length === 1) {
    const single = (value[0] ?? '').trim();
    if (single !== '' && single[0] === '[') return parseJson(value[0] ?? '', cliName);
  }
  const member = shape.type === 'list' ? getShape(shape.member.shape) : shape;
  const items: Raw[] = Array.isArray(value) ? value : typeof value === 'string' ? [...value] : [value as Raw];
  try {
    return items.map((v) => unpackCliArg(member, v, cliName));
  } catch (e) {
    if (e instanceof NumberParseError) throw new ParamError(cliName, String(items[0] ?? ''));
    throw e;
  }
}

function parseShorthand(arg: MemberArgument, value: Raw): unknown {
  const parser = new ShorthandParser();
  const cliName = `--${arg.name}`;
  try {
    let parsed: unknown;
    if (Array.isArray(value)) parsed = value.map((v) => parser.parse(v));
    else if (typeof value === 'string') parsed = parser.parse(value);
    else parsed = parser.parse(pyStr(value));
    backCompatVisit(parsed, arg.ref.shape);
    return parsed;
  } catch (e) {
    if (e instanceof ShorthandParseError) throw new ParamError(cliName, e.message);
    if (e instanceof PythonValueError) throw new NumberParseError(e.message);
    throw e;
  }
}

/** The request value for one member argument given what the parser collected for it. */
export function unpackArgument(arg: MemberArgument, parsed: ParsedValue): unknown {
  let value: Raw = parsed;
  // load-cli-arg: file:// and fileb:// (a list of one element is unwrapped first).
  const candidate = Array.isArray(value) && value.length === 1 ? value[0] : value;
  if (typeof candidate === 'string') {
    try {
      const data = getParamFile(candidate);
      if (data !== undefined) value = data;
    } catch (e) {
      if (e instanceof ResourceLoadingError) throw new ParamError(`--${arg.name}`, e.message);
      throw e;
    }
  }
  if (typeof value === 'boolean') return value;
  // process-cli-arg: shorthand where the model allows it and the value does not look like JSON.
  if (!looksLikeJson(value) && isComplex(arg.shape)) return parseShorthand(arg, value);
  return unpackCliArg(arg.shape, value, `--${arg.name}`);
}
