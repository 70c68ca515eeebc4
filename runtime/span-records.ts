// The spans of the generated helpers, built here rather than through the OpenTelemetry SDK's Tracer: the
// helpers have already sanitised every attribute, link and time (runtime/span-guard.ts), and the SDK's
// per-span validation, copying, clock anchoring and processor fan-out cost more than the span itself
// (README "Performance"). Sampling, limits and processors are the SDK's own, and ids come from the
// generator the provider uses too (runtime/span-ids.ts), so a helper span is sampled, exported and seen
// by the surface exactly as an SDK span with the same inputs would be.
import {
  INVALID_SPAN_CONTEXT,
  SpanStatusCode,
  trace,
  type Attributes,
  type AttributeValue,
  type Context,
  type Exception,
  type HrTime,
  type Link,
  type Span,
  type SpanContext,
  type SpanKind,
  type SpanStatus,
  type TimeInput,
} from '@opentelemetry/api';
import { getNumberFromEnv, hrTimeDuration, isTracingSuppressed } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  SamplingDecision,
  type ReadableSpan,
  type Sampler,
  type SpanLimits,
  type SpanProcessor,
  type TimedEvent,
} from '@opentelemetry/sdk-trace-base';
import { SCOPE } from '../conventions/index.js';
import { spanIds } from './span-ids.js';
import { epochOf, hrTimeOf, now } from './time.js';

/** The limits every span keeps to, helper or SDK: the SDK's defaults and environment variables. */
export type ResolvedSpanLimits = Required<SpanLimits>;

/**
 * Span limits as the OpenTelemetry SDK reads them (OTEL_SPAN_*_LIMIT, then OTEL_ATTRIBUTE_*_LIMIT, then
 * 128 and no length limit). init hands the same object to the SDK's provider and to the helper spans.
 */
export function spanLimits(): ResolvedSpanLimits {
  const attributeCountLimit =
    getNumberFromEnv('OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT') ?? getNumberFromEnv('OTEL_ATTRIBUTE_COUNT_LIMIT') ?? 128;
  return {
    attributeCountLimit,
    attributeValueLengthLimit:
      getNumberFromEnv('OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT') ??
      getNumberFromEnv('OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT') ??
      Infinity,
    linkCountLimit: getNumberFromEnv('OTEL_SPAN_LINK_COUNT_LIMIT') ?? 128,
    eventCountLimit: getNumberFromEnv('OTEL_SPAN_EVENT_COUNT_LIMIT') ?? 128,
    attributePerEventCountLimit: getNumberFromEnv('OTEL_SPAN_ATTRIBUTE_PER_EVENT_COUNT_LIMIT') ?? 128,
    attributePerLinkCountLimit: getNumberFromEnv('OTEL_SPAN_ATTRIBUTE_PER_LINK_COUNT_LIMIT') ?? 128,
  };
}

/** What helper spans are built with: the tracer provider's sampler, resource, limits and processors. */
export interface SpanPipeline {
  readonly sampler: Sampler;
  readonly resource: Resource;
  readonly limits: ResolvedSpanLimits;
  readonly processors: readonly SpanProcessor[];
}

/**
 * A tracer provider and the pipeline the helpers build their spans on, from the same sampler, resource,
 * processors and span limits: helper spans and instrumentation spans are sampled, limited and exported
 * alike. init uses it; so can a caller of useProviders with processors of its own.
 */
export function createTracing(parts: Omit<SpanPipeline, 'limits'>): {
  tracerProvider: BasicTracerProvider;
  spans: SpanPipeline;
} {
  const spans: SpanPipeline = { ...parts, limits: spanLimits() };
  const tracerProvider = new BasicTracerProvider({
    resource: spans.resource,
    sampler: spans.sampler,
    idGenerator: spanIds,
    spanLimits: spans.limits,
    spanProcessors: [...spans.processors],
  });
  return { tracerProvider, spans };
}

type Scope = ReadableSpan['instrumentationScope'];
// The scope the SDK's tracer for the helpers would carry: getTracer(SCOPE.name, SCOPE.version).
const HELPER_SCOPE: Scope = { name: SCOPE.name, version: SCOPE.version };
const NO_LINKS: Link[] = [];

/** A time the caller passed (already made safe by span-guard) as [s, ns], read as the SDK reads it. */
function hrTimeOfInput(t: TimeInput): HrTime {
  if (Array.isArray(t)) return t;
  if (t instanceof Date) return hrTimeOf(t.getTime());
  // The SDK's rule: a number no later than performance.now() is a performance timestamp.
  return hrTimeOf(t <= performance.now() ? epochOf(t) : t);
}

function truncated(v: AttributeValue, limit: number): AttributeValue {
  if (typeof v === 'string') return v.length > limit ? v.slice(0, limit) : v;
  if (Array.isArray(v))
    return v.map((x: unknown) => (typeof x === 'string' && x.length > limit ? x.slice(0, limit) : x)) as AttributeValue;
  return v;
}

