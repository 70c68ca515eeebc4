import type { SpanContext } from '@opentelemetry/api';
import type { PointExemplar } from './exemplar.js';

/**
 * A fixed number of exemplars per series, in preallocated arrays: one per series for a counter, one per
 * bucket for a histogram (what OpenMetrics allows on a `_total` and on a `_bucket` sample). Each place
 * keeps the latest measurement recorded in a sampled span; storing one writes two numbers and a
 * reference to the span's context, and allocates nothing.
 */
export class ExemplarStore {
  private readonly values: Float64Array;
  private readonly times: Float64Array;
  private readonly contexts: (SpanContext | undefined)[];

  constructor(readonly places: number) {
    this.values = new Float64Array(places);
    this.times = new Float64Array(places);
    this.contexts = new Array<SpanContext | undefined>(places).fill(undefined);
  }

  /** Keeps `value`, recorded now in the span of `sc`, at place `i`. */
  offer(i: number, value: number, sc: SpanContext): void {
    this.values[i] = value;
    this.times[i] = Date.now();
    this.contexts[i] = sc;
  }

  /** The exemplar at place `i`, if one was kept; `bucket` is recorded with it for histograms. */
  at(i: number, bucket?: number): PointExemplar | undefined {
    const sc = this.contexts[i];
    if (sc === undefined) return undefined;
    return { value: this.values[i]!, timeMs: this.times[i]!, traceId: sc.traceId, spanId: sc.spanId, ...(bucket !== undefined && { bucket }) };
  }

  clear(): void {
    this.contexts.fill(undefined);
  }
}
