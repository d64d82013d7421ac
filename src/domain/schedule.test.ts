import { describe, expect, it } from 'vitest';
import { Cron } from 'croner';
import { AwsError } from './errors.js';
import {
  type CronExpr,
  DAY_MS,
  displayedDays,
  HOUR_MS,
  nextCronOccurrence,
  nextRotationDate,
  nextWindow,
  parseCronExpression,
  parseRotationRules,
  pickStartTime,
  type RotationRulesInput,
  type Schedule,
  SCHEDULE_MESSAGES,
  windowHours,
} from './schedule.js';

const T = (iso: string): number => Date.parse(iso);
const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');

function thrown(fn: () => unknown): AwsError {
  try {
    fn();
  } catch (e) {
    if (e instanceof AwsError) return e;
    throw e;
  }
  throw new Error('expected an AwsError');
}

function cron(body: string): CronExpr {
  return parseCronExpression(`cron(${body})`);
}

function nextN(expr: CronExpr, after: number, n: number): string[] {
  const out: string[] = [];
  let t = after;
  for (let i = 0; i < n; i++) {
    const next = nextCronOccurrence(expr, t);
    if (next === undefined) break;
    out.push(iso(next));
    t = next;
  }
  return out;
}

/** mulberry32: a small seeded PRNG returning [0, 1). */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const BASE = T('2026-11-26T00:40:00Z'); // a Thursday

describe('parseRotationRules: accepted examples (spec §8.9)', () => {
  const accepted = [
    'cron(0 /8 * * ? *)',
    'cron(0 8/8 * * ? *)',
    'cron(0 2/10 * * ? *)',
    'cron(0 10 * * ? *)',
    'cron(0 18 ? * SAT *)',
    'cron(0 8 1 * ? *)',
    'cron(0 1 ? 1/3 SUN#1 *)',
    'cron(0 17 L * ? *)',
    'cron(0 8 ? * MON-FRI *)',
    'cron(0 16 1,15 * ? *)',
    'cron(0 0 ? * SUN#1 *)',
    'cron(0 4/12 * * ? *)',
    'cron(0 0 ? * L *)',
    'cron(0 0 ? * 6L *)',
    'cron(0 0 ? * sunl *)',
    'cron(0 10 ? * 6#3 *)',
    'cron(0 0 29 2 ? *)',
    'cron(0 6 ? jan-mar,OCT TUE *)',
    'rate(4 hours)',
    'rate(12 hours)',
    'rate(1 day)',
    'rate(10 days)',
    'rate(23 hours)',
    'rate(999 days)',
    'rate(1 days)',
    'rate(4 hour)',
  ];
  for (const e of accepted) {
    it(e, () => {
      expect(() => parseRotationRules({ ScheduleExpression: e })).not.toThrow();
    });
  }

  it('classifies the schedule kinds', () => {
    expect(parseRotationRules({ AutomaticallyAfterDays: 30 })).toEqual({ kind: 'days', days: 30 });
    expect(parseRotationRules({ ScheduleExpression: 'rate(10 days)' })).toEqual({ kind: 'days', days: 10 });
    expect(parseRotationRules({ ScheduleExpression: 'rate(12 hours)', Duration: '2h' })).toEqual({
      kind: 'hours',
      hours: 12,
      durationHours: 2,
    });
    const c = parseRotationRules({ ScheduleExpression: 'cron(0 2/10 * * ? *)' });
    expect(c.kind === 'cron' && c.expr.hours).toEqual([2, 12, 22]);
    const q = parseRotationRules({ ScheduleExpression: 'cron(0 1 ? 1/3 SUN#1 *)' });
    expect(q.kind === 'cron' && q.expr).toMatchObject({
      hours: [1],
      months: [1, 4, 7, 10],
      day: { kind: 'dayOfWeek', days: [], nth: [{ day: 1, n: 1 }], last: [] },
    });
    expect(cron('0 0 ? * L *').day).toEqual({ kind: 'dayOfWeek', days: [7], nth: [], last: [] });
    expect(cron('0 0 ? * 6L *').day).toEqual({ kind: 'dayOfWeek', days: [], nth: [], last: [6] });
    expect(cron('0 0 L * ? *').day).toEqual({ kind: 'dayOfMonth', days: [], last: true });
  });

  it('AutomaticallyAfterDays bounds 1–1000', () => {
    expect(parseRotationRules({ AutomaticallyAfterDays: 1 })).toEqual({ kind: 'days', days: 1 });
    expect(parseRotationRules({ AutomaticallyAfterDays: 1000 })).toEqual({ kind: 'days', days: 1000 });
    for (const d of [0, -1, 1001, 1.5]) {
      const e = thrown(() => parseRotationRules({ AutomaticallyAfterDays: d }));
      expect(e.code).toBe('InvalidParameterException');
      expect(e.message).toBe(SCHEDULE_MESSAGES.days);
    }
  });
});

