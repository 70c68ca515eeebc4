// Helper spans built by the runtime (runtime/span-records.ts) against the OpenTelemetry SDK's own spans:
// the same inputs must give the same exported span, the same sampling and the same limits.
import { context, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { suppressTracing } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BasicTracerProvider,
  InMemorySpanExporter,
  ParentBasedSampler,
  SimpleSpanProcessor,
  TraceIdRatioBasedSampler,
  type ReadableSpan,
  type Sampler,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spans } from '../../generated/index.js';
import { ALWAYS_SAMPLE_ATTRIBUTE, createSampler, spanLimits, useProviders } from '../../runtime/index.js';
import { startSpanRecord, type ResolvedSpanLimits, type SpanPipeline } from '../../runtime/span-records.js';

const resource = resourceFromAttributes({ 'service.name': 'ampy-oms' });
const contextManager = new AsyncLocalStorageContextManager();
beforeAll(() => context.setGlobalContextManager(contextManager.enable()));
afterAll(() => {
  useProviders({});
  context.disable();
});

/** An SDK provider and a pipeline built from the same sampler, limits and (separate) in-memory exporters. */
function pair(sampler: Sampler = new AlwaysOnSampler(), limits: ResolvedSpanLimits = spanLimits()) {
  const sdk = new InMemorySpanExporter();
  const ours = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource,
    sampler,
    spanLimits: limits,
    spanProcessors: [new SimpleSpanProcessor(sdk)],
  });
  const pipeline: SpanPipeline = { resource, sampler, limits, processors: [new SimpleSpanProcessor(ours)] };
  return { provider, pipeline, sdk, ours };
}

/** What an exported span carries, without its ids and clock readings. */
function shape(s: ReadableSpan) {
  return {
    name: s.name,
    kind: s.kind,
    traceFlags: s.spanContext().traceFlags,
    hasParent: s.parentSpanContext !== undefined,
    attributes: s.attributes,
    droppedAttributesCount: s.droppedAttributesCount,
    links: s.links.map((l) => ({ ...l, context: l.context.spanId })),
    droppedLinksCount: s.droppedLinksCount,
    events: s.events.map((e) => ({ name: e.name, attributes: e.attributes, dropped: e.droppedAttributesCount })),
    droppedEventsCount: s.droppedEventsCount,
    status: s.status,
    ended: s.ended,
    resource: s.resource.attributes,
    scope: { name: s.instrumentationScope.name, version: s.instrumentationScope.version },
  };
}

const linked = { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: 1 };

/** Everything a caller can do to a span, in one order, ending with changes after end() that must be ignored. */
function exercise(span: Span): void {
  span.setAttribute('extra', 'x'.repeat(10));
  span.setAttributes({ n: 3, list: ['ab', 'cdefgh'], flag: true });
  span.setAttribute('extra', 'replaced');
  span.addEvent('first', { k: 'v', k2: 2 });
  span.addEvent('timed', [1_700_000_000, 5]);
  span.addEvent('second', { a: 1 }, new Date(1_700_000_000_000));
  span.addLink({ context: linked, attributes: { why: 'fan-in', n: 1 } });
  span.addLinks([{ context: { ...linked, spanId: 'c'.repeat(16) } }]);
  span.recordException({ name: 'BrokerError', message: 'timeout', stack: 'at x', code: 'ETIMEDOUT' });
  span.recordException('plain text');
  span.setStatus({ code: SpanStatusCode.ERROR, message: 'broker timeout' });
  span.updateName('renamed');
  span.end();
  span.setAttribute('late', 1);
  span.addEvent('late');
  span.setStatus({ code: SpanStatusCode.OK });
  span.updateName('late');
  span.end();
}

function both(
  p: ReturnType<typeof pair>,
  attributes: Attributes,
  f: (s: Span) => void,
  parent = ROOT_CONTEXT,
  links?: { context: typeof linked; attributes?: Attributes }[],
) {
  const sdkSpan = p.provider
    .getTracer('ampyobs', '0.1.0')
    .startSpan('oms.submit', { kind: SpanKind.CLIENT, attributes: { ...attributes }, ...(links && { links }) }, parent);
  const ourSpan = startSpanRecord(
    p.pipeline,
    'oms.submit',
    SpanKind.CLIENT,
    { ...attributes },
    links,
    undefined,
    parent,
  );
  f(sdkSpan);
  f(ourSpan);
  return { sdkSpan, ourSpan };
}

