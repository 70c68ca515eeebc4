// Span and trace ids (runtime/span-ids.ts) against the SDK's RandomIdGenerator: from the same random
// draws, the same ids, the all-zero case included.
import { isValidSpanId, isValidTraceId } from '@opentelemetry/api';
import { RandomIdGenerator } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { spanIds } from '../../runtime/span-ids.js';

/** Math.random returning `draws` in turn, for both generators alike. */
function replay(draws: readonly number[]): void {
  let i = 0;
  vi.spyOn(Math, 'random').mockImplementation(() => draws[i++ % draws.length]!);
}

afterEach(() => vi.restoreAllMocks());

describe('spanIds', () => {
  it('gives the SDK generator’s ids from the same random draws', () => {
    const sdk = new RandomIdGenerator();
    const draws = Array.from({ length: 4000 }, (_, i) => ((i * 0.6180339887) % 1) ** (1 + (i % 3)));
    for (const gen of ['generateTraceId', 'generateSpanId'] as const) {
      replay(draws);
      const ours = Array.from({ length: 500 }, () => spanIds[gen]());
      replay(draws);
      const theirs = Array.from({ length: 500 }, () => sdk[gen]());
      expect(ours).toEqual(theirs);
    }
  });

  it('never gives the invalid all-zero id', () => {
    replay([0]);
    expect(spanIds.generateTraceId()).toBe(`${'0'.repeat(31)}1`);
    expect(spanIds.generateSpanId()).toBe(`${'0'.repeat(15)}1`);
    replay([0, 0, 0, 1 / 2 ** 32]);
    expect(spanIds.generateTraceId()).toBe(`${'0'.repeat(31)}1`);
    replay([1 / 2 ** 32, 0]);
    expect(spanIds.generateSpanId()).toBe('0000000100000000');
  });

  it('gives valid, distinct lowercase hex ids', () => {
    const traces = Array.from({ length: 10_000 }, () => spanIds.generateTraceId());
    const spanList = Array.from({ length: 10_000 }, () => spanIds.generateSpanId());
    expect(traces.filter((t) => !/^[0-9a-f]{32}$/.test(t) || !isValidTraceId(t))).toEqual([]);
    expect(spanList.filter((s) => !/^[0-9a-f]{16}$/.test(s) || !isValidSpanId(s))).toEqual([]);
    expect(new Set(traces).size).toBe(10_000);
    expect(new Set(spanList).size).toBe(10_000);
  });
});
