/**
 * `--output table`, ported from awscli/table.py and formatter.TableFormatter: a centred title per section,
 * key/value rows for single objects, one row per element for lists of objects, nested sections framed with
 * one more `|` per level, columns scaled to the widest section, and sections with one row turned vertical
 * when the table is wider than the terminal (80 columns when stdout is not a terminal).
 */
import { textLength } from './east-asian-width.js';
import { pyCompare } from './output-text.js';
import { pyStr } from './python-repr.js';

export interface Styler {
  title(t: string): string;
  header(t: string): string;
  row(t: string): string;
  indent(t: string): string;
}

export const PLAIN: Styler = { title: (t) => t, header: (t) => t, row: (t) => t, indent: (t) => t };

/** colorama's BRIGHT+BLUE for cells and DIM+YELLOW for the frame, as ColorizedStyler. */
export const COLOR: Styler = {
  title: (t) => t,
  header: (t) => t,
  row: (t) => `\x1b[1m\x1b[34m${t}\x1b[0m`,
  indent: (t) => `\x1b[2m\x1b[33m${t}\x1b[0m`,
};

const spaces = (n: number) => ' '.repeat(Math.max(0, n));

/** Python's round(): half to even. */
function pyRound(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

class Section {
  title = '';
  headers: string[] = [];
  rows: string[][] = [];
  indentLevel = 0;
  private numCols: number | undefined;
  private maxWidths: number[] = [];

  columnWidths(padding = 0, maxWidth?: number): number[] {
    const unscaled = this.maxWidths.map((w) => w + padding);
    if (maxWidth === undefined || unscaled.length === 0) return unscaled;
    const scale = maxWidth / unscaled.reduce((a, b) => a + b, 0);
    const scaled = unscaled.map((w) => pyRound(scale * w));
    let offBy = scaled.reduce((a, b) => a + b, 0) - maxWidth;
    while (offBy !== 0) {
      const order = [...scaled.keys()];
      if (offBy < 0) order.reverse();
      for (const i of order) {
        if (offBy > 0) {
          scaled[i] = (scaled[i] ?? 0) - 1;
          offBy--;
        } else {
          scaled[i] = (scaled[i] ?? 0) + 1;
          offBy++;
        }
        if (offBy === 0) break;
      }
    }
    return scaled;
  }

  totalWidth(padding: number, withBorder: boolean, outerPadding: number): number {
    let total = 0;
    for (const w of this.columnWidths()) total += w + padding;
    if (withBorder) total += 2;
    total += outerPadding * 2;
    return Math.max(textLength(this.title) + 2 + outerPadding * 2, total);
  }

  addHeader(headers: string[]): void {
    this.updateMaxWidths(headers);
    if (this.numCols === undefined) this.numCols = headers.length;
    this.headers = headers;
  }

  addRow(row: unknown[]): void {
    if (this.numCols === undefined) this.numCols = row.length;
    if (row.length !== this.numCols) throw new Error(`Row should have ${this.numCols} elements, instead it has ${row.length}`);
    const r = row.map(pyStr);
    this.rows.push(r);
    this.updateMaxWidths(r);
  }

  private updateMaxWidths(row: string[]): void {
    if (this.maxWidths.length === 0) this.maxWidths = row.map(textLength);
    else row.forEach((el, i) => (this.maxWidths[i] = Math.max(textLength(el), this.maxWidths[i] ?? 0)));
  }
}

function centerText(text: string, length: number, left: string, right: string, textLen: number): string {
  const charStart = Math.floor(length / 2) - Math.floor(textLen / 2) - 1;
  const soFar = textLength(left) + charStart + textLen; // a negative start counts, as in Python
  return `${left}${spaces(charStart)}${text}${spaces(length - textLength(right) - soFar)}${right}`;
}

function alignLeft(text: string, length: number, left: string, right: string, textLen: number): string {
  const computed = textLen + 2 + textLength(left) + textLength(right);
  const padding = length - computed >= 0 ? 2 : 0;
  const soFar = left.length + padding + textLen;
  return `${left}${spaces(padding)}${text}${spaces(length - soFar - right.length)}${right}`;
}

class MultiTable {
  private sections: Section[] = [];
  private current: Section | undefined;

  constructor(
    private readonly terminalWidth: number,
    private readonly styler: Styler,
  ) {}

  newSection(title: string, indentLevel = 0): void {
    const s = new Section();
    s.title = title;
    s.indentLevel = indentLevel;
    this.sections.push(s);
    this.current = s;
  }

  private section(): Section {
    if (this.current === undefined) this.newSection('');
    return this.current as Section;
  }

  addRowHeader(headers: string[]): void {
    this.section().addHeader(headers);
  }

  addRow(row: unknown[]): void {
    this.section().addRow(row);
  }

  private maxWidth(): number {
    return Math.max(...this.sections.map((s) => s.totalWidth(4, true, s.indentLevel)));
  }

  render(): string {
    let max = this.maxWidth();
    if (max > this.terminalWidth) {
      this.sections = this.sections.map((s) => {
        if (s.rows.length !== 1 || s.headers.length === 0) return s;
        const v = new Section();
        v.title = s.title;
        v.indentLevel = s.indentLevel;
        const row = s.rows[0] ?? [];
        s.headers.forEach((h, i) => {
          if (i < row.length) v.addRow([h, row[i]]);
        });
        return v;
      });
      max = this.maxWidth();
    }
    const out: string[] = [`${'-'.repeat(max)}\n`];
    for (const s of this.sections) this.renderSection(s, max, out);
    return out.join('');
  }

  private renderSection(s: Section, maxWidth: number, out: string[]): void {
    const edge = this.styler.indent('|').repeat(s.indentLevel);
    const write = (line: string) => out.push(`${edge}${line}${edge}\n`);
    const width = maxWidth - s.indentLevel * 2;
    if (s.title !== '') {
      write(centerText(this.styler.title(s.title), width, '|', '|', textLength(s.title)));
      if (s.headers.length === 0 && s.rows.length === 0) write(`+${'-'.repeat(Math.max(0, width - 2))}+`);
    }
    if (s.headers.length > 0) {
      const widths = s.columnWidths(4, width);
      let line = '';
      s.headers.forEach((h, i) => {
        line += centerText(this.styler.header(h), widths[i] ?? 0, i === 0 ? '|' : '', '|', textLength(h));
      });
      write(lineBreak(widths));
      write(line);
    }
    if (s.rows.length > 0) {
      const widths = s.columnWidths(4, width);
      if (widths.length === 0) return;
      write(lineBreak(widths));
      for (const row of s.rows) {
        let line = '';
        widths.forEach((w, i) => {
          if (i >= row.length) return;
          const el = row[i] ?? '';
          line += alignLeft(this.styler.row(el), w, i === 0 ? '|' : '', '|', textLength(el));
        });
        write(line);
      }
      write(lineBreak(widths));
    }
  }
}

function lineBreak(widths: number[]): string {
  return widths.map((w, i) => (i === 0 ? `+${'-'.repeat(Math.max(0, w - 2))}+` : `${'-'.repeat(Math.max(0, w - 1))}+`)).join('');
}

type Dict = Record<string, unknown>;
const isDict = (v: unknown): v is Dict => typeof v === 'object' && v !== null && !Array.isArray(v);
const isScalar = (v: unknown) => !Array.isArray(v) && !isDict(v);

/** Python truthiness of a JSON value. */
function truthy(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (isDict(v)) return Object.keys(v).length > 0;
  return true;
}

function groupScalarKeys(d: Dict): [string[], string[]] {
  const headers: string[] = [];
  const more: string[] = [];
  for (const [k, v] of Object.entries(d)) (isScalar(v) ? headers : more).push(k);
  return [headers.sort(pyCompare), more.sort(pyCompare)];
}

class TableBuilder {
  constructor(private readonly table: MultiTable) {}

  build(title: string | undefined, current: unknown, indent = 0): boolean {
    if (!truthy(current)) return false;
    if (title !== undefined) this.table.newSection(title, indent);
    if (Array.isArray(current)) {
      if (isDict(current[0])) this.fromList(current, indent, title);
      else {
        for (const item of current) {
          if (isScalar(item)) this.table.addRow([item]);
          // Python iterates a dict's keys here, so a dict always counts as "all scalars": its keys become the row.
          else if (!Array.isArray(item) || item.every(isScalar)) this.table.addRow(Array.isArray(item) ? item : Object.keys(item as Dict));
          else this.build(undefined, item);
        }
      }
    }
    if (isDict(current)) this.fromDict(current, indent);
    return true;
  }

  private fromDict(d: Dict, indent: number): void {
    const [headers, more] = groupScalarKeys(d);
    if (headers.length === 1) {
      const h = headers[0] as string;
      this.table.addRow([h, d[h]]);
    } else if (headers.length > 0) {
      this.table.addRowHeader(headers);
      this.table.addRow(headers.map((k) => d[k]));
    }
    for (const k of more) this.build(k, d[k], indent + 1);
  }

  private fromList(list: unknown[], indent: number, title: string | undefined): void {
    const hs = new Set<string>();
    const ms = new Set<string>();
    for (const item of list) {
      if (!isDict(item)) continue;
      const [h, m] = groupScalarKeys(item);
      h.forEach((x) => hs.add(x));
      m.forEach((x) => ms.add(x));
    }
    const headers = [...hs].sort(pyCompare);
    const more = [...ms].sort(pyCompare);
    this.table.addRowHeader(headers);
    let first = true;
    for (const el of list) {
      const e = isDict(el) ? el : {};
      if (!first && more.length > 0) {
        this.table.newSection(title ?? '', indent);
        this.table.addRowHeader(headers);
      }
      first = false;
      this.table.addRow(headers.map((h) => (Object.prototype.hasOwnProperty.call(e, h) ? e[h] : '')));
      for (const k of more) if (Object.prototype.hasOwnProperty.call(e, k)) this.build(k, e[k], indent + 1);
    }
  }
}

export function formatTable(title: string, data: unknown, opts: { width: number; styler?: Styler }): string {
  const table = new MultiTable(opts.width, opts.styler ?? PLAIN);
  if (!new TableBuilder(table).build(title, data)) return '';
  return table.render();
}
