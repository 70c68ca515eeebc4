import type { SpanContext } from '@opentelemetry/api';
import type { PointExemplar } from './exemplar.js';

/**
 * How long an exemplar is kept before a newer one may replace it: long enough that a scrape or an export
 * sees it, so a burst of measurements in one bucket shows its first trace rather than whichever came
 * last (Prometheus' Java client samples exemplars the same way).
 */
export const EXEMPLAR_MIN_RETENTION_MS = 5_000;

/**
 * A fixed number of exemplars per series, in preallocated arrays: one per series for a counter, one per
 * bucket for a histogram (what OpenMetrics allows on a `_total` and on a `_bucket` sample). A place takes
 * a measurement recorded in a sampled span when it is empty or its exemplar is older than
 * EXEMPLAR_MIN_RETENTION_MS; storing one writes two numbers and a reference to the span's context, and
 * allocates nothing.
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

  /** Keeps `value`, recorded now in the span of `sc`, at place `i`, unless its exemplar is still recent. */
  offer(i: number, value: number, sc: SpanContext): void {
    const now = Date.now();
    if (this.contexts[i] !== undefined && now - this.times[i]! < EXEMPLAR_MIN_RETENTION_MS) return;
    this.values[i] = value;
    this.times[i] = now;
    this.contexts[i] = sc;
  }

  /** The exemplar at place `i`, if one was kept; `bucket` is recorded with it for histograms. */
  at(i: number, bucket?: number): PointExemplar | undefined {
    const sc = this.contexts[i];
    if (sc === undefined) return undefined;
    return {
      value: this.values[i]!,
      timeMs: this.times[i]!,
      traceId: sc.traceId,
      spanId: sc.spanId,
      ...(bucket !== undefined && { bucket }),
    };
  }

  clear(): void {
    this.contexts.fill(undefined);
  }
}
