// The rule simulation against figures worked out from Prometheus 2.x's own algorithms (promql/functions.go
// extrapolatedRate, quantile.go bucketQuantile, template humanize): the generated rule tests rely on them
// to the last bit, and promtool checks the whole against the real engine in the slow tests.
import { describe, expect, it } from 'vitest';
import {
  changes,
  clock,
  extrapolatedRate,
  firingStates,
  histogramQuantile,
  humanize,
  humanizePercentage,
  instant,
  sum,
  type SimSeries,
} from '../../../codegen/prometheus/rule-sim.js';

const MINUTE = 60e3;
const series = (values: readonly number[]): SimSeries => ({
  name: 'x_total',
  labels: {},
  at: (i) => values[Math.min(i, values.length - 1)]!,
});
const linear = (slope: number, start = 0): SimSeries => ({ name: 'x_total', labels: {}, at: (i) => start + slope * i });

describe('extrapolatedRate', () => {
  it('is the slope when samples cover the whole range', () => {
    // 60 per minute, samples at 5m..10m bound the range exactly: 300 over 300 s.
    expect(extrapolatedRate(linear(60), MINUTE, 10 * MINUTE, 5 * MINUTE, true)).toBe(1);
    expect(extrapolatedRate(linear(60), MINUTE, 10 * MINUTE, 5 * MINUTE, false)).toBe(300);
  });

  it('does not extrapolate a counter that started at zero to before zero', () => {
    // At 2m a 5m range holds samples 0, 60, 120: the counter started inside the range, so the increase is
    // 120 (no extrapolation towards the range start), spread over the whole 300 s range.
    expect(extrapolatedRate(linear(60), MINUTE, 2 * MINUTE, 5 * MINUTE, true)).toBe(0.4);
    expect(extrapolatedRate(linear(60), MINUTE, 2 * MINUTE, 5 * MINUTE, false)).toBe(120);
  });

  it('extrapolates to both ends of the range when they lie within 1.1 sample intervals', () => {
    // Samples every 5m, range 10m at t=12m: samples at 5m and 10m (values 100, 160). The gaps to the
    // range start (3m) and end (2m) are under 5.5m, so the increase of 60 over 5m is stretched to 10m.
    const s: SimSeries = { name: 'x', labels: {}, at: (i) => 40 + 60 * i };
    expect(extrapolatedRate(s, 5 * MINUTE, 12 * MINUTE, 10 * MINUTE, false)).toBeCloseTo(120, 12);
  });

  it('adds back a counter reset', () => {
    // 10 → 20 → 5: the counter restarted, so it rose by 10 and then by 5.
    expect(extrapolatedRate(series([10, 20, 5]), MINUTE, 2 * MINUTE, 2 * MINUTE, false)).toBe(15);
  });

  it('has no value with fewer than two samples', () => {
    expect(extrapolatedRate(linear(1), MINUTE, 0, 5 * MINUTE, true)).toBeUndefined();
  });
});

describe('instant, changes, sum', () => {
  it('reads the latest sample within the 5m lookback', () => {
    expect(instant(linear(1), MINUTE, 7.5 * MINUTE)).toBe(7);
    expect(instant(linear(1), 60 * MINUTE, 90 * MINUTE)).toBeUndefined();
    expect(instant(linear(1), 60 * MINUTE, 64 * MINUTE)).toBe(1);
  });

  it('counts value changes within the range', () => {
    expect(changes(series([1, 1, 2, 2, 3]), MINUTE, 4 * MINUTE, 10 * MINUTE)).toBe(2);
    expect(changes(series([1, 1, 2, 2, 3]), MINUTE, 4 * MINUTE, 1 * MINUTE)).toBe(1);
    expect(changes(series([5]), MINUTE, 0, 10 * MINUTE)).toBe(0);
  });

  it('sums the values present, and has none when none is', () => {
    expect(sum([1, undefined, 2])).toBe(3);
    expect(sum([undefined])).toBeUndefined();
  });
});

describe('histogramQuantile', () => {
  const buckets = (entries: [number, number][]) => new Map(entries);

  it('interpolates linearly inside the bucket the rank falls in', () => {
    expect(
      histogramQuantile(
        0.5,
        buckets([
          [1, 0],
          [10, 50],
          [100, 100],
          [Infinity, 100],
        ]),
      ),
    ).toBe(10);
    expect(
      histogramQuantile(
        0.25,
        buckets([
          [1, 0],
          [10, 50],
          [100, 100],
          [Infinity, 100],
        ]),
      ),
    ).toBe(5.5);
  });

  it('starts the first bucket at zero and returns the top bound for the +Inf bucket', () => {
    expect(
      histogramQuantile(
        0.5,
        buckets([
          [10, 100],
          [Infinity, 100],
        ]),
      ),
    ).toBe(5);
    expect(
      histogramQuantile(
        0.5,
        buckets([
          [10, 0],
          [Infinity, 100],
        ]),
      ),
    ).toBe(10);
  });

  it('has no value without observations', () => {
    expect(
      histogramQuantile(
        0.5,
        buckets([
          [10, 0],
          [Infinity, 0],
        ]),
      ),
    ).toBeUndefined();
  });
});

describe('firingStates', () => {
  it('fires once the condition held for `for`, and starts over when it stops holding', () => {
    const held = new Set([0, 1, 2, 3, 5, 6, 7]);
    const states = firingStates((t) => (held.has(t / MINUTE) ? 7 : undefined), 2 * MINUTE, MINUTE, 7 * MINUTE);
    expect(states).toEqual([undefined, undefined, 7, 7, undefined, undefined, undefined, 7]);
  });
});

describe('clock', () => {
  it("puts promtool's time 0 on a Thursday at midnight UTC", () => {
    expect(clock(0)).toEqual({ dayOfWeek: 4, minuteOfDay: 0 });
    expect(clock((3 * 24 * 60 + 9 * 60 + 30) * MINUTE)).toEqual({ dayOfWeek: 0, minuteOfDay: 570 });
  });
});

describe('humanize', () => {
  it("prints what Prometheus' template functions print", () => {
    expect(humanize(0)).toBe('0');
    expect(humanize(2.5)).toBe('2.5');
    expect(humanize(1234)).toBe('1.234k');
    expect(humanize(1e6)).toBe('1M');
    expect(humanize(0.001234)).toBe('1.234m');
    expect(humanize(0.1)).toBe('100m');
    expect(humanize(123456789)).toBe('123.5M');
    expect(humanizePercentage(0.5)).toBe('50%');
    expect(humanizePercentage(0.01234)).toBe('1.234%');
  });
});
