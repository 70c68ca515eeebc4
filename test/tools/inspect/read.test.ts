// Histogram points read from local telemetry: quantiles as Prometheus computes them, merged across series.
import { describe, expect, it } from 'vitest';
import { mergeHistograms, pointQuantile, type LocalPoint } from '../../../tools/inspect/read.js';

const point = (buckets: number[], bounds = [1, 10, 100]): LocalPoint => ({
  service: 's',
  metric: 'ampy.oms.order_latency_ms',
  unit: 'ms',
  scope: 'ampyobs',
  kind: 'histogram',
  attributes: {},
  count: buckets.reduce((a, b) => a + b, 0),
  sum: 0,
  exemplars: [],
  bounds,
  buckets,
});

describe('pointQuantile', () => {
  it('interpolates within the bucket that holds the rank, from per-bucket counts', () => {
    expect(pointQuantile(point([0, 50, 50, 0]), 0.5)).toBe(10);
    expect(pointQuantile(point([0, 50, 50, 0]), 0.25)).toBe(5.5);
    expect(pointQuantile(point([0, 50, 50, 0]), 0.75)).toBe(55);
    // The first bucket starts at 0.
    expect(pointQuantile(point([100, 0, 0, 0]), 0.5)).toBe(0.5);
  });

  it('answers the highest finite bound for a rank in the +Inf bucket, and nothing for an empty point', () => {
    expect(pointQuantile(point([0, 0, 10, 90]), 0.99)).toBe(100);
    expect(pointQuantile(point([0, 0, 0, 0]), 0.5)).toBeUndefined();
  });
});

describe('mergeHistograms', () => {
  it('adds bucket counts, counts and sums across series', () => {
    const merged = mergeHistograms([point([1, 2, 3, 4]), point([4, 3, 2, 1])]);
    expect(merged).toMatchObject({ count: 20, buckets: [5, 5, 5, 5], attributes: {} });
    expect(pointQuantile(merged!, 0.5)).toBe(10);
  });
});
