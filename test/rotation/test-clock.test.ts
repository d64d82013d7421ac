/** The settable test clock (src/test-clock.ts) and its guard rails in the configuration. */
import { describe, expect, it } from 'vitest';
import { createTestClock } from '../../src/test-clock.js';
import { buildConfig, ConfigError } from '../../src/config.js';
import { startTestApp } from '../helpers/app.js';

describe('createTestClock', () => {
  it('is frozen, settable and advanceable, and refuses values that are not dates', () => {
    const c = createTestClock(1000);
    expect(c.now()).toBe(1000);
    expect(c.now()).toBe(1000);
    expect(c.advance(500)).toBe(1500);
    expect(c.set(Date.UTC(2099, 0, 1))).toBe(Date.UTC(2099, 0, 1));
    expect(c.now()).toBe(Date.UTC(2099, 0, 1));
    expect(() => c.set(1.5)).toThrow(RangeError);
    expect(() => c.set(-1)).toThrow(RangeError);
    expect(() => c.set(Number.NaN)).toThrow(RangeError);
    expect(() => c.advance(Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(() => createTestClock(0).advance(-1)).toThrow(RangeError);
    expect(c.now()).toBe(Date.UTC(2099, 0, 1));
  });
});

describe('testClock configuration', () => {
  it('is off by default', () => {
    expect(buildConfig({}).testClock).toBe(false);
  });
  it('is allowed on loopback hosts', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]']) {
      expect(buildConfig({ testClock: true, host }).testClock).toBe(true);
    }
  });
  it('is refused on any other host unless forced', () => {
    for (const host of ['0.0.0.0', '::', '10.0.0.5', 'rotor.example.com']) {
      expect(() => buildConfig({ testClock: true, host })).toThrow(ConfigError);
      expect(buildConfig({ testClock: true, testClockAnyHost: true, host }).testClock).toBe(true);
    }
  });
});

describe('/_rotor/clock without --test-clock', () => {
  it('does not exist', async () => {
    const t = await startTestApp();
    try {
      for (const init of [{}, { method: 'POST', body: JSON.stringify({ now: 0 }) }]) {
        const r = await fetch(`${t.endpoint}/_rotor/clock`, init);
        expect(r.status).not.toBe(200);
        expect(await r.text()).not.toContain('"now"');
      }
    } finally {
      await t.close();
    }
  });
});
