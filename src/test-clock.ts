/**
 * A settable clock for `rotor serve --test-clock` (issue 4, "time under test"): the domain clock (creation
 * dates, NextRotationDate, the scheduler, leases, back-offs) reads this instead of the wall clock, so an
 * integration test can move a running server to "just before the window" and then "into the window" without
 * waiting.
 *
 * - The clock is frozen: it starts at the wall-clock time the server started and moves only when told to
 *   (`POST /_rotor/clock` with `{"now": <epoch ms>}` or `{"advanceMs": <ms>}`). Frozen time makes dates in
 *   tests exact; advance it past `rotation.leaseMs` to let a dead node's lease lapse, or past a back-off.
 * - It is never persisted: after a restart it starts again at the wall-clock time, and the test sets it.
 * - What authenticates callers keeps real time: SigV4 signatures (createProtocolHandler gets no clock) and
 *   the credentials, code URLs and webhook signatures of rotation functions (app.ts gives the function
 *   registry the wall clock), because the other side of those checks is a real client with a real clock.
 *
 * Off by default; config.ts refuses it on a non-loopback address unless forced, and the server says so loudly.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Largest epoch ms a Date can hold (year 275760). */
const MAX_DATE_MS = 8.64e15;

export interface TestClock {
  /** The current test time, epoch ms. */
  now(): number;
  /** Sets the time; returns it. Throws RangeError on a value that is not a valid date. */
  set(ms: number): number;
  /** Moves the time by `ms` (may be negative); returns the new time. */
  advance(ms: number): number;
}

function checked(ms: number): number {
  if (!Number.isSafeInteger(ms) || ms < 0 || ms > MAX_DATE_MS) {
    throw new RangeError(`the test clock must be an integer number of epoch milliseconds from 0 to ${MAX_DATE_MS}`);
  }
  return ms;
}

export function createTestClock(startMs: number = Date.now()): TestClock {
  let current = checked(Math.floor(startMs));
  return {
    now: () => current,
    set(ms) {
      current = checked(ms);
      return current;
    },
    advance(ms) {
      if (!Number.isSafeInteger(ms)) throw new RangeError('advanceMs must be an integer number of milliseconds');
      current = checked(current + ms);
      return current;
    },
  };
}

function reply(res: ServerResponse, status: number, body: Record<string, unknown>): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function state(clock: TestClock): Record<string, unknown> {
  const now = clock.now();
  return { now, iso: new Date(now).toISOString() };
}

/**
 * `GET /_rotor/clock` ⇒ `{"now", "iso"}`; `POST /_rotor/clock` with exactly one of `{"now": ms}` or
 * `{"advanceMs": ms}` ⇒ the new time, after which `onChange` runs (the app wakes the rotation engine).
 * Bad input ⇒ 400 `{"error": …}`. Returns false for other methods (the caller answers them).
 */
export function handleClockRequest(
  clock: TestClock,
  req: IncomingMessage,
  res: ServerResponse,
  body: Buffer,
  onChange: () => void,
): boolean {
  if (req.method === 'GET') {
    reply(res, 200, state(clock));
    return true;
  }
  if (req.method !== 'POST') return false;
  let input: unknown;
  try {
    input = JSON.parse(body.toString('utf8'));
  } catch {
    reply(res, 400, { error: 'the body must be JSON: {"now": <epoch ms>} or {"advanceMs": <ms>}' });
    return true;
  }
  const o = typeof input === 'object' && input !== null && !Array.isArray(input) ? (input as Record<string, unknown>) : {};
  const keys = Object.keys(o);
  try {
    if (keys.length === 1 && typeof o.now === 'number') clock.set(o.now);
    else if (keys.length === 1 && typeof o.advanceMs === 'number') clock.advance(o.advanceMs);
    else throw new RangeError('send exactly one of {"now": <epoch ms>} or {"advanceMs": <ms>}');
  } catch (e) {
    reply(res, 400, { error: e instanceof Error ? e.message : 'bad request' });
    return true;
  }
  reply(res, 200, state(clock));
  onChange();
  return true;
}