describe('parseRotationRules: rejected', () => {
  it('both AutomaticallyAfterDays and ScheduleExpression ⇒ the AWS message', () => {
    const e = thrown(() =>
      parseRotationRules({ AutomaticallyAfterDays: 14, ScheduleExpression: 'cron(0 16 1,15 * ? *)', Duration: '2h' }),
    );
    expect(e.code).toBe('InvalidParameterException');
    expect(e.message).toBe('You cannot specify both rotation frequency and schedule expression together.');
  });

  it('empty RotationRules, or Duration alone', () => {
    expect(thrown(() => parseRotationRules({})).message).toBe(SCHEDULE_MESSAGES.none);
    expect(thrown(() => parseRotationRules({ Duration: '2h' })).message).toBe(SCHEDULE_MESSAGES.none);
  });

  const rejected: [string, string][] = [
    ['cron(30 9 ? * 2 *)', SCHEDULE_MESSAGES.cronMinutes],
    ['cron(0/30 1 ? * SUN *)', SCHEDULE_MESSAGES.cronMinutes],
    ['cron(15 10 * * ? *)', SCHEDULE_MESSAGES.cronMinutes],
    ['cron(0 0 1 1 ? 2028-2029)', SCHEDULE_MESSAGES.cronYear],
    ['cron(0 10 * * ? 2027)', SCHEDULE_MESSAGES.cronYear],
    ['cron(0 10 * * ?)', SCHEDULE_MESSAGES.cronFields(5)],
    ['cron(0 0 10 * * ? *)', SCHEDULE_MESSAGES.cronFields(7)],
    ['cron(0 8 * * MON *)', SCHEDULE_MESSAGES.cronQuestion],
    ['cron(0 8 1 * MON *)', SCHEDULE_MESSAGES.cronQuestion],
    ['cron(0 8 ? * ? *)', SCHEDULE_MESSAGES.cronQuestion],
    ['cron(0 12 15W * ? *)', SCHEDULE_MESSAGES.cronW],
    ['cron(0 12 1W * ? *)', SCHEDULE_MESSAGES.cronW],
    ['cron(0 12 LW * ? *)', SCHEDULE_MESSAGES.cronW],
    ['cron(0 */2 * * ? *)', SCHEDULE_MESSAGES.cronTooOften],
    ['cron(0 * * * ? *)', SCHEDULE_MESSAGES.cronTooOften],
    ['cron(0 1,3 * * ? *)', SCHEDULE_MESSAGES.cronTooOften],
    ['cron(0 0,22 * * ? *)', SCHEDULE_MESSAGES.cronTooOften], // 22:00 → 00:00 the next day
    ['cron(0 0 31 2 ? *)', SCHEDULE_MESSAGES.cronNever],
    ['rate(3 hours)', SCHEDULE_MESSAGES.rateTooOften],
    ['rate(1 hour)', SCHEDULE_MESSAGES.rateTooOften],
    ['rate(24 hours)', SCHEDULE_MESSAGES.rateHoursTooLong],
    ['rate(48 hours)', SCHEDULE_MESSAGES.rateHoursTooLong],
    ['rate(1000 days)', SCHEDULE_MESSAGES.rateDaysTooLong],
    ['rate(0 days)', SCHEDULE_MESSAGES.rateSyntax],
    ['rate(2 weeks)', SCHEDULE_MESSAGES.rateSyntax],
    ['rate(30 minutes)', SCHEDULE_MESSAGES.rateSyntax],
    ['rate(-4 hours)', SCHEDULE_MESSAGES.rateSyntax],
    ['rate(4)', SCHEDULE_MESSAGES.rateSyntax],
    ['rate(four hours)', SCHEDULE_MESSAGES.rateSyntax],
    ['at(2026-01-01T00:00:00)', SCHEDULE_MESSAGES.expressionChars],
    ['every 4 hours', SCHEDULE_MESSAGES.expressionKind],
    ['', SCHEDULE_MESSAGES.expressionChars],
  ];
  for (const [e, msg] of rejected) {
    it(e || "''", () => {
      const x = thrown(() => parseRotationRules({ ScheduleExpression: e }));
      expect(x.code).toBe('InvalidParameterException');
      expect(x.message).toBe(msg);
    });
  }

  const badFields = [
    'cron(0 24 * * ? *)',
    'cron(0 10 0 * ? *)',
    'cron(0 10 32 * ? *)',
    'cron(0 10 * 13 ? *)',
    'cron(0 10 * FOO ? *)',
    'cron(0 10 ? * 8 *)',
    'cron(0 10 ? * 0 *)',
    'cron(0 10 ? * MON#6 *)',
    'cron(0 10 ? * MON#0 *)',
    'cron(0 10 ? * FRI-MON *)',
    'cron(0 10 1,,2 * ? *)',
    'cron(0 10/0 * * ? *)',
    'cron(0 10 ?5 * ? *)',
    'cron(0 10 L-2 * ? *)',
  ];
  for (const e of badFields) {
    it(`${e} (bad field)`, () => {
      const x = thrown(() => parseRotationRules({ ScheduleExpression: e }));
      expect(x.code).toBe('InvalidParameterException');
      expect(x.message).toMatch(/^Invalid cron\(\) expression: invalid /);
    });
  }
});