describe('a helper span', () => {
  it('exports what the SDK span exports, for every operation a caller can make', () => {
    const p = pair();
    both(p, { broker: 'alpaca', side: 'buy', [ALWAYS_SAMPLE_ATTRIBUTE]: true }, exercise, ROOT_CONTEXT, [
      { context: linked, attributes: { at: 'start' } },
    ]);
    const [sdk] = p.sdk.getFinishedSpans();
    const [ours] = p.ours.getFinishedSpans();
    expect(p.ours.getFinishedSpans()).toHaveLength(1);
    expect(shape(ours!)).toEqual(shape(sdk!));
    expect(shape(ours!).status).toEqual({ code: SpanStatusCode.ERROR, message: 'broker timeout' });
    expect(ours!.events.find((e) => e.name === 'exception')!.attributes).toEqual({
      'exception.type': 'ETIMEDOUT',
      'exception.message': 'timeout',
      'exception.stacktrace': 'at x',
    });
    // Times: given ones exactly, the rest from the clock, and the end no earlier than the start.
    expect(ours!.events.find((e) => e.name === 'timed')!.time).toEqual([1_700_000_000, 5]);
    expect(ours!.events.find((e) => e.name === 'second')!.time).toEqual([1_700_000_000, 0]);
    const ms = (t: [number, number]) => t[0] * 1e3 + t[1] / 1e6;
    expect(Math.abs(ms(ours!.startTime) - Date.now())).toBeLessThan(60_000);
    expect(ms(ours!.endTime)).toBeGreaterThanOrEqual(ms(ours!.startTime));
    expect(ms(ours!.duration)).toBeCloseTo(ms(ours!.endTime) - ms(ours!.startTime), 3);
  });

  it('keeps an OK status, and a message only on an error, as the SDK span does', () => {
    const p = pair();
    both(p, {}, (s) => {
      s.setStatus({ code: SpanStatusCode.OK, message: 'ignored' });
      s.setStatus({ code: SpanStatusCode.ERROR, message: 'too late' });
      s.end();
    });
    both(p, {}, (s) => {
      s.setStatus({ code: SpanStatusCode.ERROR, message: 'first' });
      s.setStatus({ code: SpanStatusCode.UNSET });
      s.end();
    });
    expect(p.ours.getFinishedSpans().map((s) => s.status)).toEqual([
      { code: SpanStatusCode.OK },
      { code: SpanStatusCode.ERROR, message: 'first' },
    ]);
    expect(p.ours.getFinishedSpans().map(shape)).toEqual(p.sdk.getFinishedSpans().map(shape));
  });

  it('keeps to the same limits as the SDK span, counting what it drops', () => {
    const limits: ResolvedSpanLimits = {
      attributeCountLimit: 3,
      attributeValueLengthLimit: 4,
      eventCountLimit: 2,
      linkCountLimit: 1,
      attributePerEventCountLimit: 1,
      attributePerLinkCountLimit: 1,
    };
    const p = pair(new AlwaysOnSampler(), limits);
    both(p, { a: 'abcdefgh', b: 2, c: true, d: 'dropped', e: 'dropped' }, exercise);
    const [sdk] = p.sdk.getFinishedSpans();
    const [ours] = p.ours.getFinishedSpans();
    expect(shape(ours!)).toEqual(shape(sdk!));
    expect(ours!.attributes).toEqual({ a: 'abcd', b: 2, c: true });
    expect(ours!.droppedAttributesCount).toBeGreaterThan(0);
    expect(ours!.events).toHaveLength(2);
    expect(ours!.droppedEventsCount).toBeGreaterThan(0);
    expect(ours!.links).toHaveLength(1);
  });

  it('is a child of the active span, in its trace', () => {
    const p = pair();
    const parent = p.provider.getTracer('t').startSpan('parent');
    const ctx = trace.setSpan(ROOT_CONTEXT, parent);
    const span = startSpanRecord(p.pipeline, 'child', SpanKind.INTERNAL, {}, undefined, undefined, ctx);
    span.end();
    const [ours] = p.ours.getFinishedSpans();
    expect(ours!.spanContext().traceId).toBe(parent.spanContext().traceId);
    expect(ours!.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    expect(ours!.spanContext().spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(ours!.spanContext().spanId).not.toBe(parent.spanContext().spanId);
  });

  it('follows the sampler: not recorded when it says so, in the parent’s trace, sampled when safety-critical', () => {
    const off = pair(createSampler('traceidratio', 0));
    const dropped = startSpanRecord(off.pipeline, 'x', SpanKind.INTERNAL, {}, undefined, undefined, ROOT_CONTEXT);
    expect(dropped.isRecording()).toBe(false);
    expect(trace.isSpanContextValid(dropped.spanContext())).toBe(true);
    expect(dropped.spanContext().traceFlags & 1).toBe(0);
    dropped.end();
    expect(off.ours.getFinishedSpans()).toHaveLength(0);

    const kept = startSpanRecord(
      off.pipeline,
      'oms.reject',
      SpanKind.INTERNAL,
      { [ALWAYS_SAMPLE_ATTRIBUTE]: true },
      undefined,
      undefined,
      ROOT_CONTEXT,
    );
    kept.end();
    expect(off.ours.getFinishedSpans().map((s) => s.name)).toEqual(['oms.reject']);

    // Parent-based: an unsampled remote parent's trace goes on unsampled.
    const pb = pair(new ParentBasedSampler({ root: new AlwaysOnSampler() }));
    const remote = trace.setSpanContext(ROOT_CONTEXT, { ...linked, traceFlags: 0, isRemote: true });
    const child = startSpanRecord(pb.pipeline, 'y', SpanKind.CONSUMER, {}, undefined, undefined, remote);
    expect(child.isRecording()).toBe(false);
    expect(child.spanContext().traceId).toBe(linked.traceId);

    // Ratio 1 at the root: every span sampled; always_off: none, safety-critical or not.
    const on = pair(new TraceIdRatioBasedSampler(1));
    startSpanRecord(on.pipeline, 'z', SpanKind.INTERNAL, {}, undefined, undefined, ROOT_CONTEXT).end();
    expect(on.ours.getFinishedSpans()).toHaveLength(1);
    const none = pair(new AlwaysOffSampler());
    startSpanRecord(
      none.pipeline,
      'z',
      SpanKind.INTERNAL,
      { [ALWAYS_SAMPLE_ATTRIBUTE]: true },
      undefined,
      undefined,
      ROOT_CONTEXT,
    ).end();
    expect(none.ours.getFinishedSpans()).toHaveLength(0);
  });

  it('is no span at all where tracing is suppressed (an export in progress)', () => {
    const p = pair();
    const span = startSpanRecord(
      p.pipeline,
      'x',
      SpanKind.INTERNAL,
      {},
      undefined,
      undefined,
      suppressTracing(ROOT_CONTEXT),
    );
    expect(trace.isSpanContextValid(span.spanContext())).toBe(false);
    span.end();
    expect(p.ours.getFinishedSpans()).toHaveLength(0);
  });

  it('is started and ended on every processor once, whatever the caller does', () => {
    const calls: string[] = [];
    const processor: SpanProcessor = {
      onStart: (s) => calls.push(`start ${s.name}`),
      onEnding: (s) => calls.push(`ending ${s.name} ${s.ended}`),
      onEnd: (s) => calls.push(`end ${s.name} ${s.ended}`),
      forceFlush: async () => {},
      shutdown: async () => {},
    };
    const pipeline: SpanPipeline = {
      resource,
      sampler: new AlwaysOnSampler(),
      limits: spanLimits(),
      processors: [processor, processor],
    };
    const span = startSpanRecord(pipeline, 'x', SpanKind.INTERNAL, {}, undefined, undefined, ROOT_CONTEXT);
    span.end();
    span.end();
    expect(calls).toEqual(['start x', 'start x', 'ending x false', 'ending x false', 'end x true', 'end x true']);
  });

  it('keeps a start time the caller gives, and an end before it becomes a zero duration', () => {
    const p = pair();
    const start = new Date(Date.now() - 5_000);
    const span = startSpanRecord(p.pipeline, 'x', SpanKind.INTERNAL, {}, undefined, start, ROOT_CONTEXT);
    span.end(new Date(start.getTime() - 1_000));
    const [ours] = p.ours.getFinishedSpans();
    expect(ours!.startTime).toEqual([Math.floor(start.getTime() / 1000), (start.getTime() % 1000) * 1e6]);
    expect(ours!.endTime).toEqual(ours!.startTime);
    expect(ours!.duration).toEqual([0, 0]);
  });
});

describe('span limits', () => {
  it('are read from the environment as the SDK reads them, the general limits as fallback', () => {
    const names = [
      'OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT',
      'OTEL_ATTRIBUTE_COUNT_LIMIT',
      'OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT',
      'OTEL_SPAN_EVENT_COUNT_LIMIT',
    ];
    const saved = names.map((n) => process.env[n]);
    try {
      for (const n of names) delete process.env[n];
      expect(spanLimits()).toEqual({
        attributeCountLimit: 128,
        attributeValueLengthLimit: Infinity,
        linkCountLimit: 128,
        eventCountLimit: 128,
        attributePerEventCountLimit: 128,
        attributePerLinkCountLimit: 128,
      });
      process.env['OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT'] = '7';
      process.env['OTEL_ATTRIBUTE_COUNT_LIMIT'] = '9';
      process.env['OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT'] = '64';
      process.env['OTEL_SPAN_EVENT_COUNT_LIMIT'] = '3';
      expect(spanLimits()).toMatchObject({ attributeCountLimit: 7, attributeValueLengthLimit: 64, eventCountLimit: 3 });
    } finally {
      names.forEach((n, i) => (saved[i] === undefined ? delete process.env[n] : (process.env[n] = saved[i])));
    }
  });
});

describe('generated span helpers', () => {
  it('export the same span through the runtime’s records as through the SDK’s tracer', async () => {
    const run = async (withPipeline: boolean) => {
      const p = pair();
      useProviders({ tracerProvider: p.provider, ...(withPipeline && { spans: p.pipeline }) });
      const result = await spans.oms.submit(
        { broker: 'alpaca', client_order_id: 'co_1', side: 'buy' },
        async (span) => {
          span.setAttribute('symbol', 'AAPL');
          span.addEvent('routed', { venue: 'alpaca' });
          const failed = spans.oms
            .reject({ broker: 'alpaca', client_order_id: 'co_1', reject_reason: 'risk_check' }, async () => {
              throw new Error('limit');
            })
            .catch((e: unknown) => e);
          expect(await failed).toEqual(new Error('limit'));
          return 42;
        },
      );
      expect(result).toBe(42);
      useProviders({});
      const exported = (withPipeline ? p.ours : p.sdk).getFinishedSpans();
      expect(exported).toHaveLength(2);
      const [reject, submit] = exported;
      expect(reject!.parentSpanContext?.spanId).toBe(submit!.spanContext().spanId);
      return exported.map(shape);
    };
    expect(await run(true)).toEqual(await run(false));
  });

  it('use the SDK’s tracer when the provider comes without a pipeline', () => {
    const p = pair();
    useProviders({ spans: p.pipeline });
    // No tracer provider: the pipeline is not used, and helpers stay no-ops through the API globals.
    spans.oms.submit.start({ broker: 'alpaca', client_order_id: 'co_2', side: 'sell' }).end();
    expect(p.ours.getFinishedSpans()).toHaveLength(0);
    useProviders({ tracerProvider: p.provider });
    spans.oms.submit.start({ broker: 'alpaca', client_order_id: 'co_2', side: 'sell' }).end();
    expect(p.sdk.getFinishedSpans()).toHaveLength(1);
    expect(p.ours.getFinishedSpans()).toHaveLength(0);
    useProviders({});
  });
});
