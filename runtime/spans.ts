import {
  context,
  INVALID_SPAN_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Link,
  type Span,
  type SpanContext,
} from '@opentelemetry/api';
import { ALWAYS_SAMPLE_ATTRIBUTE } from '../conventions/index.js';
import { isContext, scopeValues } from './context.js';
import { invalidInput } from './hooks.js';
import { spanPipeline, tracer } from './providers.js';
import { fingerprint } from './redact.js';
import { contextWithSpan } from './span-context.js';
import { describeError, GuardedSpan, safeLinks, safeTime } from './span-guard.js';
import { isPromiseLike } from './settle.js';
import { startSpanRecord } from './span-records.js';
import type { SpanDescriptor } from './types.js';
import { toSpanValue } from './values.js';

/** Options of a span helper call. */
export interface SpanOptions {
  /** Fan-out: spans this one is causally linked to (span contexts or full links). */
  readonly links?: readonly (SpanContext | Link)[];
  /** Parent context; defaults to the active context (e.g. one returned by extractBusContext). */
  readonly parent?: Context;
  /** Explicit start time. */
  readonly startTime?: Date | number;
}

/**
 * A generated span helper: call it to run `fn` inside the span, or use `.start` to manage the span
 * yourself. Whatever an untyped caller passes, the helper does not throw: `fn` runs exactly once and its
 * result or error passes through unchanged; input that cannot be represented is left out and counted.
 */
export interface SpanHelper<A> {
  /** Runs `fn` in a new active span; ends it when `fn` (or its promise) settles, recording errors. */
  <T>(attributes: A, fn: (span: Span) => T, options?: SpanOptions): T;
  /** Starts the span without activating it; the caller ends it. */
  start(attributes: A, options?: SpanOptions): Span;
  readonly descriptor: SpanDescriptor;
}

const KINDS: Record<SpanDescriptor['kind'], SpanKind> = {
  internal: SpanKind.INTERNAL,
  server: SpanKind.SERVER,
  client: SpanKind.CLIENT,
  producer: SpanKind.PRODUCER,
  consumer: SpanKind.CONSUMER,
};

function bad(): void {
  invalidInput('invalid_field', 'traces');
}

/** One attribute of an untyped object: a throwing getter or Proxy trap counts and reads as undefined. */
function read(attrs: object, key: string): unknown {
  try {
    return (attrs as Record<string, unknown>)[key];
  } catch {
    bad();
    return undefined;
  }
}

function startAttributes(d: SpanDescriptor, attrs: unknown, ctx: Context): Attributes {
  const out: Attributes = {};
  const scope = scopeValues(ctx);
  for (const k in scope) {
    const v = scope[k];
    if (typeof v === 'string') out[k] = v;
  }
  if (typeof attrs !== 'object' || attrs === null) {
    // No attributes at all: the span still runs, with the context core and nothing else.
    bad();
    if (d.alwaysSample) out[ALWAYS_SAMPLE_ATTRIBUTE] = true;
    return out;
  }
  const fields = d.attributes;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    const raw = read(attrs, f.name);
    if (raw === undefined || raw === null) continue;
    let value: Attributes[string];
    if (f.secret)
      value = f.fingerprint ? fingerprint(typeof raw === 'string' ? raw : String(toSpanValue(raw))) : undefined;
    else if (typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean') value = raw;
    else if ((value = toSpanValue(raw)) === undefined) bad();
    if (value !== undefined) out[f.name] = value;
  }
  if (d.alwaysSample) out[ALWAYS_SAMPLE_ATTRIBUTE] = true;
  else if (d.alwaysSampleWhen)
    for (const c of d.alwaysSampleWhen) {
      const v = out[c.name];
      if (typeof v === 'string' && c.values.includes(v)) out[ALWAYS_SAMPLE_ATTRIBUTE] = true;
    }
  return out;
}