describe('Duration', () => {
  const ok = (r: RotationRulesInput): Schedule => parseRotationRules(r);
  const bad = (r: RotationRulesInput): string => thrown(() => parseRotationRules(r)).message;

  it('syntax and 1h–24h', () => {
    expect(ok({ AutomaticallyAfterDays: 30, Duration: '3h' })).toEqual({ kind: 'days', days: 30, durationHours: 3 });
    expect(ok({ ScheduleExpression: 'rate(10 days)', Duration: '24h' })).toMatchObject({ durationHours: 24 });
    expect(bad({ ScheduleExpression: 'rate(10 days)', Duration: '0h' })).toBe(SCHEDULE_MESSAGES.durationMin);
    expect(bad({ ScheduleExpression: 'rate(10 days)', Duration: '25h' })).toBe(SCHEDULE_MESSAGES.durationMax);
    expect(bad({ ScheduleExpression: 'rate(10 days)', Duration: '99h' })).toBe(SCHEDULE_MESSAGES.durationMax);
    for (const d of ['3', 'h', '3H', '3 h', '1d', '-1h', '1.5h', '']) {
      expect(bad({ ScheduleExpression: 'rate(10 days)', Duration: d })).toBe(SCHEDULE_MESSAGES.durationSyntax);
    }
  });

  it('must not cross 24:00 UTC from the window start', () => {
    expect(ok({ ScheduleExpression: 'cron(0 10 * * ? *)', Duration: '14h' })).toMatchObject({ durationHours: 14 });
    expect(bad({ ScheduleExpression: 'cron(0 10 * * ? *)', Duration: '15h' })).toBe(
      SCHEDULE_MESSAGES.durationMidnight(10),
    );
    expect(ok({ ScheduleExpression: 'cron(0 0 ? * SUN#1 *)', Duration: '24h' })).toMatchObject({ durationHours: 24 });
    expect(bad({ ScheduleExpression: 'cron(0 2/10 * * ? *)', Duration: '3h' })).toBe(
      SCHEDULE_MESSAGES.durationMidnight(22),
    );
    expect(ok({ ScheduleExpression: 'cron(0 2/10 * * ? *)', Duration: '2h' })).toMatchObject({ durationHours: 2 });
  });

  it('must not overlap the next window', () => {
    expect(ok({ ScheduleExpression: 'cron(0 8/8 * * ? *)', Duration: '2h' })).toMatchObject({ durationHours: 2 });
    expect(ok({ ScheduleExpression: 'cron(0 8/8 * * ? *)', Duration: '8h' })).toMatchObject({ durationHours: 8 });
    expect(bad({ ScheduleExpression: 'cron(0 4,9 * * ? *)', Duration: '6h' })).toBe(
      SCHEDULE_MESSAGES.durationOverlap(5),
    );
  });

  it('rate(N hours): Duration ≤ N and within the UTC day', () => {
    expect(ok({ ScheduleExpression: 'rate(4 hours)', Duration: '4h' })).toMatchObject({ durationHours: 4 });
    expect(bad({ ScheduleExpression: 'rate(4 hours)', Duration: '5h' })).toBe(SCHEDULE_MESSAGES.durationRate(4));
    expect(ok({ ScheduleExpression: 'rate(12 hours)', Duration: '12h' })).toMatchObject({ durationHours: 12 });
    // rate(5 hours) opens at 00, 05, 10, 15, 20: a 5h window from 20:00 would cross midnight.
    expect(bad({ ScheduleExpression: 'rate(5 hours)', Duration: '5h' })).toBe(SCHEDULE_MESSAGES.durationMidnight(20));
    expect(ok({ ScheduleExpression: 'rate(5 hours)', Duration: '4h' })).toMatchObject({ durationHours: 4 });
  });

  it('default window lengths', () => {
    expect(windowHours(ok({ AutomaticallyAfterDays: 3 }))).toBe(24);
    expect(windowHours(ok({ ScheduleExpression: 'rate(2 days)' }))).toBe(24);
    expect(windowHours(ok({ ScheduleExpression: 'rate(6 hours)' }))).toBe(1);
    expect(windowHours(ok({ ScheduleExpression: 'cron(0 4/12 * * ? *)' }))).toBe(1);
    expect(windowHours(ok({ ScheduleExpression: 'cron(0 10 * * ? *)' }))).toBe(14);
    expect(windowHours(ok({ ScheduleExpression: 'cron(0 0 ? * SUN#1 *)' }))).toBe(24);
    expect(windowHours(ok({ ScheduleExpression: 'cron(0 10 * * ? *)', Duration: '2h' }))).toBe(2);
  });
});

