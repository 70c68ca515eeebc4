// The example in each metric helper's TSDoc records a value the metric could really take.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exampleValue } from '../../../codegen/emit/metrics.js';
import { readSpec } from '../../../codegen/pipeline.js';

const model = readSpec(path.resolve(import.meta.dirname, '../../../spec')).model!;

describe('metric helper examples', () => {
  it.each(model.metrics.map((m) => [m.name, m] as const))('%s: a value in its unit and range', (_, m) => {
    const v = exampleValue(m);
    if (m.instrument === 'counter' || m.instrument === 'updowncounter') expect(v).toBe(1);
    if (m.buckets) {
      expect(v).toBeGreaterThanOrEqual(m.buckets.boundaries[0]!);
      expect(v).toBeLessThanOrEqual(m.buckets.boundaries.at(-1)!);
    }
    // A ratio in '1' runs 0..1; a count is whole.
    if (m.unit === '1') expect(v > 0 && v < 1, `${v}`).toBe(true);
    if (m.unit.startsWith('{')) expect(Number.isInteger(v), `${v}`).toBe(true);
    expect(v).toBeGreaterThan(0);
  });
});
