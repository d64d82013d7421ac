/**
 * Rotation schedules (spec §8.9–§8.11, §13 items 22–24; dependencies.md §4). Pure: no clock, no I/O; the
 * only randomness is the `random()` passed to pickStartTime. All times are epoch milliseconds, UTC.
 *
 * Grammar accepted (AWS Secrets Manager, stricter than EventBridge):
 * - `AutomaticallyAfterDays` 1–1000, never together with `ScheduleExpression`.
 * - `rate(N hour|hours|day|days)`, N a positive integer; units are interchangeable singular/plural.
 *   Hours: 4–23. Intervals of 24 hours or more are REJECTED (write them in days; this mirrors the 4–23
 *   hour / 1–999 day lists of third-party policy references) — we do not silently convert `rate(48 hours)`.
 *   Days: 1–999.
 * - `cron(Minutes Hours DoM Month DoW Year)`: Minutes `0`; Year `*`; Hours 0–23 with `, - * /`;
 *   DoM 1–31 with `, - * ? / L`; Month 1–12/JAN–DEC with `, - * /`; DoW 1–7/SUN–SAT (1 = SUN) with
 *   `# , - * ? / L` (`L` alone = every Saturday, `xL` = last x of the month, `x#n` = n-th x, n 1–5).
 *   Exactly one of DoM/DoW is `?`. `W` is rejected. Names are case-insensitive. Steps: `a/s`, `/s`
 *   (= from the field minimum), `* /s`, `a-b/s`. Ranges must not wrap (`FRI-MON` is rejected: unverified
 *   on AWS, and no library implements it).
 *
 * Choices where AWS documents nothing (all [U]):
 * - rate(N hours): windows open at 00:00 UTC and then every N hours, restarting each UTC day
 *   (`rate(5 hours)` ⇒ 00, 05, 10, 15, 20). The last window of a day may be nearer than N hours to the next
 *   midnight; that is accepted (the user asked for N).
 * - cron: consecutive windows must start ≥ 4 hours apart, including across midnight when two consecutive
 *   days can both match (`cron(0 0,22 * * ? *)` is rejected; `cron(0 2/10 * * ? *)` = 02, 12, 22 is fine).
 * - A cron that can never fire (`cron(0 0 31 2 ? *)`) is rejected.
 * - Default window: days schedules 00:00 → 24:00; rate(hours) and crons with several hours per day 1 h; a
 *   cron with one hour per day runs to the end of that UTC day. Duration must be 1h–24h, no window may
 *   cross 24:00 UTC nor reach into the next window; for rate(N hours) Duration ≤ N hours as well.
 * - Missed windows (see nextWindow): the next window is the first one that has not ended yet.
 */

import { err } from './errors.js';

export interface RotationRulesInput {
  AutomaticallyAfterDays?: number;
  Duration?: string;
  ScheduleExpression?: string;
}

export type Schedule =
  | { kind: 'days'; days: number; durationHours?: number }
  | { kind: 'hours'; hours: number; durationHours?: number }
  | { kind: 'cron'; expr: CronExpr; durationHours?: number };

/** Which days a cron matches: exactly one of Day-of-month / Day-of-week is not `?`. */
export type CronDaySpec =
  | {
      readonly kind: 'dayOfMonth';
      /** Explicit days 1–31 (days past the month's end never match). */
      readonly days: readonly number[];
      /** `L`: the last day of the month. */
      readonly last: boolean;
    }
  | {
      readonly kind: 'dayOfWeek';
      /** Weekdays 1–7, 1 = Sunday. */
      readonly days: readonly number[];
      /** `x#n`: the n-th weekday x of the month. */
      readonly nth: readonly { readonly day: number; readonly n: number }[];
      /** `xL`: the last weekday x of the month. */
      readonly last: readonly number[];
    };

/** A parsed, validated 6-field Secrets Manager cron (minutes are always 0, year always `*`). Plain data. */
export interface CronExpr {
  readonly source: string;
  /** Sorted, unique, 0–23. */
  readonly hours: readonly number[];
  /** Sorted, unique, 1–12. */
  readonly months: readonly number[];
  readonly day: CronDaySpec;
}