/** What a call's options give: the parent, links and start time that can be used. */
interface ReadOptions {
  readonly parent: Context;
  readonly links: Link[] | undefined;
  readonly startTime: Date | number | undefined;
}

/** Options from an untyped caller, read once; never throws. Calls without options do not come here. */
function readOptions(options: unknown): ReadOptions {
  if (typeof options !== 'object' || options === null) {
    bad();
    return { parent: context.active(), links: undefined, startTime: undefined };
  }
  const p = read(options, 'parent');
  let parent = context.active();
  if (p !== undefined) {
    if (isContext(p)) parent = p;
    else bad();
  }
  try {
    const links = safeLinks(read(options, 'links'));
    const t = safeTime(read(options, 'startTime'));
    return { parent, links, startTime: typeof t === 'number' || t instanceof Date ? t : undefined };
  } catch {
    // Never expected: safeLinks and safeTime count what they cannot use.
    bad();
    return { parent, links: undefined, startTime: undefined };
  }
}

/** Marks the span failed with the application's error, whatever that error is; never throws. */
function fail(span: Span, err: unknown): void {
  try {
    const { exception, message } = describeError(err);
    span.recordException(exception);
    span.setStatus({ code: SpanStatusCode.ERROR, message });
  } catch {
    bad();
  }
}

/**
 * Runs `fn` with `span` active under `parent` and ends the span when `fn` (or its promise) settles,
 * recording a thrown or rejected error; the result or error passes through unchanged. A non-function
 * `fn` throws the TypeError calling it would: the application's own error.
 */
export function runInSpan<T>(span: GuardedSpan, parent: Context, fn: (span: Span) => T): T {
  const ctx = contextWithSpan(parent, span);
  let result: T;
  try {
    result = context.with(ctx, fn, undefined, span);
  } catch (err) {
    fail(span, err);
    span.end();
    throw err;
  }
  if (isPromiseLike(result)) {
    return Promise.resolve(result).then(
      (v) => {
        span.end();
        return v;
      },
      (err: unknown) => {
        fail(span, err);
        span.end();
        throw err;
      },
    ) as T;
  }
  span.end();
  return result;
}

/** Defines a span helper from its spec descriptor (called by generated code). */
export function defineSpan<A>(d: SpanDescriptor): SpanHelper<A> {
  const startUnder = (
    attributes: unknown,
    parent: Context,
    links: Link[] | undefined,
    startTime: Date | number | undefined,
  ): GuardedSpan => {
    try {
      const pipeline = spanPipeline();
      const span = pipeline
        ? startSpanRecord(
            pipeline,
            d.name,
            KINDS[d.kind],
            startAttributes(d, attributes, parent),
            links,
            startTime,
            parent,
          )
        : tracer().startSpan(
            d.name,
            {
              kind: KINDS[d.kind],
              attributes: startAttributes(d, attributes, parent),
              ...(links && { links }),
              ...(startTime !== undefined && { startTime }),
            },
            parent,
          );
      return new GuardedSpan(span);
    } catch {
      // Never expected; if the SDK itself fails, the application still gets a span to call.
      bad();
      return new GuardedSpan(trace.wrapSpanContext(INVALID_SPAN_CONTEXT));
    }
  };
  // A call without options (the usual one) reads the active context and allocates nothing for options.
  const start = (attributes: A, options?: SpanOptions): Span => {
    if (options === undefined) return startUnder(attributes, context.active(), undefined, undefined);
    const o = readOptions(options);
    return startUnder(attributes, o.parent, o.links, o.startTime);
  };
  const run = <T>(attributes: A, fn: (span: Span) => T, options?: SpanOptions): T => {
    if (options === undefined) {
      const parent = context.active();
      return runInSpan(startUnder(attributes, parent, undefined, undefined), parent, fn);
    }
    const o = readOptions(options);
    return runInSpan(startUnder(attributes, o.parent, o.links, o.startTime), o.parent, fn);
  };
  return Object.assign(run, { start, descriptor: d });
}
