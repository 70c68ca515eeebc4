import { context, propagation, ROOT_CONTEXT, type Context, type TextMapGetter, type TextMapSetter } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { withScopeValues } from './context.js';

/** ampy-bus message headers: string values keyed by lowercase names. */
export type BusHeaders = Record<string, string>;

const w3c = new W3CTraceContextPropagator();

const setter: TextMapSetter<BusHeaders> = {
  set: (carrier, key, value) => {
    carrier[key] = value;
  },
};
const getter: TextMapGetter<BusHeaders> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => carrier[key] ?? carrier[key.toLowerCase()],
};

/**
 * Writes W3C `traceparent`/`tracestate` of `ctx` (default: the active context) into bus headers.
 * Uses the global propagator when one is registered, W3C trace context otherwise.
 */
export function injectTraceHeaders(headers: BusHeaders, ctx: Context = context.active()): BusHeaders {
  // A registered propagator (init registers W3C trace context and baggage) does it all; else W3C alone.
  if (propagation.fields().length) propagation.inject(ctx, headers, setter);
  else w3c.inject(ctx, headers, setter);
  return headers;
}

/**
 * Reads W3C trace context from bus headers into a context whose spans continue the producer's trace;
 * `scope` values (e.g. message_id, run_id from the envelope) join the context core.
 */
export function extractTraceContext(headers: BusHeaders, scope: Readonly<Record<string, string | undefined>> = {}, base: Context = ROOT_CONTEXT): Context {
  const ctx = propagation.fields().length ? propagation.extract(base, headers, getter) : w3c.extract(base, headers, getter);
  return withScopeValues(scope, ctx);
}