export interface Window {
  start: number;
  /** Exclusive. NextRotationDate = end − 1000 ms. */
  end: number;
}

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
const MIN_GAP_HOURS = 4;
/** The Gregorian calendar repeats every 400 years (146097 days = 20871 weeks). */
const CYCLE_YEARS = 400;

export const SCHEDULE_MESSAGES = {
  both: 'You cannot specify both rotation frequency and schedule expression together.',
  none: 'You must specify either AutomaticallyAfterDays or ScheduleExpression in RotationRules.',
  days: 'RotationRules.AutomaticallyAfterDays must be within 1-1000.',
  expressionChars:
    'Invalid ScheduleExpression: it must be 1-256 characters long and use only 0-9 A-Z a-z ( ) # ? * - / , and space.',
  expressionKind: 'Invalid ScheduleExpression: it must be a rate() or a cron() expression.',
  rateSyntax:
    'Invalid rate() expression: use rate(<Value> <Unit>) with a positive integer Value and a Unit of hour, hours, day or days.',
  rateTooOften: 'Invalid rate() expression: Secrets Manager can rotate a secret at most every four hours.',
  rateHoursTooLong:
    'Invalid rate() expression: express intervals of 24 hours or more in days, for example rate(2 days).',
  rateDaysTooLong: 'Invalid rate() expression: the interval can be at most 999 days.',
  cronFields: (n: number) =>
    `Invalid cron() expression: expected 6 fields (Minutes Hours Day-of-month Month Day-of-week Year), got ${n}.`,
  cronMinutes: 'Invalid cron() expression: the Minutes field must be 0.',
  cronYear: 'Invalid cron() expression: the Year field must be *.',
  cronQuestion: 'Invalid cron() expression: exactly one of Day-of-month and Day-of-week must be ?.',
  cronW: 'Invalid cron() expression: the W (nearest weekday) wildcard is not supported.',
  cronField: (field: string, value: string, why: string) =>
    `Invalid cron() expression: invalid ${field} field '${value}': ${why}.`,
  cronTooOften: 'Invalid cron() expression: rotation windows must be at least four hours apart.',
  cronNever: 'Invalid cron() expression: the expression never matches a date.',
  durationSyntax: 'Invalid Duration: it must be a whole number of hours such as 3h.',
  durationMin: 'Invalid Duration: it must be at least 1h.',
  durationMax: 'Invalid Duration: it must be at most 24h.',
  durationMidnight: (startHour: number) =>
    `Invalid Duration: the rotation window starting at ${String(startHour).padStart(2, '0')}:00 UTC must not extend past 24:00 UTC.`,
  durationOverlap: (gapHours: number) =>
    `Invalid Duration: the rotation window must not extend into the next rotation window (${gapHours}h later).`,
  durationRate: (hours: number) => `Invalid Duration: it must not exceed the rate() interval of ${hours} hours.`,
} as const;

// ---------------------------------------------------------------------------------------------------------
// RotationRules

export function parseRotationRules(r: RotationRulesInput): Schedule {
  const days = r.AutomaticallyAfterDays;
  const expression = r.ScheduleExpression;
  if (days !== undefined && expression !== undefined) throw err.invalidParameter(SCHEDULE_MESSAGES.both);
  if (days === undefined && expression === undefined) throw err.invalidParameter(SCHEDULE_MESSAGES.none);

  const durationHours = r.Duration === undefined ? undefined : parseDuration(r.Duration);
  let schedule: Schedule;
  if (days !== undefined) {
    if (!Number.isInteger(days) || days < 1 || days > 1000) throw err.invalidParameter(SCHEDULE_MESSAGES.days);
    schedule = { kind: 'days', days };
  } else {
    schedule = parseScheduleExpression(expression ?? '');
  }
  if (durationHours === undefined) return schedule;
  checkDuration(schedule, durationHours);
  return { ...schedule, durationHours };
}

function parseDuration(text: string): number {
  const m = /^([0-9]+)h$/.exec(text);
  if (!m?.[1]) throw err.invalidParameter(SCHEDULE_MESSAGES.durationSyntax);
  const hours = Number(m[1]);
  if (hours < 1) throw err.invalidParameter(SCHEDULE_MESSAGES.durationMin);
  if (hours > 24) throw err.invalidParameter(SCHEDULE_MESSAGES.durationMax);
  return hours;
}

