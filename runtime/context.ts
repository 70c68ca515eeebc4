import { context, createContextKey, trace, type Context } from '@opentelemetry/api';

const CORE = createContextKey('ampyobs.context_core');

/** Context core values set for a scope: run_id, as_of, universe_id, message_id, client_order_id, symbol, mic. */
export type ScopeValues = Readonly<Record<string, string | undefined>>;

const EMPTY: ScopeValues = Object.freeze({});

/** The context core values visible in `ctx` (defaults to the active context). */
export function scopeValues(ctx: Context = context.active()): ScopeValues {
  return (ctx.getValue(CORE) as ScopeValues | undefined) ?? EMPTY;
}

/** A context holding `values` on top of what `ctx` already carries. */
export function withScopeValues(values: ScopeValues, ctx: Context = context.active()): Context {
  const merged: Record<string, string | undefined> = { ...scopeValues(ctx) };
  for (const [k, v] of Object.entries(values)) if (v !== undefined) merged[k] = v;
  return ctx.setValue(CORE, merged);
}

/**
 * Runs `fn` with context core values in scope: every log line inside carries them, and span helpers
 * started inside add the ones the spec marks on_spans. Nested scopes add to and override outer ones.
 */
export function runInScope<T>(values: ScopeValues, fn: () => T): T {
  return context.with(withScopeValues(values), fn);
}

/** trace_id and span_id of the active span, when one is recording or was propagated (a fresh object). */
export function activeTraceIds(ctx: Context = context.active()): Record<string, unknown> {
  const sc = trace.getSpanContext(ctx);
  return sc && trace.isSpanContextValid(sc) ? { trace_id: sc.traceId, span_id: sc.spanId } : {};
}

/** Whether an untyped value is an OpenTelemetry context (checked without trusting it: never throws). */
export function isContext(c: unknown): c is Context {
  try {
    return (
      typeof c === 'object' &&
      c !== null &&
      typeof (c as Context).getValue === 'function' &&
      typeof (c as Context).setValue === 'function'
    );
  } catch {
    return false;
  }
}
