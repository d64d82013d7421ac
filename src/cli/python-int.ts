/** Python's int(x) for what the CLI hands it (strings from the command line), with Python's error text. */
import { pyStrRepr, pyTypeName } from './python-repr.js';

/** A Python ValueError/TypeError raised while converting; the message is Python's. */
export class PythonValueError extends Error {}

const INT_LITERAL = /^[ \t\n\r\f\v]*([+-]?)(\d+(?:_\d+)*)[ \t\n\r\f\v]*$/;

export function pyInt(value: unknown): number {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') return Math.trunc(value);
  if (typeof value !== 'string') {
    const t = pyTypeName(value).replace(/^<class '(.*)'>$/, '$1');
    throw new PythonValueError(`int() argument must be a string, a bytes-like object or a real number, not '${t}'`);
  }
  const m = INT_LITERAL.exec(value);
  if (m === null) throw new PythonValueError(`invalid literal for int() with base 10: ${pyStrRepr(value)}`);
  return Number(`${m[1] ?? ''}${(m[2] ?? '').replaceAll('_', '')}`);
}