/** At most `count` attributes of `a`, values cut to `length`; the rest counted. */
function limited(
  a: Attributes | undefined,
  count: number,
  length: number,
): { attributes: Attributes; kept: number; dropped: number } {
  const attributes: Attributes = {};
  let kept = 0;
  let dropped = 0;
  for (const k in a) {
    const v = a[k];
    if (v === undefined || v === null) continue;
    if (kept >= count) dropped++;
    else {
      attributes[k] = length === Infinity ? v : truncated(v, length);
      kept++;
    }
  }
  return { attributes, kept, dropped };
}

// What a span holds until it has its own: most helper spans end with no link, no event and no status
// set, and these five objects were a sixth of the bytes a span allocated. Frozen, so that a processor
// changing one in place fails rather than changing every span.
const NONE = Object.freeze([]) as unknown as never[];
const UNSET: SpanStatus = Object.freeze({ code: SpanStatusCode.UNSET });
const NOT_ENDED = Object.freeze([0, 0]) as unknown as HrTime;
const NO_DURATION = Object.freeze([-1, -1]) as unknown as HrTime;

/**
 * A recording helper span: the api's Span for the application (behind GuardedSpan) and the ReadableSpan
 * the processors export. Its methods behave as the SDK span's do: changes after end() are ignored, an OK
 * status is final, the oldest event or link goes when a limit is reached.
 */
export class SpanRecord implements Span, ReadableSpan {
  readonly instrumentationScope: Scope = HELPER_SCOPE;
  links: Link[] = NONE;
  events: TimedEvent[] = NONE;
  status: SpanStatus = UNSET;
  endTime: HrTime = NOT_ENDED;
  duration: HrTime = NO_DURATION;
  ended = false;
  droppedAttributesCount = 0;
  droppedEventsCount = 0;
  droppedLinksCount = 0;
  readonly startTime: HrTime;
  readonly parentSpanContext?: SpanContext;
  private attributeCount = 0;

  constructor(
    private readonly pipeline: SpanPipeline,
    public name: string,
    readonly kind: SpanKind,
    private readonly context: SpanContext,
    parentSpanContext: SpanContext | undefined,
    readonly attributes: Attributes,
    links: readonly Link[],
    startTime: TimeInput | undefined,
  ) {
    // Set on every span, undefined on a root: one object shape for both.
    (this as { parentSpanContext?: SpanContext | undefined }).parentSpanContext = parentSpanContext;
    this.startTime = startTime === undefined ? hrTimeOf(now()) : hrTimeOfInput(startTime);
    const { attributeCountLimit, attributeValueLengthLimit } = pipeline.limits;
    // The helper built this object for the span alone: it is kept, and cut only past a limit.
    for (const k in attributes) {
      if (this.attributeCount >= attributeCountLimit) {
        delete attributes[k];
        this.droppedAttributesCount++;
        continue;
      }
      this.attributeCount++;
      if (attributeValueLengthLimit !== Infinity) attributes[k] = truncated(attributes[k]!, attributeValueLengthLimit);
    }
    for (let i = 0; i < links.length; i++) this.addLink(links[i]!);
  }

  get resource(): Resource {
    return this.pipeline.resource;
  }

  spanContext(): SpanContext {
    return this.context;
  }

  isRecording(): boolean {
    return !this.ended;
  }

  setAttribute(key: string, value: AttributeValue): this {
    if (this.ended || value === undefined || value === null || key.length === 0) return this;
    const { attributeCountLimit, attributeValueLengthLimit } = this.pipeline.limits;
    const isNew = !Object.prototype.hasOwnProperty.call(this.attributes, key);
    if (isNew && this.attributeCount >= attributeCountLimit) {
      this.droppedAttributesCount++;
      return this;
    }
    this.attributes[key] = attributeValueLengthLimit === Infinity ? value : truncated(value, attributeValueLengthLimit);
    if (isNew) this.attributeCount++;
    return this;
  }

  setAttributes(attributes: Attributes): this {
    for (const k in attributes) {
      const v = attributes[k];
      if (v !== undefined) this.setAttribute(k, v);
    }
    return this;
  }

  addEvent(name: string, attributesOrTime?: Attributes | TimeInput, time?: TimeInput): this {
    if (this.ended) return this;
    const { eventCountLimit, attributePerEventCountLimit, attributeValueLengthLimit } = this.pipeline.limits;
    // Past the limit the oldest event goes; with a limit of 0, this one.
    if (this.events.length >= eventCountLimit) {
      this.droppedEventsCount++;
      if (eventCountLimit === 0) return this;
      this.events.shift();
    }
    if (this.events === NONE) this.events = [];
    const isTime =
      typeof attributesOrTime === 'number' || attributesOrTime instanceof Date || Array.isArray(attributesOrTime);
    const at = isTime ? (attributesOrTime as TimeInput) : time;
    const { attributes, dropped } = limited(
      isTime ? undefined : (attributesOrTime as Attributes | undefined),
      attributePerEventCountLimit,
      attributeValueLengthLimit,
    );
    this.events.push({
      name,
      attributes,
      time: at === undefined ? hrTimeOf(now()) : hrTimeOfInput(at),
      droppedAttributesCount: dropped,
    });
    return this;
  }

