import { afterEach, describe, expect, it, vi } from 'vitest';
import { hrTimeOf, isoOf, now } from '../../runtime/time.js';

describe('log timestamps', () => {
  it('writes UTC ISO-8601 with nine fractional digits, at the wall-clock time', () => {
    const before = Date.now();
    const s = isoOf(now());
    const after = Date.now();
    expect(s).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}Z$/);
    // Anchored to the wall clock within 2 ms, checked every second.
    const ms = Date.parse(`${s.slice(0, 23)}Z`);
    expect(ms).toBeGreaterThanOrEqual(before - 50);
    expect(ms).toBeLessThanOrEqual(after + 50);
  });

  it('never goes backwards, across millisecond and second boundaries', () => {
    let last = isoOf(now());
    const end = Date.now() + 1100;
    const seconds = new Set<string>();
    while (Date.now() < end) {
      const s = isoOf(now());
      expect(s >= last, `${s} after ${last}`).toBe(true);
      expect(s).toHaveLength(30);
      seconds.add(s.slice(0, 19));
      last = s;
    }
    expect(seconds.size).toBeGreaterThanOrEqual(2);
  });

  it('gives OpenTelemetry the same instant the line writes, at second boundaries too', () => {
    for (const t of [
      1_757_100_665_123.456,
      1_757_100_666_000 - 1e-4,
      1_757_100_666_000,
      1_757_100_666_000 + 4e-4,
      86_400_000.5,
    ]) {
      const iso = isoOf(t);
      const [seconds, nanos] = hrTimeOf(t);
      expect(Date.parse(`${iso.slice(0, 19)}Z`)).toBe(seconds * 1000);
      expect(iso.slice(20, 29)).toBe(String(nanos).padStart(9, '0'));
      expect(Math.abs(seconds * 1000 + nanos / 1e6 - t)).toBeLessThan(0.001);
    }
    expect(isoOf(1_757_100_665_123.456)).toMatch(/^2025-09-05T19:31:05\.12345\d{4}Z$/);
  });
});

describe('the clock under steps of the system clock', () => {
  afterEach(() => vi.restoreAllMocks());

  /** A fresh copy of the module (its anchor is module state), with both clocks under the test's control. */
  async function clocks(wall: () => number, mono: () => number): Promise<typeof import('../../runtime/time.js')> {
    vi.resetModules();
    const time = await import('../../runtime/time.js');
    vi.spyOn(Date, 'now').mockImplementation(wall);
    vi.spyOn(performance, 'now').mockImplementation(mono);
    return time;
  }

  it('follows a step forward and a step back within a second, as the SDK spans do', async () => {
    let p = 10_000;
    let wall = 1_757_100_000_000;
    const time = await clocks(
      () => Math.floor(wall + p),
      () => p,
    );
    expect(Math.abs(time.now() - (wall + p))).toBeLessThanOrEqual(0.5);
    // An NTP step or a resumed VM: the wall clock jumps, the monotonic clock does not.
    wall += 5000;
    p += 1000;
    expect(Math.abs(time.now() - (wall + p))).toBeLessThanOrEqual(0.5);
    expect(Math.abs(time.epochOf(p - 200) - (wall + p - 200))).toBeLessThanOrEqual(0.5);
    wall -= 3000;
    p += 1000;
    expect(Math.abs(time.now() - (wall + p))).toBeLessThanOrEqual(0.5);
  });

  it("stays put through Date.now()'s whole-millisecond rounding: no step, no jitter, never backwards", async () => {
    // A wall clock a fraction of a millisecond past the monotonic one, read once a second for two minutes.
    const skew = 1_757_100_000_000.7;
    let p = 5_000.25;
    const time = await clocks(
      () => Math.floor(skew + p),
      () => p,
    );
    let last = time.now();
    const offset = last - p;
    for (let i = 0; i < 120; i++) {
      p += 1000.37;
      const t = time.now();
      expect(t).toBeGreaterThan(last);
      expect(t - p).toBe(offset);
      expect(Math.abs(t - (skew + p))).toBeLessThanOrEqual(0.5);
      last = t;
    }
  });
});
