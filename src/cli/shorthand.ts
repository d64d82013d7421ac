/**
 * The AWS CLI's shorthand syntax parser (awscli/shorthand.py, ported rule for rule so the same input gives
 * the same value or the same error text):
 *
 *   A=b,C=d            ⇒ {A: 'b', C: 'd'}
 *   A=b,c,C=d          ⇒ {A: ['b', 'c'], C: 'd'}
 *   A="x,y",B='it''s'  ⇒ quoted values keep their commas
 *   A=[b,c],B={C=d}    ⇒ explicit lists and nested structures
 *
 * Purely syntactic: the model-driven fix-ups (ints, booleans, scalar ⇒ [scalar]) are in shorthand-visitor.ts.
 */

export type ShorthandValue = string | ShorthandValue[] | { [key: string]: ShorthandValue };

export class ShorthandParseError extends Error {}

function errorLocation(value: string, index: number): string {
  let consumed = value;
  let remaining = '';
  let spaces = index;
  const before = value.slice(0, index);
  if (before.includes('\n')) spaces = index - before.lastIndexOf('\n') - 1;
  const after = value.slice(index);
  if (after.includes('\n')) {
    const next = index + after.indexOf('\n');
    consumed = value.slice(0, next);
    remaining = value.slice(next);
  }
  return `${consumed}\n${' '.repeat(spaces)}^${remaining}`;
}

export class ShorthandParseSyntaxError extends ShorthandParseError {
  constructor(value: string, expected: string, actual: string, index: number) {
    super(`Expected: '${expected}', received: '${actual}' for input:\n${errorLocation(value, index)}`);
  }
}

export class DuplicateKeyInObjectError extends ShorthandParseError {
  constructor(key: string, value: string, index: number) {
    super(
      `Second instance of key "${key}" encountered for input:\n${errorLocation(value, index)}\n` +
        'This is often because there is a preceding "," instead of a space.',
    );
  }
}

const START_WORD = '!#-&(-+\\--<>-Z\\\\-z\\u007c-\\uffff';
const FIRST_FOLLOW = '\\s!#-&(-+\\--\\\\^-|~-\\uffff';
const SECOND_FOLLOW = '\\s!#-&(-+\\--<>-\\uffff';
const ESCAPED_COMMA = '(\\\\,)';

interface NamedRegex {
  name: string;
  re: RegExp;
}

const named = (name: string, source: string): NamedRegex => ({ name, re: new RegExp(source, 'y') });

const SINGLE_QUOTED = named('singled quoted', "'(?:\\\\\\\\|\\\\'|[^'])*'");
const DOUBLE_QUOTED = named('double quoted', '"(?:\\\\\\\\|\\\\"|[^"])*"');
const FIRST_VALUE = named('first', `(${ESCAPED_COMMA}|[${START_WORD}])(${ESCAPED_COMMA}|[${FIRST_FOLLOW}])*`);
const SECOND_VALUE = named('second', `(${ESCAPED_COMMA}|[${START_WORD}])(${ESCAPED_COMMA}|[${SECOND_FOLLOW}])*`);

