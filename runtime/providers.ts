import { metrics, trace, type Meter, type MeterProvider, type Tracer, type TracerProvider } from '@opentelemetry/api';
import { ADHOC_SCOPE, SCOPE } from '../conventions/index.js';
import type { SpanPipeline } from './span-records.js';

interface State {
  epoch: number;
  meterProvider?: MeterProvider | undefined;
  tracerProvider?: TracerProvider | undefined;
  meter?: Meter | undefined;
  tracer?: Tracer | undefined;
  adhocMeter?: Meter | undefined;
  adhocTracer?: Tracer | undefined;
  spans?: SpanPipeline | undefined;
}

const state: State = { epoch: 0 };

/**
 * Points the helpers at these providers (init calls this; tests pass SDK providers with in-memory
 * exporters). Without it, helpers use the OpenTelemetry API globals, which are no-ops until a
 * global SDK is registered.
 */
export function useProviders(p: {
  meterProvider?: MeterProvider | undefined;
  tracerProvider?: TracerProvider | undefined;
  /** What `tracerProvider` is built from, for the helpers to build their spans without its Tracer (init passes it). */
  spans?: SpanPipeline | undefined;
}): void {
  state.meterProvider = p.meterProvider;
  state.tracerProvider = p.tracerProvider;
  state.spans = p.tracerProvider ? p.spans : undefined;
  state.meter = undefined;
  state.tracer = undefined;
  state.adhocMeter = undefined;
  state.adhocTracer = undefined;
  // Instruments cached by helpers belong to the old provider; a new epoch makes them re-resolve.
  state.epoch++;
}

/** Changes whenever providers change; helpers compare it to know their cached instrument is stale. */
export function providerEpoch(): number {
  return state.epoch;
}

/** The meter generated metric helpers record through. */
export function meter(): Meter {
  state.meter ??= (state.meterProvider ?? metrics.getMeterProvider()).getMeter(SCOPE.name, SCOPE.version);
  return state.meter;
}

/** The tracer generated span helpers start spans with. */
export function tracer(): Tracer {
  state.tracer ??= (state.tracerProvider ?? trace.getTracerProvider()).getTracer(SCOPE.name, SCOPE.version);
  return state.tracer;
}

/** The pipeline helper spans are built on, when the tracer provider came with one (runtime/span-records.ts). */
export function spanPipeline(): SpanPipeline | undefined {
  return state.spans;
}

/** The meter of ad-hoc metrics (the escape hatch): its scope is the ad-hoc marker. */
export function adhocMeter(): Meter {
  state.adhocMeter ??= (state.meterProvider ?? metrics.getMeterProvider()).getMeter(ADHOC_SCOPE, SCOPE.version);
  return state.adhocMeter;
}

/** The tracer of ad-hoc spans (the escape hatch): its scope is the ad-hoc marker. */
export function adhocTracer(): Tracer {
  state.adhocTracer ??= (state.tracerProvider ?? trace.getTracerProvider()).getTracer(ADHOC_SCOPE, SCOPE.version);
  return state.adhocTracer;
}
