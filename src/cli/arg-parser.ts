/**
 * The subset of Python's argparse (3.11) that the AWS CLI relies on, with its error texts: options with one
 * value, zero or more values (nargs '*'), an optional value (nargs '?', with a const), flags that store
 * true/false into a shared destination, `--opt=value`, unambiguous prefixes (`--secret` ⇒ `--secret-id`),
 * negative numbers as values, `--` ending options, `choices`, `type=int`, required options. Tokens it does
 * not know are returned as `extras`, in order, for the caller (the AWS CLI reports them as
 * "Unknown options: …").
 */
import { ArgParseError, invalidChoiceMessage } from './cli-errors.js';
import { pyStrRepr } from './python-repr.js';

export interface OptionSpec {
  /** '--secret-id' */
  flag: string;
  /** Where the value goes; booleans pairs share one. */
  dest: string;
  /** 1: one value; '*': zero or more; '?': optional (const if absent); 0: a flag storing `store`. */
  nargs: 1 | '*' | '?' | 0;
  store?: boolean;
  const?: string;
  choices?: readonly string[];
  /** argparse type=int: "invalid int value: 'x'". */
  int?: boolean;
  required?: boolean;
}

export type ParsedValue = string | string[] | boolean | number;

export interface ParseResult {
  values: Map<string, ParsedValue>;
  /** Option-looking tokens nobody knows and every positional but the first, in order. */
  extras: string[];
  /** Positionals (non-option tokens not consumed as values), in order; the first is not in `extras`. */
  positionals: string[];
}

const NEGATIVE_NUMBER = /^-\d+$|^-\d*\.\d+$/;

export class ArgParser {
  private readonly byFlag = new Map<string, OptionSpec>();

  constructor(private readonly specs: readonly OptionSpec[]) {
    for (const s of specs) this.byFlag.set(s.flag, s);
  }

  /** argparse's _parse_optional: the option a token names (with its `=value`), 'unknown' or undefined (an 'A'). */
  private classify(token: string): { spec: OptionSpec; explicit: string | undefined } | 'unknown' | undefined {
    if (token === '' || token[0] !== '-') return undefined;
    const exact = this.byFlag.get(token);
    if (exact !== undefined) return { spec: exact, explicit: undefined };
    if (token.length === 1) return undefined;
    let explicitSplit: { flag: string; value: string } | undefined;
    if (token.includes('=')) {
      const i = token.indexOf('=');
      const flag = token.slice(0, i);
      const spec = this.byFlag.get(flag);
      if (spec !== undefined) return { spec, explicit: token.slice(i + 1) };
      explicitSplit = { flag, value: token.slice(i + 1) };
    }
    if (token.startsWith('--')) {
      const prefix = explicitSplit?.flag ?? token;
      const matches = this.specs.filter((s) => s.flag.startsWith(prefix));
      if (matches.length > 1) {
        throw new ArgParseError(`ambiguous option: ${prefix} could match ${matches.map((m) => m.flag).join(', ')}`);
      }
      const only = matches[0];
      if (only !== undefined) return { spec: only, explicit: explicitSplit?.value };
    }
    if (NEGATIVE_NUMBER.test(token)) return undefined;
    if (token.includes(' ')) return undefined;
    return 'unknown';
  }