describe('nextCronOccurrence (dependencies.md §4 table, base 2026-11-26T00:40Z)', () => {
  const table: [string, string[]][] = [
    ['0 16 1,15 * ? *', ['2026-12-01T16:00:00Z', '2026-12-15T16:00:00Z', '2027-01-01T16:00:00Z']],
    ['0 8 ? * MON-FRI *', ['2026-11-26T08:00:00Z', '2026-11-27T08:00:00Z', '2026-11-30T08:00:00Z']],
    ['0 0 L * ? *', ['2026-11-30T00:00:00Z', '2026-12-31T00:00:00Z', '2027-01-31T00:00:00Z']],
    ['0 10 ? * 6#3 *', ['2026-12-18T10:00:00Z', '2027-01-15T10:00:00Z', '2027-02-19T10:00:00Z']],
    ['0 0 ? * 6L *', ['2026-11-27T00:00:00Z', '2026-12-25T00:00:00Z', '2027-01-29T00:00:00Z']],
    // The table's cron(30 9 ? * 2 *) with minutes 0 (Secrets Manager only allows 0): 2 = Monday.
    ['0 9 ? * 2 *', ['2026-11-30T09:00:00Z', '2026-12-07T09:00:00Z', '2026-12-14T09:00:00Z']],
    ['0 0 29 2 ? *', ['2028-02-29T00:00:00Z', '2032-02-29T00:00:00Z', '2036-02-29T00:00:00Z']],
    // L alone = Saturday (7), every week.
    ['0 0 ? * L *', ['2026-11-28T00:00:00Z', '2026-12-05T00:00:00Z', '2026-12-12T00:00:00Z']],
    // DoW numbering: 1 = SUN … 7 = SAT.
    ['0 0 ? * 1 *', ['2026-11-29T00:00:00Z', '2026-12-06T00:00:00Z', '2026-12-13T00:00:00Z']],
    ['0 0 ? * 7 *', ['2026-11-28T00:00:00Z', '2026-12-05T00:00:00Z', '2026-12-12T00:00:00Z']],
    ['0 0 ? * 5 *', ['2026-12-03T00:00:00Z', '2026-12-10T00:00:00Z', '2026-12-17T00:00:00Z']], // Thursdays
    ['0 4/12 * * ? *', ['2026-11-26T04:00:00Z', '2026-11-26T16:00:00Z', '2026-11-27T04:00:00Z']],
    ['0 1 ? 1/3 SUN#1 *', ['2027-01-03T01:00:00Z', '2027-04-04T01:00:00Z', '2027-07-04T01:00:00Z']],
    ['0 0 ? * SATL *', ['2026-11-28T00:00:00Z', '2026-12-26T00:00:00Z', '2027-01-30T00:00:00Z']],
  ];
  for (const [body, expected] of table) {
    it(`cron(${body})`, () => {
      expect(nextN(cron(body), BASE, expected.length)).toEqual(expected);
    });
  }

  it('the table rows AWS would reject are rejected (W, year range, both DoM and DoW, minutes ≠ 0)', () => {
    for (const body of ['0 12 15W * ? *', '0 12 1W * ? *', '0 0 1 1 ? 2028-2029', '0 8 * * MON *', '0/30 1 ? * SUN *']) {
      expect(() => cron(body)).toThrow(AwsError);
    }
  });

  it('is strictly after the given instant', () => {
    const e = cron('0 10 * * ? *');
    expect(iso(nextCronOccurrence(e, T('2026-11-26T10:00:00Z')) ?? 0)).toBe('2026-11-27T10:00:00Z');
    expect(iso(nextCronOccurrence(e, T('2026-11-26T09:59:59.999Z')) ?? 0)).toBe('2026-11-26T10:00:00Z');
  });

  it('handles 2100 (not a leap year) for Feb 29', () => {
    expect(nextN(cron('0 0 29 2 ? *'), T('2096-03-01T00:00:00Z'), 1)).toEqual(['2104-02-29T00:00:00Z']);
  });
});