/** Window starts within a UTC day, for the Duration checks. */
function checkDuration(s: Schedule, d: number): void {
  if (s.kind === 'days') return; // starts 00:00; 1h–24h always fits
  const starts = s.kind === 'hours' ? rateHourStarts(s.hours) : s.expr.hours;
  if (s.kind === 'hours' && d > s.hours) throw err.invalidParameter(SCHEDULE_MESSAGES.durationRate(s.hours));
  for (let i = 0; i + 1 < starts.length; i++) {
    const gap = (starts[i + 1] ?? 0) - (starts[i] ?? 0);
    if (d > gap) throw err.invalidParameter(SCHEDULE_MESSAGES.durationOverlap(gap));
  }
  const lastStart = starts[starts.length - 1] ?? 0;
  if (lastStart + d > 24) throw err.invalidParameter(SCHEDULE_MESSAGES.durationMidnight(lastStart));
}

function parseScheduleExpression(text: string): Schedule {
  if (text.length < 1 || text.length > 256 || !/^[0-9A-Za-z()#?*\-/, ]+$/.test(text)) {
    throw err.invalidParameter(SCHEDULE_MESSAGES.expressionChars);
  }
  if (text.startsWith('rate(') && text.endsWith(')')) return parseRate(text.slice(5, -1));
  if (text.startsWith('cron(') && text.endsWith(')')) {
    return { kind: 'cron', expr: parseCronExpression(text) };
  }
  throw err.invalidParameter(SCHEDULE_MESSAGES.expressionKind);
}

function parseRate(body: string): Schedule {
  const m = /^ *([0-9]+) +(hours?|days?) *$/.exec(body);
  if (!m?.[1] || !m[2]) throw err.invalidParameter(SCHEDULE_MESSAGES.rateSyntax);
  const n = Number(m[1]);
  if (n < 1) throw err.invalidParameter(SCHEDULE_MESSAGES.rateSyntax);
  if (m[2].startsWith('hour')) {
    if (n < MIN_GAP_HOURS) throw err.invalidParameter(SCHEDULE_MESSAGES.rateTooOften);
    if (n >= 24) throw err.invalidParameter(SCHEDULE_MESSAGES.rateHoursTooLong);
    return { kind: 'hours', hours: n };
  }
  if (n > 999) throw err.invalidParameter(SCHEDULE_MESSAGES.rateDaysTooLong);
  return { kind: 'days', days: n };
}

// ---------------------------------------------------------------------------------------------------------
// cron() parsing

const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: readonly string[]; // names[i] ⇔ min + i
}
const HOURS_FIELD: FieldSpec = { name: 'Hours', min: 0, max: 23 };
const DOM_FIELD: FieldSpec = { name: 'Day-of-month', min: 1, max: 31 };
const MONTH_FIELD: FieldSpec = { name: 'Month', min: 1, max: 12, names: MONTH_NAMES };
const DOW_FIELD: FieldSpec = { name: 'Day-of-week', min: 1, max: 7, names: DAY_NAMES };

/**
 * Parses and validates `cron(...)` (the `cron(` wrapper is required) under the Secrets Manager rules,
 * including the 4-hour spacing and "can fire at all" checks. Throws InvalidParameterException.
 */
export function parseCronExpression(text: string): CronExpr {
  if (!text.startsWith('cron(') || !text.endsWith(')')) throw err.invalidParameter(SCHEDULE_MESSAGES.expressionKind);
  const fields = text.slice(5, -1).trim().split(/ +/).filter((f) => f !== '');
  if (fields.length !== 6) throw err.invalidParameter(SCHEDULE_MESSAGES.cronFields(fields.length));
  const [minutes, hoursF, domF, monthF, dowF, yearF] = fields as [string, string, string, string, string, string];
  if (minutes !== '0') throw err.invalidParameter(SCHEDULE_MESSAGES.cronMinutes);
  if (yearF !== '*') throw err.invalidParameter(SCHEDULE_MESSAGES.cronYear);
  if (/w/i.test(domF)) throw err.invalidParameter(SCHEDULE_MESSAGES.cronW);
  if ((domF === '?') === (dowF === '?')) throw err.invalidParameter(SCHEDULE_MESSAGES.cronQuestion);

  const hours = parseList(hoursF, HOURS_FIELD, () => undefined);
  const months = parseList(monthF, MONTH_FIELD, () => undefined);
  const day = domF === '?' ? parseDayOfWeek(dowF) : parseDayOfMonth(domF);
  const expr: CronExpr = { source: text, hours, months, day };

  if (nextCronOccurrence(expr, Date.UTC(2000, 0, 1)) === undefined) {
    throw err.invalidParameter(SCHEDULE_MESSAGES.cronNever);
  }
  checkSpacing(expr);
  return expr;
}

