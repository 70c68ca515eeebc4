// Database client operation durations for the Redis instrumentations, which record spans only. Their
// tracer is wrapped: every command span they start, recording or not (a sampled-out trace still starts
// one), is timed and recorded in db.client.operation.duration with the system, the operation and the
// error type, as instrumentation-pg records it for PostgreSQL. Metrics thus count every command, never
// only the sampled ones. The histogram is created on the instrumentation's own meter, so the spec's
// views (guardrails.ts) bound it like pg's.
import { performance } from 'node:perf_hooks';
import {
  SpanStatusCode,
  type Attributes,
  type Context,
  type Exception,
  type Histogram,
  type Link,
  type MeterProvider,
  type Span,
  type SpanAttributeValue,
  type SpanContext,
  type SpanOptions,
  type SpanStatus,
  type TimeInput,
  type Tracer,
  type TracerOptions,
  type TracerProvider,
} from '@opentelemetry/api';
import { INSTRUMENTED_METRICS } from '../generated/instrumented-metrics.js';

const OPERATION_DURATION = 'db.client.operation.duration';
const SYSTEM = 'db.system.name';
const OPERATION = 'db.operation.name';
const ERROR_TYPE = 'error.type';
/** What semantic conventions record as error.type when nothing names the error. */
const OTHER_ERROR = '_OTHER';

/** The class of a thrown value, for error.type: ReplyError, AbortError… */
function errorType(e: Exception): string {
  if (typeof e === 'string') return OTHER_ERROR;
  const name = e.name ?? (e as { constructor?: { name?: string } }).constructor?.name;
  return typeof name === 'string' && name !== '' ? name : OTHER_ERROR;
}

/** A command span: the instrumentation's own, timed until it ends. Every call goes to the inner span. */
class TimedSpan implements Span {
  private readonly started = performance.now();
  private error: string | undefined;
  private ended = false;

  constructor(
    private readonly inner: Span,
    private readonly histogram: Histogram,
    private readonly attributes: Attributes,
  ) {}

  spanContext(): SpanContext {
    return this.inner.spanContext();
  }
  setAttribute(key: string, value: SpanAttributeValue): this {
    this.inner.setAttribute(key, value);
    return this;
  }
  setAttributes(attributes: Attributes): this {
    this.inner.setAttributes(attributes);
    return this;
  }
  addEvent(name: string, attributesOrStartTime?: Attributes | TimeInput, startTime?: TimeInput): this {
    this.inner.addEvent(name, attributesOrStartTime, startTime);
    return this;
  }
  addLink(link: Link): this {
    this.inner.addLink(link);
    return this;
  }
  addLinks(links: Link[]): this {
    this.inner.addLinks(links);
    return this;
  }
  setStatus(status: SpanStatus): this {
    if (status.code === SpanStatusCode.ERROR) this.error ??= OTHER_ERROR;
    this.inner.setStatus(status);
    return this;
  }
  updateName(name: string): this {
    this.inner.updateName(name);
    return this;
  }
  isRecording(): boolean {
    return this.inner.isRecording();
  }
  recordException(exception: Exception, time?: TimeInput): void {
    this.error = errorType(exception);
    this.inner.recordException(exception, time);
  }
  end(endTime?: TimeInput): void {
    if (!this.ended) {
      this.ended = true;
      const seconds = (performance.now() - this.started) / 1000;
      this.histogram.record(
        seconds,
        this.error === undefined ? this.attributes : { ...this.attributes, [ERROR_TYPE]: this.error },
      );
    }
    this.inner.end(endTime);
  }
}

/** A tracer whose spans naming a database operation are timed; connection spans and others pass through. */
class TimingTracer implements Tracer {
  constructor(
    private readonly inner: Tracer,
    private readonly histogram: Histogram,
  ) {}

  startSpan(name: string, options?: SpanOptions, context?: Context): Span {
    const span = this.inner.startSpan(name, options, context);
    const operation = options?.attributes?.[OPERATION];
    if (typeof operation !== 'string') return span;
    return new TimedSpan(span, this.histogram, {
      [SYSTEM]: options?.attributes?.[SYSTEM] ?? 'redis',
      // Redis commands are case-insensitive: ioredis names them in lower case, node-redis in upper case,
      // and one command must be one series whichever client ran it.
      [OPERATION]: operation.toUpperCase(),
    });
  }

  // The Redis instrumentations start spans with startSpan only; anything else is the inner tracer's.
  startActiveSpan: Tracer['startActiveSpan'] = ((...args: Parameters<Tracer['startActiveSpan']>) =>
    (this.inner.startActiveSpan as (...a: unknown[]) => unknown)(...args)) as Tracer['startActiveSpan'];
}

/**
 * The tracer provider a Redis instrumentation gets: `tracerProvider`'s tracers, with command spans
 * timed into db.client.operation.duration on the meter named `scope` of `meterProvider`.
 */
export function timedOperations(
  tracerProvider: TracerProvider,
  meterProvider: MeterProvider,
  scope: string,
): TracerProvider {
  const m = INSTRUMENTED_METRICS.find((x) => x.name === OPERATION_DURATION);
  const histogram = meterProvider.getMeter(scope).createHistogram(OPERATION_DURATION, {
    unit: m?.unit ?? 's',
    ...(m && { description: m.description }),
    ...(m?.buckets && { advice: { explicitBucketBoundaries: [...m.buckets] } }),
  });
  return {
    getTracer: (name: string, version?: string, options?: TracerOptions) =>
      new TimingTracer(tracerProvider.getTracer(name, version, options), histogram),
  };
}
