import { context, createContextKey, trace, type Context } from '@opentelemetry/api';
import { invalidInput, ownEntries } from './hooks.js';
import { truncateValue } from './redact.js';

const CORE = createContextKey('ampyobs.context_core');

/** Context core values set for a scope: run_id, as_of, universe_id, message_id, client_order_id, symbol, mic. */
export type ScopeValues = Readonly<Record<string, string | undefined>>;

const EMPTY: ScopeValues = Object.freeze({});

/**
 * The context core values visible in `ctx` (defaults to the active context). Never throws: a `ctx` that
 * is not a context has none, and is counted in ampy.obs.dropped (`logs` / `invalid_field`).
 */
export function scopeValues(ctx: Context = context.active()): ScopeValues {
  try {
    return coreOf(ctx);
  } catch {
    invalidInput('invalid_field', 'logs');
    return EMPTY;
  }
}

/** The context core values in `ctx`; throws when `ctx` is not a context. */
function coreOf(ctx: Context): ScopeValues {
  return (ctx.getValue(CORE) as ScopeValues | undefined) ?? EMPTY;
}

/**
 * Most values one scope holds, outer scopes' included: as many attributes as a span keeps by default
 * (OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT). Every log line and span in the scope carries them all.
 */
const MAX_SCOPE_VALUES = 128;

/**
 * The values of a scope an untyped caller passes, read without trusting them: no object at all (null, a
 * string, an array), keys that cannot be listed and values that cannot be read are counted and left out.
 * A string value is cut to MAX_VALUE_LENGTH, as every value leaving the process is: every log line and
 * span in the scope carries it, so a huge one must cost bounded work, once.
 */
function readScope(values: unknown): [string, unknown][] {
  if (values === undefined || values === null || isArray(values)) {
    invalidInput('invalid_field', 'logs');
    return [];
  }
  // One more than fits, so that scoped() sees there were too many, and counts it.
  const added = ownEntries(values, 'logs', MAX_SCOPE_VALUES + 1);
  for (const e of added) if (typeof e[1] === 'string') e[1] = truncateValue(e[1]);
  return added;
}

/** Array.isArray, with a revoked Proxy (which makes it throw) counted as one. */
function isArray(v: unknown): boolean {
  try {
    return Array.isArray(v);
  } catch {
    return true;
  }
}

/**
 * A context holding `values` on top of what `ctx` already carries. Never throws: what cannot be read is
 * counted in ampy.obs.dropped (`logs` / `invalid_field`) and left out, as are values past 128 in one
 * scope, and a `ctx` that is not a context is replaced by the active one (counted too).
 */
export function withScopeValues(values: ScopeValues, ctx: Context = context.active()): Context {
  const added = readScope(values);
  try {
    return scoped(ctx, added);
  } catch {
    invalidInput('invalid_field', 'logs');
    return scoped(context.active(), added);
  }
}

function scoped(ctx: Context, added: readonly [string, unknown][]): Context {
  const merged: Record<string, unknown> = { ...coreOf(ctx) };
  let n = Object.keys(merged).length;
  for (const [k, v] of added) {
    if (!Object.hasOwn(merged, k) && n++ >= MAX_SCOPE_VALUES) {
      invalidInput('invalid_field', 'logs');
      break;
    }
    merged[k] = v;
  }
  return ctx.setValue(CORE, merged);
}

/**
 * Runs `fn` with context core values in scope: every log line inside carries them, and span helpers
 * started inside add the ones the spec marks on_spans. Nested scopes add to and override outer ones.
 * `fn` runs exactly once and its result or error passes through unchanged, whatever `values` is (see
 * withScopeValues); a `fn` that is not a function throws the TypeError calling it would.
 */
export function runInScope<T>(values: ScopeValues, fn: () => T): T {
  return context.with(withScopeValues(values), fn);
}

/**
 * trace_id and span_id of the active span (or of `ctx`'s), when one is recording or was propagated (a
 * fresh object). Never throws: a `ctx` that is not a context has none, and is counted in
 * ampy.obs.dropped (`logs` / `invalid_field`).
 */
export function activeTraceIds(ctx: Context = context.active()): Record<string, unknown> {
  let sc;
  try {
    sc = trace.getSpanContext(ctx);
  } catch {
    invalidInput('invalid_field', 'logs');
    return {};
  }
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