  parse(argv: readonly string[]): ParseResult {
    const values = new Map<string, ParsedValue>();
    const extras: string[] = [];
    const positionals: string[] = [];
    // Classify every token first, as argparse does ('O' option, 'A' argument, after '--' everything is 'A').
    const kinds: ('O' | 'A' | '--')[] = [];
    const classes: ReturnType<ArgParser['classify']>[] = [];
    let dashdash = false;
    for (const t of argv) {
      if (dashdash) {
        kinds.push('A');
        classes.push(undefined);
      } else if (t === '--') {
        dashdash = true;
        kinds.push('--');
        classes.push(undefined);
      } else {
        const c = this.classify(t);
        classes.push(c);
        kinds.push(c === undefined ? 'A' : 'O');
      }
    }
    const isArg = (j: number) => kinds[j] === 'A';
    let i = 0;
    while (i < argv.length) {
      const token = argv[i] as string;
      const kind = kinds[i];
      if (kind === '--') {
        i++;
        continue;
      }
      if (kind === 'A') {
        // The first positional fills the single optional positional (the AWS CLI's `help`); later ones are extras.
        if (positionals.length > 0) extras.push(token);
        positionals.push(token);
        i++;
        continue;
      }
      const c = classes[i];
      if (c === 'unknown' || c === undefined) {
        extras.push(token);
        i++;
        continue;
      }
      const { spec, explicit } = c;
      i++;
      if (spec.nargs === 0) {
        if (explicit !== undefined) throw new ArgParseError(`argument ${spec.flag}: ignored explicit argument ${pyStrRepr(explicit)}`);
        values.set(spec.dest, spec.store ?? true);
        continue;
      }
      if (spec.nargs === 1) {
        let v: string;
        if (explicit !== undefined) v = explicit;
        else {
          // Skip a literal '--' between the option and its value, as argparse does.
          if (i < argv.length && kinds[i] === '--' && i + 1 < argv.length) i++;
          if (i >= argv.length || !isArg(i)) throw new ArgParseError(`argument ${spec.flag}: expected one argument`);
          v = argv[i++] as string;
        }
        values.set(spec.dest, this.convert(spec, v));
        continue;
      }
      if (spec.nargs === '?') {
        if (explicit !== undefined) values.set(spec.dest, this.convert(spec, explicit));
        else if (i < argv.length && isArg(i)) values.set(spec.dest, this.convert(spec, argv[i++] as string));
        else values.set(spec.dest, this.convert(spec, spec.const ?? ''));
        continue;
      }
      // nargs '*'
      const list: string[] = explicit !== undefined ? [explicit] : [];
      if (explicit === undefined) {
        while (i < argv.length && (isArg(i) || kinds[i] === '--')) {
          if (kinds[i] === '--') {
            i++;
            continue;
          }
          list.push(argv[i++] as string);
        }
      }
      values.set(spec.dest, list);
    }
    const missing = this.specs.filter((s) => s.required === true && !values.has(s.dest)).map((s) => s.flag);
    if (missing.length > 0) throw new ArgParseError(`the following arguments are required: ${missing.join(', ')}`);
    return { values, extras, positionals };
  }

  /**
   * Reads one option of this parser at argv[i] if it is one (exactly, by unambiguous prefix, or as
   * `--opt=value`), for a parser that only picks its own options out of a longer command line.
   */
  tryOne(argv: readonly string[], i: number): { dest: string; value: ParsedValue; next: number } | undefined {
    const c = this.classify(argv[i] as string);
    if (c === undefined || c === 'unknown') return undefined;
    const { spec, explicit } = c;
    if (spec.nargs === 0) {
      if (explicit !== undefined) throw new ArgParseError(`argument ${spec.flag}: ignored explicit argument ${pyStrRepr(explicit)}`);
      return { dest: spec.dest, value: spec.store ?? true, next: i + 1 };
    }
    if (explicit !== undefined) return { dest: spec.dest, value: this.convert(spec, explicit), next: i + 1 };
    const next = argv[i + 1];
    const isValue = (t: string) => t === '-' || !t.startsWith('-') || NEGATIVE_NUMBER.test(t) || (t.includes(' ') && !this.byFlag.has(t));
    if (next === undefined || !isValue(next)) {
      if (spec.nargs === '?') return { dest: spec.dest, value: this.convert(spec, spec.const ?? ''), next: i + 1 };
      throw new ArgParseError(`argument ${spec.flag}: expected one argument`);
    }
    return { dest: spec.dest, value: this.convert(spec, next), next: i + 2 };
  }

  private convert(spec: OptionSpec, v: string): string | number {
    if (spec.int === true) {
      const m = /^\s*[+-]?\d+(?:_\d+)*\s*$/.exec(v);
      if (m === null) throw new ArgParseError(`argument ${spec.flag}: invalid int value: ${pyStrRepr(v)}`);
      return Number(v.trim().replaceAll('_', ''));
    }
    if (spec.choices !== undefined && !spec.choices.includes(v)) {
      throw new ArgParseError(invalidChoiceMessage(spec.flag, v, spec.choices));
    }
    return v;
  }
}