function fieldError(spec: FieldSpec, value: string, why: string): Error {
  return err.invalidParameter(SCHEDULE_MESSAGES.cronField(spec.name, value, why));
}

/**
 * Parses a comma list. `special(item)` may claim an item (returns true) before the generic
 * `*`, `a`, `a-b`, `/s`, `a/s`, `* /s`, `a-b/s` grammar applies.
 */
function parseList(
  text: string,
  spec: FieldSpec,
  special: (item: string) => true | undefined,
  rewrite: (item: string) => string = (item) => item,
): number[] {
  const out = new Set<number>();
  for (const item of text.split(',')) {
    if (item === '') throw fieldError(spec, text, 'empty list item');
    if (special(item)) continue;
    for (const v of parseItem(rewrite(item), spec, text)) out.add(v);
  }
  return [...out].sort((a, b) => a - b);
}

function parseItem(item: string, spec: FieldSpec, whole: string): number[] {
  const parts = item.split('/');
  if (parts.length > 2) throw fieldError(spec, whole, `'${item}' has more than one /`);
  const range = parts[0] ?? '';
  const stepText = parts[1];
  let step = 1;
  if (stepText !== undefined) {
    if (!/^[0-9]+$/.test(stepText) || Number(stepText) < 1) {
      throw fieldError(spec, whole, `the increment in '${item}' must be a positive integer`);
    }
    step = Number(stepText);
  }
  let lo: number;
  let hi: number;
  if (range === '*' || (range === '' && stepText !== undefined)) {
    lo = spec.min;
    hi = spec.max;
  } else if (range.includes('-')) {
    const [a, b, ...rest] = range.split('-');
    if (rest.length > 0 || a === undefined || b === undefined) throw fieldError(spec, whole, `bad range '${range}'`);
    lo = parseValue(a, spec, whole);
    hi = parseValue(b, spec, whole);
    if (lo > hi) throw fieldError(spec, whole, `range '${range}' runs backwards`);
  } else {
    lo = parseValue(range, spec, whole);
    hi = stepText === undefined ? lo : spec.max;
  }
  const values: number[] = [];
  for (let v = lo; v <= hi; v += step) values.push(v);
  return values;
}

function parseValue(text: string, spec: FieldSpec, whole: string): number {
  let v: number | undefined;
  if (/^[0-9]+$/.test(text)) v = Number(text);
  else if (spec.names) {
    const i = spec.names.indexOf(text.toUpperCase());
    if (i >= 0) v = spec.min + i;
  }
  if (v === undefined) throw fieldError(spec, whole, `'${text}' is not a valid value`);
  if (v < spec.min || v > spec.max) {
    throw fieldError(spec, whole, `${v} is outside ${spec.min}-${spec.max}`);
  }
  return v;
}

function parseDayOfMonth(text: string): CronDaySpec {
  let last = false;
  const days = parseList(text, DOM_FIELD, (item) => {
    if (item.toUpperCase() !== 'L') return undefined;
    last = true;
    return true;
  });
  return { kind: 'dayOfMonth', days, last };
}