describe('nextCronOccurrence vs croner (differential)', () => {
  // Croner input: '0 ' + fields, 7-part with Quartz weekday numbering (1 = SUN). Excluded because croner
  // gets them wrong (dependencies.md §4): `L` alone in day-of-week (croner throws).
  const exprs = [
    '0 16 1,15 * ? *',
    '0 8 ? * MON-FRI *',
    '0 0 L * ? *',
    '0 10 ? * 6#3 *',
    '0 0 ? * 6L *',
    '0 0 29 2 ? *',
    '0 /8 * * ? *',
    '0 8/8 * * ? *',
    '0 2/10 * * ? *',
    '0 10 * * ? *',
    '0 18 ? * SAT *',
    '0 8 1 * ? *',
    '0 1 ? 1/3 SUN#1 *',
    '0 17 L * ? *',
    '0 0 ? * SUN#1 *',
    '0 4/12 * * ? *',
    '0 9 ? * 2 *',
    '0 23 31 * ? *',
    '0 0 ? 2 1#5 *',
    '0 6 ? JAN-MAR,OCT 3-5 *',
    '0 12 ? * 2L *',
    '0 3 1-7 * ? *',
    '0 0,12 ? * 1,7 *',
    '0 5 10-20/5 * ? *',
    '0 0 ? * TUE#5 *',
    '0 20 L 2 ? *',
    '0 0 */7 */2 ? *',
    '0 7,13,19 ? * WED *',
    '0 0 ? * SATL *',
    '0 1-23/6 * * ? *',
    '0 0 31 * ? *',
    '0 22 ? NOV-DEC FRI#4 *',
  ];
  const bases = [
    '2026-11-26T00:40:00Z',
    '2027-02-28T16:00:00Z',
    '2028-02-28T23:59:59.999Z',
    '2099-12-31T20:00:00Z',
  ].map(T);

  for (const body of exprs) {
    it(`cron(${body})`, () => {
      const ours = cron(body);
      const oracle = new Cron(`0 ${body}`, {
        mode: '7-part',
        alternativeWeekdays: true,
        sloppyRanges: true,
        timezone: 'UTC',
      });
      for (const base of bases) {
        const expected = oracle.nextRuns(6, new Date(base)).map((d) => iso(d.getTime()));
        expect(nextN(ours, base, 6)).toEqual(expected);
      }
    });
  }
});

