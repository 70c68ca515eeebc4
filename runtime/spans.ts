import {
  context,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Link,
  type Span,
  type SpanContext,
} from '@opentelemetry/api';
import { scopeValues } from './context.js';
import { tracer } from './providers.js';
import { fingerprint } from './redact.js';
import type { SpanDescriptor } from './types.js';
import { toSpanValue } from './values.js';

/** Start-attribute marking a safety-critical span; the sampler and the collector's tail sampling keep it. */
export const ALWAYS_SAMPLE_ATTRIBUTE = 'ampy.always_sample';

/** Options of a span helper call. */
export interface SpanOptions {
  /** Fan-out: spans this one is causally linked to (span contexts or full links). */
  readonly links?: readonly (SpanContext | Link)[];
  /** Parent context; defaults to the active context (e.g. one returned by extractBusContext). */
  readonly parent?: Context;
  /** Explicit start time. */
  readonly startTime?: Date | number;
}

/** A generated span helper: call it to run `fn` inside the span, or use `.start` to manage the span yourself. */
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

function startAttributes(d: SpanDescriptor, attrs: Readonly<Record<string, unknown>>, ctx: Context): Attributes {
  const out: Attributes = {};
  const scope = scopeValues(ctx);
  for (const k in scope) {
    const v = scope[k];
    if (v !== undefined) out[k] = v;
  }
  const fields = d.attributes;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    const raw = attrs[f.name];
    if (raw === undefined) continue;
    const value = f.secret ? (f.fingerprint ? fingerprint(String(raw)) : undefined) : typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean' ? raw : toSpanValue(raw);
    if (value !== undefined) out[f.name] = value;
  }
  if (d.alwaysSample) out[ALWAYS_SAMPLE_ATTRIBUTE] = true;
  else if (d.alwaysSampleWhen) for (const c of d.alwaysSampleWhen) if (c.values.includes(String(attrs[c.name]))) out[ALWAYS_SAMPLE_ATTRIBUTE] = true;
  return out;
}

const NO_OPTIONS: SpanOptions = Object.freeze({});

function toLinks(links: SpanOptions['links']): Link[] | undefined {
  return links?.map((l) => ('context' in l ? l : { context: l }));
}

function isPromiseLike(v: unknown): v is PromiseLike<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

/** Defines a span helper from its spec descriptor (called by generated code). */
export function defineSpan<A>(d: SpanDescriptor): SpanHelper<A> {
  const begin = (attributes: A, options: SpanOptions, parent: Context): Span => {
    const links = toLinks(options.links);
    return tracer().startSpan(
      d.name,
      {
        kind: KINDS[d.kind],
        attributes: startAttributes(d, attributes as Readonly<Record<string, unknown>>, parent),
        ...(links && { links }),
        ...(options.startTime !== undefined && { startTime: options.startTime }),
      },
      parent,
    );
  };
  const start = (attributes: A, options: SpanOptions = {}): Span => begin(attributes, options, options.parent ?? context.active());
  const run = <T>(attributes: A, fn: (span: Span) => T, options: SpanOptions = NO_OPTIONS): T => {
    const parent = options.parent ?? context.active();
    const span = begin(attributes, options, parent);
    const fail = (err: unknown): void => {
      span.recordException(err instanceof Error ? err : String(err));
      span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
    };
    let result: T;
    try {
      result = context.with(trace.setSpan(parent, span), fn, undefined, span);
    } catch (err) {
      fail(err);
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
          fail(err);
          span.end();
          throw err;
        },
      ) as T;
    }
    span.end();
    return result;
  };
  return Object.assign(run, { start, descriptor: d });
}
