// Exemplars: a measurement remembered with the trace it was recorded in, so a metric panel can link
// to an example trace. OpenTelemetry JS records none (opentelemetry-js issue 5147); the fast path keeps
// its own and hands them to the OTLP encoder and the OpenMetrics writer on its data points.
import { trace, type ContextManager, type SpanContext } from '@opentelemetry/api';
import type { DataPoint } from '@opentelemetry/sdk-metrics';

/** One exemplar: the value recorded, when, and the sampled span it was recorded in. */
export interface PointExemplar {
  readonly value: number;
  /** Milliseconds since the epoch. */
  readonly timeMs: number;
  readonly traceId: string;
  readonly spanId: string;
  /** For a histogram: the index of the bucket the value fell in (one exemplar per bucket at most). */
  readonly bucket?: number;
}

/** A data point the fast path produced, with its exemplars when it has any. */
export type ExemplarDataPoint<T> = DataPoint<T> & { readonly exemplars?: readonly PointExemplar[] };

/** The exemplars a data point carries (none for points of the SDK path). */
export function exemplarsOf(dp: DataPoint<unknown>): readonly PointExemplar[] {
  return (dp as ExemplarDataPoint<unknown>).exemplars ?? [];
}

let manager: ContextManager | undefined;

/**
 * Where the fast path reads the active span from: init passes its context manager when exemplars are
 * on, undefined switches them off. Read directly rather than through the API's global lookup, which
 * costs more per call.
 */
export function setExemplarSource(m: ContextManager | undefined): void {
  manager = m;
}

/** Whether metrics record exemplars. */
export function exemplarsEnabled(): boolean {
  return manager !== undefined;
}

/**
 * The active span's context when the span is sampled: what an exemplar points to. Undefined when
 * exemplars are off, no span is active, or it is not sampled. Allocates nothing.
 */
export function sampledSpanContext(): SpanContext | undefined {
  const m = manager;
  if (m === undefined) return undefined;
  const span = trace.getSpan(m.active());
  if (span === undefined) return undefined;
  const sc = span.spanContext();
  return (sc.traceFlags & 1) === 1 ? sc : undefined;
}