function parseDayOfWeek(text: string): CronDaySpec {
  const nth: { day: number; n: number }[] = [];
  const last = new Set<number>();
  const days = parseList(text, DOW_FIELD, (item) => {
    const up = item.toUpperCase();
    if (up === 'L') return undefined; // `L` alone = Saturday: generic parse of '7' below
    if (up.endsWith('L')) {
      last.add(parseValue(item.slice(0, -1), DOW_FIELD, text));
      return true;
    }
    const hash = item.indexOf('#');
    if (hash < 0) return undefined;
    const day = parseValue(item.slice(0, hash), DOW_FIELD, text);
    const nText = item.slice(hash + 1);
    if (!/^[1-5]$/.test(nText)) throw fieldError(DOW_FIELD, text, `'#${nText}' must be #1 to #5`);
    if (!nth.some((x) => x.day === day && x.n === Number(nText))) nth.push({ day, n: Number(nText) });
    return true;
  }, (item) => (item.toUpperCase() === 'L' ? '7' : item));
  return { kind: 'dayOfWeek', days, nth, last: [...last].sort((a, b) => a - b) };
}

/** Consecutive windows ≥ 4 h apart, within a day and across midnight when consecutive days can both match. */
function checkSpacing(expr: CronExpr): void {
  const h = expr.hours;
  for (let i = 0; i + 1 < h.length; i++) {
    if ((h[i + 1] ?? 0) - (h[i] ?? 0) < MIN_GAP_HOURS) throw err.invalidParameter(SCHEDULE_MESSAGES.cronTooOften);
  }
  const first = h[0] ?? 0;
  const lastHour = h[h.length - 1] ?? 0;
  if (24 - lastHour + first >= MIN_GAP_HOURS) return;
  // Rare case: scan one full calendar cycle for two consecutive matching days.
  let prev = false;
  let y = 2000;
  let m = 1;
  let d = 1;
  let wd = weekday(y, m, d);
  for (let i = 0; i < 146_097 + 1; i++) {
    const dim = daysInMonth(y, m);
    const cur = expr.months.includes(m) && dayMatches(expr.day, d, wd, dim);
    if (cur && prev) throw err.invalidParameter(SCHEDULE_MESSAGES.cronTooOften);
    prev = cur;
    wd = (wd % 7) + 1;
    if (++d > dim) {
      d = 1;
      if (++m > 12) {
        m = 1;
        y++;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Calendar

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return isLeap(y) ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** 1 = Sunday … 7 = Saturday. */
function weekday(y: number, m: number, d: number): number {
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 1;
}

function dayMatches(spec: CronDaySpec, d: number, wd: number, dim: number): boolean {
  if (spec.kind === 'dayOfMonth') return spec.days.includes(d) || (spec.last && d === dim);
  if (spec.days.includes(wd)) return true;
  const n = Math.ceil(d / 7);
  for (const x of spec.nth) if (x.day === wd && x.n === n) return true;
  return spec.last.includes(wd) && d + 7 > dim;
}

/** Next cron occurrence strictly after `afterMs` (UTC), or undefined if none within a 400-year cycle. */
export function nextCronOccurrence(expr: CronExpr, afterMs: number): number | undefined {
  if (!Number.isFinite(afterMs)) return undefined;
  const t = Math.floor(afterMs / HOUR_MS) * HOUR_MS + HOUR_MS;
  const start = new Date(t);
  let y = start.getUTCFullYear();
  let m = start.getUTCMonth() + 1;
  let d = start.getUTCDate();
  let h = start.getUTCHours();
  const endYear = y + CYCLE_YEARS;
  while (y <= endYear) {
    if (expr.months.includes(m)) {
      const dim = daysInMonth(y, m);
      let wd = weekday(y, m, d);
      for (; d <= dim; d++) {
        if (dayMatches(expr.day, d, wd, dim)) {
          const hour = expr.hours.find((x) => x >= h);
          if (hour !== undefined) return Date.UTC(y, m - 1, d, hour);
        }
        h = 0;
        wd = (wd % 7) + 1;
      }
    }
    d = 1;
    h = 0;
    if (++m > 12) {
      m = 1;
      y++;
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Windows

function rateHourStarts(n: number): number[] {
  const out: number[] = [];
  for (let h = 0; h < 24; h += n) out.push(h);
  return out;
}

const ALL_MONTHS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
const ALL_DAYS = Array.from({ length: 31 }, (_, i) => i + 1);

/** The hour-level schedule of a rate(hours) or cron schedule as a CronExpr. */
function occurrencesOf(s: Exclude<Schedule, { kind: 'days' }>): CronExpr {
  if (s.kind === 'cron') return s.expr;
  return {
    source: `rate(${s.hours} hours)`,
    hours: rateHourStarts(s.hours),
    months: ALL_MONTHS,
    day: { kind: 'dayOfMonth', days: ALL_DAYS, last: false },
  };
}

/**
 * Window length in hours: Duration if given; else 24 h for days schedules, 1 h for rate(hours) and crons
 * with several hours per day, and "to the end of the UTC day" for a cron with one hour per day.
 */
export function windowHours(s: Schedule): number {
  if (s.durationHours !== undefined) return s.durationHours;
  if (s.kind === 'days') return 24;
  if (s.kind === 'hours' || s.expr.hours.length > 1) return 1;
  return 24 - (s.expr.hours[0] ?? 0);
}

/**
 * The next rotation window (spec §8.10).
 * - days / rate(N days): the UTC day (anchor's UTC date + N days), from 00:00 for windowHours(s).
 * - cron / rate(N hours): the first occurrence strictly after the anchor.
 * In both cases a window that has already ended (end ≤ now, e.g. the server was down or the rotation kept
 * failing) is not returned: the result is the first window at or after the due one that has not ended,
 * i.e. for cron/hours the first occurrence after max(anchor, now − window length) — a window still open
 * now is returned as is — and for days schedules today's window if still open, else tomorrow's (an overdue
 * interval secret is rotated at the next opportunity rather than N more days later).
 */
export function nextWindow(s: Schedule, anchorMs: number, nowMs: number): Window {
  const len = windowHours(s) * HOUR_MS;
  if (s.kind === 'days') {
    let start = Math.floor(anchorMs / DAY_MS) * DAY_MS + s.days * DAY_MS;
    if (start + len <= nowMs) {
      start = Math.floor(nowMs / DAY_MS) * DAY_MS;
      if (start + len <= nowMs) start += DAY_MS;
    }
    return { start, end: start + len };
  }
  const start = nextCronOccurrence(occurrencesOf(s), Math.max(anchorMs, nowMs - len));
  if (start === undefined) throw new Error(`schedule ${occurrencesOf(s).source} has no next occurrence`);
  return { start, end: start + len };
}

/** NextRotationDate (ms) of a window: its last second. */
export function nextRotationDate(w: Window): number {
  return w.end - 1000;
}

/** Scale (1/rate) of the truncated exponential minute distribution, in minutes. */
const MINUTE_SCALE = 10;

/**
 * A start time inside `w`: hour uniform over the window's (whole or partial) hours; minute from an
 * exponential distribution with scale 10 min truncated to [0, 60) — median ≈ 6.9 min, P(minute < 15) ≈ 0.78,
 * matching the ~:05–:08 past the hour observed on AWS; second uniform 0–59. Clamped to [start, end − 1 s]
 * (or `start` if the window is shorter than a second). Three calls to `random()`.
 */
export function pickStartTime(w: Window, random: () => number): number {
  const len = w.end - w.start;
  const hourCount = Math.max(1, Math.ceil(len / HOUR_MS));
  const hour = Math.min(hourCount - 1, Math.floor(random() * hourCount));
  const u = random();
  const minute = Math.min(59, Math.floor(-MINUTE_SCALE * Math.log(1 - u * (1 - Math.exp(-60 / MINUTE_SCALE)))));
  const second = Math.min(59, Math.floor(random() * 60));
  const t = w.start + hour * HOUR_MS + Math.max(0, minute) * 60_000 + Math.max(0, second) * 1000;
  if (len < 1000) return w.start;
  return Math.max(w.start, Math.min(t, w.end - 1000));
}

/**
 * RotationRules.AutomaticallyAfterDays as DescribeSecret shows it (spec §8.10 last bullet): the configured
 * days for days schedules; for expressions the whole days (floor) between the first two occurrences after
 * the anchor, at least 1.
 */
export function displayedDays(s: Schedule, anchorMs: number): number {
  if (s.kind === 'days') return s.days;
  const expr = occurrencesOf(s);
  const a = nextCronOccurrence(expr, anchorMs);
  const b = a === undefined ? undefined : nextCronOccurrence(expr, a);
  if (a === undefined || b === undefined) return 1;
  return Math.max(1, Math.floor((b - a) / DAY_MS));
}
