// The context a span helper runs its callback in: the parent context with the helper's span active.
// trace.setSpan builds it through the api's BaseContext, which copies the parent's Map and makes three
// closures: 645 bytes and about 140 ns per call, the largest single part of the with-span form's cost
// (README "Performance"). A helper context stores the span over the parent instead; it reads and
// changes as the api's context does.
import { INVALID_SPAN_CONTEXT, trace, type Context, type Span } from '@opentelemetry/api';

/**
 * The api's key for the active span, read by letting trace.setSpan set it on a probe: the key is the
 * api's, not spelled here, and cannot drift from it.
 */
const SPAN_KEY: symbol | undefined = (() => {
  let key: symbol | undefined;
  const probe: Context = {
    getValue: () => undefined,
    setValue: (k) => ((key = k), probe),
    deleteValue: () => probe,
  };
  trace.setSpan(probe, trace.wrapSpanContext(INVALID_SPAN_CONTEXT));
  return key;
})();

/**
 * A context with `span` active over `base`, which never is one itself: reads are one step deep. Made only
 * when SPAN_KEY is known.
 */
class SpanOverContext implements Context {
  constructor(
    readonly base: Context,
    readonly span: unknown,
  ) {}

  getValue(key: symbol): unknown {
    return key === SPAN_KEY ? this.span : this.base.getValue(key);
  }

  setValue(key: symbol, value: unknown): Context {
    if (key === SPAN_KEY) return new SpanOverContext(this.base, value);
    // Any other change makes an api context holding both: this one stays as it is.
    return this.base.setValue(SPAN_KEY!, this.span).setValue(key, value);
  }

  deleteValue(key: symbol): Context {
    if (key === SPAN_KEY) return this.base.deleteValue(key);
    return this.base.setValue(SPAN_KEY!, this.span).deleteValue(key);
  }
}

/** `parent` with `span` active: what trace.setSpan(parent, span) returns, without copying `parent`. */
export function contextWithSpan(parent: Context, span: Span): Context {
  if (SPAN_KEY === undefined) return trace.setSpan(parent, span);
  return new SpanOverContext(parent instanceof SpanOverContext ? parent.base : parent, span);
}