const KEY_CHARS = /[A-Za-z0-9\-_.#/:]/;
const WHITESPACE = /\s/;

function rstrip(s: string): string {
  return s.replace(/\s+$/, '');
}

export class ShorthandParser {
  private input = '';
  private index = 0;

  parse(value: string): Record<string, ShorthandValue> {
    this.input = value;
    this.index = 0;
    return this.parameter();
  }

  private parameter(): Record<string, ShorthandValue> {
    const params: Record<string, ShorthandValue> = {};
    const [key, val] = this.keyval();
    params[key] = val;
    let lastIndex = this.index;
    while (this.index < this.input.length) {
      this.expect(',', true);
      const [k, v] = this.keyval();
      if (Object.prototype.hasOwnProperty.call(params, k)) throw new DuplicateKeyInObjectError(k, this.input, lastIndex + 1);
      params[k] = v;
      lastIndex = this.index;
    }
    return params;
  }

  private keyval(): [string, ShorthandValue] {
    const key = this.key();
    this.expect('=', true);
    return [key, this.values()];
  }

  private key(): string {
    const start = this.index;
    while (!this.atEof() && KEY_CHARS.test(this.input[this.index] ?? '')) this.index++;
    return this.input.slice(start, this.index);
  }

  private values(): ShorthandValue {
    if (this.atEof()) return '';
    const c = this.current();
    if (c === '[') return this.explicitList();
    if (c === '{') return this.hashLiteral();
    return this.csvValue();
  }

  private csvValue(): ShorthandValue {
    const first = this.firstValue();
    this.consumeWhitespace();
    if (this.atEof() || this.input[this.index] !== ',') return first;
    this.expect(',', true);
    const list: ShorthandValue[] = [first];
    for (;;) {
      try {
        const current = this.secondValue();
        this.consumeWhitespace();
        if (this.atEof()) {
          list.push(current);
          break;
        }
        this.expect(',', true);
        list.push(current);
      } catch (e) {
        if (!(e instanceof ShorthandParseSyntaxError) || this.atEof()) throw e;
        this.backtrackTo(',');
        break;
      }
    }
    return list.length === 1 ? first : list;
  }

  private value(): string {
    const m = this.matchAt(FIRST_VALUE.re);
    if (m === undefined) return '';
    this.index += m.length;
    return rstrip(m.replaceAll('\\,', ','));
  }

  private explicitList(): ShorthandValue[] {
    this.expect('[', true);
    const values: ShorthandValue[] = [];
    while (this.current() !== ']') {
      values.push(this.explicitValues());
      this.consumeWhitespace();
      if (this.current() !== ']') {
        this.expect(',');
        this.consumeWhitespace();
      }
    }
    this.expect(']');
    return values;
  }

  private explicitValues(): ShorthandValue {
    const c = this.current();
    if (c === '[') return this.explicitList();
    if (c === '{') return this.hashLiteral();
    return this.firstValue();
  }

  private hashLiteral(): Record<string, ShorthandValue> {
    this.expect('{', true);
    const out: Record<string, ShorthandValue> = {};
    while (this.current() !== '}') {
      const key = this.key();
      this.expect('=', true);
      const v = this.explicitValues();
      this.consumeWhitespace();
      if (this.current() !== '}') {
        this.expect(',');
        this.consumeWhitespace();
      }
      out[key] = v;
    }
    this.expect('}');
    return out;
  }

  private firstValue(): string {
    const c = this.current();
    if (c === "'") return this.quoted(SINGLE_QUOTED, "'");
    if (c === '"') return this.quoted(DOUBLE_QUOTED, '"');
    return this.value();
  }

  private secondValue(): string {
    const c = this.current();
    if (c === "'") return this.quoted(SINGLE_QUOTED, "'");
    if (c === '"') return this.quoted(DOUBLE_QUOTED, '"');
    return rstrip(this.mustConsume(SECOND_VALUE).replaceAll('\\,', ','));
  }

  private quoted(regex: NamedRegex, quote: string): string {
    const v = this.mustConsume(regex).slice(1, -1);
    return v.replaceAll(`\\${quote}`, quote).replaceAll('\\\\', '\\');
  }

  private expect(ch: string, consumeWhitespace = false): void {
    if (consumeWhitespace) this.consumeWhitespace();
    if (this.index >= this.input.length) throw new ShorthandParseSyntaxError(this.input, ch, 'EOF', this.index);
    const actual = this.input[this.index] ?? '';
    if (actual !== ch) throw new ShorthandParseSyntaxError(this.input, ch, actual, this.index);
    this.index++;
    if (consumeWhitespace) this.consumeWhitespace();
  }

  private matchAt(re: RegExp): string | undefined {
    re.lastIndex = this.index;
    const m = re.exec(this.input);
    return m === null ? undefined : m[0];
  }

  private mustConsume(regex: NamedRegex): string {
    const m = this.matchAt(regex.re);
    if (m === undefined) throw new ShorthandParseSyntaxError(this.input, `<${regex.name}>`, '<none>', this.index);
    this.index += m.length;
    return m;
  }

  private current(): string | undefined {
    return this.index < this.input.length ? this.input[this.index] : undefined;
  }

  private atEof(): boolean {
    return this.index >= this.input.length;
  }

  private backtrackTo(ch: string): void {
    while (this.index >= 0 && this.input[this.index] !== ch) this.index--;
  }

  private consumeWhitespace(): void {
    while (this.index < this.input.length && WHITESPACE.test(this.input[this.index] ?? '')) this.index++;
  }
}