  addLink(link: Link): this {
    if (this.ended) return this;
    const { linkCountLimit, attributePerLinkCountLimit, attributeValueLengthLimit } = this.pipeline.limits;
    if (this.links.length >= linkCountLimit) {
      this.droppedLinksCount++;
      if (linkCountLimit === 0) return this;
      this.links.shift();
    }
    if (this.links === NONE) this.links = [];
    const { attributes, kept, dropped } = limited(
      link.attributes,
      attributePerLinkCountLimit,
      attributeValueLengthLimit,
    );
    this.links.push({
      context: link.context,
      ...(kept > 0 && { attributes }),
      ...(dropped > 0 && { droppedAttributesCount: dropped }),
    });
    return this;
  }

  addLinks(links: Link[]): this {
    for (const l of links) this.addLink(l);
    return this;
  }

  setStatus(status: SpanStatus): this {
    if (this.ended || status.code === SpanStatusCode.UNSET || this.status.code === SpanStatusCode.OK) return this;
    this.status =
      status.code === SpanStatusCode.ERROR && typeof status.message === 'string'
        ? { code: status.code, message: status.message }
        : { code: status.code };
    return this;
  }

  updateName(name: string): this {
    if (!this.ended) this.name = name;
    return this;
  }

  end(endTime?: TimeInput): void {
    if (this.ended) return;
    this.endTime = endTime === undefined ? hrTimeOf(now()) : hrTimeOfInput(endTime);
    this.duration = hrTimeDuration(this.startTime, this.endTime);
    if (this.duration[0] < 0) {
      this.endTime = [this.startTime[0], this.startTime[1]];
      this.duration = [0, 0];
    }
    const processors = this.pipeline.processors;
    for (let i = 0; i < processors.length; i++) processors[i]!.onEnding?.(this);
    this.ended = true;
    for (let i = 0; i < processors.length; i++) processors[i]!.onEnd(this);
  }

  recordException(exception: Exception, time?: TimeInput): void {
    const attributes: Attributes = {};
    if (typeof exception === 'string') attributes['exception.message'] = exception;
    else if (exception) {
      if (exception.code) attributes['exception.type'] = exception.code.toString();
      else if (exception.name) attributes['exception.type'] = exception.name;
      if (exception.message) attributes['exception.message'] = exception.message;
      if (exception.stack) attributes['exception.stacktrace'] = exception.stack;
    }
    if (attributes['exception.type'] !== undefined || attributes['exception.message'] !== undefined)
      this.addEvent('exception', attributes, time);
  }
}

/**
 * Starts a helper span under `parent`, as the SDK's Tracer.startSpan would: no span where tracing is
 * suppressed, the parent's trace or a new one, the sampler's decision, and a SpanRecord (started on
 * every processor) only when the decision is to record. `attributes` becomes the span's own object.
 */
export function startSpanRecord(
  pipeline: SpanPipeline,
  name: string,
  kind: SpanKind,
  attributes: Attributes,
  links: Link[] | undefined,
  startTime: TimeInput | undefined,
  parent: Context,
): Span {
  if (isTracingSuppressed(parent)) return trace.wrapSpanContext(INVALID_SPAN_CONTEXT);
  const parentContext = trace.getSpanContext(parent);
  const child = parentContext !== undefined && trace.isSpanContextValid(parentContext);
  const spanId = spanIds.generateSpanId();
  const traceId = child ? parentContext.traceId : spanIds.generateTraceId();
  const result = pipeline.sampler.shouldSample(parent, traceId, name, kind, attributes, links ?? NO_LINKS);
  const traceState = result.traceState ?? (child ? parentContext.traceState : undefined);
  const context: SpanContext = {
    traceId,
    spanId,
    traceFlags: result.decision === SamplingDecision.RECORD_AND_SAMPLED ? 1 : 0,
    ...(traceState && { traceState }),
  };
  if (result.decision === SamplingDecision.NOT_RECORD) return trace.wrapSpanContext(context);
  if (result.attributes) Object.assign(attributes, result.attributes);
  const span = new SpanRecord(
    pipeline,
    name,
    kind,
    context,
    child ? parentContext : undefined,
    attributes,
    links ?? NO_LINKS,
    startTime,
  );
  const processors = pipeline.processors;
  for (let i = 0; i < processors.length; i++) processors[i]!.onStart(span, parent);
  return span;
}
