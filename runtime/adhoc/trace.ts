// Ad-hoc spans: trace(name, attributes, fn) for work the spec lists no span for. Each carries the ad-hoc
// marker (its instrumentation scope, and the attribute ampy.adhoc=true), the context core like the
// spec's spans, and goes through the same guard: the callback runs exactly once, whatever is passed.
import { context, INVALID_SPAN_CONTEXT, trace as api, type AttributeValue, type Span } from '@opentelemetry/api';
import { ADHOC_SPAN_ATTRIBUTE } from '../../conventions/index.js';
import { scopeValues } from '../context.js';
import { invalidInput, nameOf } from '../hooks.js';
import { adhocTracer } from '../providers.js';
import { GuardedSpan, safeAttributes } from '../span-guard.js';
import { runInSpan } from '../spans.js';
import { countAdhoc } from './count.js';

/** Attributes of an ad-hoc span: primitives or arrays of one primitive type; anything else is left out and counted. */
export type AdhocAttributes = Readonly<Record<string, AttributeValue | null | undefined>>;

/** Starts an ad-hoc span under the active context; never throws. */
function begin(name: unknown, attributes: unknown): GuardedSpan {
  try {
    const parent = context.active();
    const attrs: Record<string, AttributeValue> = {};
    const scope = scopeValues(parent);
    for (const k in scope) {
      const v = scope[k];
      if (typeof v === 'string') attrs[k] = v;
    }
    Object.assign(attrs, safeAttributes(attributes));
    attrs[ADHOC_SPAN_ATTRIBUTE] = true;
    const text = nameOf(name, 'traces');
    if (name === '') invalidInput('invalid_field', 'traces');
    countAdhoc('span');
    return new GuardedSpan(adhocTracer().startSpan(text || 'adhoc', { attributes: attrs }, parent));
  } catch {
    invalidInput('invalid_field', 'traces');
    return new GuardedSpan(api.wrapSpanContext(INVALID_SPAN_CONTEXT));
  }
}

/**
 * Runs `fn` in an ad-hoc span named `name` and ends it when `fn` (or its promise) settles, recording a
 * thrown or rejected error; the result or error passes through unchanged. For work the spec does not
 * list yet: the span is marked ad-hoc, and `ampyobs live-check` lists it as a candidate for the spec.
 *
 * @example
 * ```ts
 * const quotes = await trace('quotes.refresh', { venue: 'xnas', symbols: 40 }, () => refreshQuotes());
 * ```
 */
export function trace<T>(name: string, fn: (span: Span) => T): T;
export function trace<T>(name: string, attributes: AdhocAttributes, fn: (span: Span) => T): T;
export function trace<T>(
  name: string,
  attributesOrFn: AdhocAttributes | ((span: Span) => T),
  maybeFn?: (span: Span) => T,
): T {
  const fn = typeof attributesOrFn === 'function' ? attributesOrFn : maybeFn;
  const attributes = typeof attributesOrFn === 'function' ? undefined : attributesOrFn;
  return runInSpan(begin(name, attributes), context.active(), fn as (span: Span) => T);
}

/** Starts an ad-hoc span without activating it; the caller ends it. */
trace.start = (name: string, attributes?: AdhocAttributes): Span => begin(name, attributes);