describe('nextWindow / NextRotationDate', () => {
  it('the real describe-secret example: anchor 2026-02-03T16:42Z, 30 days ⇒ 2026-03-05T23:59:59Z', () => {
    const s = parseRotationRules({ AutomaticallyAfterDays: 30 });
    for (const anchor of [T('2026-02-03T16:42:00Z'), T('2026-02-03T17:42:00Z')]) {
      const w = nextWindow(s, anchor, anchor);
      expect(iso(w.start)).toBe('2026-03-05T00:00:00Z');
      expect(iso(nextRotationDate(w))).toBe('2026-03-05T23:59:59Z');
    }
  });

  it('rate(N days) with a Duration: 00:00 + Duration', () => {
    const s = parseRotationRules({ ScheduleExpression: 'rate(10 days)', Duration: '3h' });
    const a = T('2026-02-03T23:59:00Z');
    const w = nextWindow(s, a, a);
    expect([iso(w.start), iso(w.end)]).toEqual(['2026-02-13T00:00:00Z', '2026-02-13T03:00:00Z']);
    expect(iso(nextRotationDate(w))).toBe('2026-02-13T02:59:59Z');
  });

  it('days: an overdue window moves to the next open daily window', () => {
    const s = parseRotationRules({ AutomaticallyAfterDays: 1 });
    const w = nextWindow(s, T('2026-01-01T10:00:00Z'), T('2026-01-10T12:00:00Z'));
    expect(iso(w.start)).toBe('2026-01-10T00:00:00Z');
    const s2 = parseRotationRules({ AutomaticallyAfterDays: 1, Duration: '2h' });
    const w2 = nextWindow(s2, T('2026-01-01T10:00:00Z'), T('2026-01-10T12:00:00Z'));
    expect([iso(w2.start), iso(w2.end)]).toEqual(['2026-01-11T00:00:00Z', '2026-01-11T02:00:00Z']);
    // Not overdue: the due window stands even if it is in the future.
    const w3 = nextWindow(s, T('2026-01-01T10:00:00Z'), T('2026-01-02T23:59:59Z'));
    expect(iso(w3.start)).toBe('2026-01-02T00:00:00Z');
  });

  it('cron: first occurrence after the anchor; an open window is kept; an ended one is skipped', () => {
    const s = parseRotationRules({ ScheduleExpression: 'cron(0 16 1,15 * ? *)', Duration: '2h' });
    const anchor = T('2026-11-20T00:00:00Z');
    let w = nextWindow(s, anchor, anchor);
    expect([iso(w.start), iso(w.end)]).toEqual(['2026-12-01T16:00:00Z', '2026-12-01T18:00:00Z']);
    expect(iso(nextRotationDate(w))).toBe('2026-12-01T17:59:59Z');
    w = nextWindow(s, anchor, T('2026-12-01T17:30:00Z'));
    expect(iso(w.start)).toBe('2026-12-01T16:00:00Z');
    w = nextWindow(s, anchor, T('2026-12-01T18:00:00Z'));
    expect(iso(w.start)).toBe('2026-12-15T16:00:00Z');
    // Rotated inside the window ⇒ the next window.
    w = nextWindow(s, T('2026-12-01T16:05:00Z'), T('2026-12-01T16:05:00Z'));
    expect(iso(w.start)).toBe('2026-12-15T16:00:00Z');
  });

  it('cron with one hour a day: window until the end of the UTC day', () => {
    const s = parseRotationRules({ ScheduleExpression: 'cron(0 18 ? * SAT *)' });
    const w = nextWindow(s, BASE, BASE);
    expect([iso(w.start), iso(nextRotationDate(w))]).toEqual(['2026-11-28T18:00:00Z', '2026-11-28T23:59:59Z']);
  });

  it('rate(N hours): windows from midnight, restarting each UTC day, 1h by default', () => {
    const s4 = parseRotationRules({ ScheduleExpression: 'rate(4 hours)' });
    const w = nextWindow(s4, T('2026-11-26T05:00:00Z'), T('2026-11-26T05:00:00Z'));
    expect([iso(w.start), iso(w.end)]).toEqual(['2026-11-26T08:00:00Z', '2026-11-26T09:00:00Z']);
    const s5 = parseRotationRules({ ScheduleExpression: 'rate(5 hours)' });
    const w5 = nextWindow(s5, T('2026-11-26T21:00:00Z'), T('2026-11-26T21:00:00Z'));
    expect(iso(w5.start)).toBe('2026-11-27T00:00:00Z');
  });
});

