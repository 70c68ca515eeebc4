import { describe, expect, it } from 'vitest';
import { hrTimeOf, isoOf, now } from '../../runtime/time.js';

describe('log timestamps', () => {
  it('writes UTC ISO-8601 with nine fractional digits, at the wall-clock time', () => {
    const before = Date.now();
    const s = isoOf(now());
    const after = Date.now();
    expect(s).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}Z$/);
    // The clock is the monotonic one from the process's origin: it may drift from Date.now() by a little.
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