describe('displayedDays', () => {
  it('days schedules show their N', () => {
    expect(displayedDays(parseRotationRules({ AutomaticallyAfterDays: 30 }), BASE)).toBe(30);
    expect(displayedDays(parseRotationRules({ ScheduleExpression: 'rate(10 days)' }), BASE)).toBe(10);
  });
  it('expressions: whole days between the two windows after the anchor, min 1', () => {
    // The API reference example shows 14 for cron(0 16 1,15 * ? *).
    expect(displayedDays(parseRotationRules({ ScheduleExpression: 'cron(0 16 1,15 * ? *)' }), BASE)).toBe(14);
    expect(displayedDays(parseRotationRules({ ScheduleExpression: 'cron(0 16 1,15 * ? *)' }), T('2026-12-02T00:00Z'))).toBe(17);
    expect(displayedDays(parseRotationRules({ ScheduleExpression: 'cron(0 18 ? * SAT *)' }), BASE)).toBe(7);
    expect(displayedDays(parseRotationRules({ ScheduleExpression: 'rate(4 hours)' }), BASE)).toBe(1);
    expect(displayedDays(parseRotationRules({ ScheduleExpression: 'cron(0 /8 * * ? *)' }), BASE)).toBe(1);
  });
});

describe('pickStartTime', () => {
  const windows = [
    { start: T('2026-03-05T00:00:00Z'), end: T('2026-03-06T00:00:00Z') },
    { start: T('2026-03-05T16:00:00Z'), end: T('2026-03-05T18:00:00Z') },
    { start: T('2026-03-05T08:00:00Z'), end: T('2026-03-05T09:00:00Z') },
    { start: T('2026-03-05T10:00:00Z'), end: T('2026-03-06T00:00:00Z') },
  ];

  it('is always inside the window, including with extreme random values', () => {
    const rnd = seeded(42);
    for (const w of windows) {
      for (let i = 0; i < 2000; i++) {
        const t = pickStartTime(w, rnd);
        expect(t).toBeGreaterThanOrEqual(w.start);
        expect(t).toBeLessThan(w.end);
      }
      for (const v of [0, 0.999999999999, 0.5]) {
        const t = pickStartTime(w, () => v);
        expect(t).toBeGreaterThanOrEqual(w.start);
        expect(t).toBeLessThan(w.end);
      }
    }
    const zero = windows[0];
    if (zero) expect(pickStartTime(zero, () => 0)).toBe(zero.start);
  });

  it('hours are spread over the whole window; minutes are skewed to the top of the hour', () => {
    const rnd = seeded(7);
    const w = windows[0] ?? { start: 0, end: DAY_MS };
    const hours = new Array<number>(24).fill(0);
    let early = 0;
    let late = 0;
    const n = 24_000;
    for (let i = 0; i < n; i++) {
      const t = pickStartTime(w, rnd);
      const h = Math.floor((t - w.start) / HOUR_MS);
      hours[h] = (hours[h] ?? 0) + 1;
      const minute = new Date(t).getUTCMinutes();
      if (minute < 15) early++;
      if (minute >= 45) late++;
    }
    for (const c of hours) expect(c).toBeGreaterThan(700); // expected 1000 each
    expect(early / n).toBeGreaterThan(0.5);
    expect(late).toBeLessThan(early / 5);
  });
});
