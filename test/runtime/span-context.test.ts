// The context a span helper runs its callback in (runtime/span-context.ts) against the api's own
// trace.setSpan: every read and change must give what the api's context gives.
import { context, createContextKey, ROOT_CONTEXT, trace, type Context, type Span } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { isTracingSuppressed, suppressTracing } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AlwaysOnSampler, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spans } from '../../generated/index.js';
import { createTracing, runInScope, useProviders } from '../../runtime/index.js';
import { contextWithSpan } from '../../runtime/span-context.js';

const A = createContextKey('test a');
const B = createContextKey('test b');
const span = (id: string): Span =>
  trace.wrapSpanContext({ traceId: '1'.repeat(32), spanId: id.padStart(16, '0'), traceFlags: 1 });
const parentSpan = span('1');
const helperSpan = span('2');
const otherSpan = span('3');
const parent = trace.setSpan(ROOT_CONTEXT.setValue(A, 'a'), parentSpan);

/** What a context holds under the keys these tests use. */
const read = (c: Context) => ({
  span: trace.getSpan(c)?.spanContext().spanId,
  a: c.getValue(A),
  b: c.getValue(B),
  suppressed: isTracingSuppressed(c),
});

describe('contextWithSpan', () => {
  const ours = contextWithSpan(parent, helperSpan);
  const api = trace.setSpan(parent, helperSpan);

  it('reads as the api context does', () => {
    expect(read(ours)).toEqual(read(api));
    expect(read(ours)).toEqual({ span: helperSpan.spanContext().spanId, a: 'a', b: undefined, suppressed: false });
  });

  it('changes as the api context does, and stays as it was', () => {
    const changes: [string, (c: Context) => Context][] = [
      ['set another key', (c) => c.setValue(B, 'b')],
      ['replace a key of the parent', (c) => c.setValue(A, 'a2')],
      ['delete a key of the parent', (c) => c.deleteValue(A)],
      ['delete a key never set', (c) => c.deleteValue(B)],
      ['replace the span', (c) => trace.setSpan(c, otherSpan)],
      ['delete the span', (c) => trace.deleteSpan(c)],
      ['suppress tracing', (c) => suppressTracing(c)],
      ['two changes', (c) => trace.setSpan(c.setValue(B, 'b'), otherSpan).deleteValue(A)],
    ];
    for (const [what, change] of changes) expect(read(change(ours)), what).toEqual(read(change(api)));
    expect(read(ours)).toEqual(read(api));
    expect(read(parent)).toEqual({ span: parentSpan.spanContext().spanId, a: 'a', b: undefined, suppressed: false });
  });

  it('over another helper context, replaces its span and keeps its parent', () => {
    const nested = contextWithSpan(contextWithSpan(parent, helperSpan), otherSpan);
    expect(read(nested)).toEqual(read(trace.setSpan(trace.setSpan(parent, helperSpan), otherSpan)));
  });
});

describe('the with-span form runs its callback in the helper context', () => {
  const exporter = new InMemorySpanExporter();
  const { tracerProvider, spans: pipeline } = createTracing({
    resource: resourceFromAttributes({ 'service.name': 'ampy-oms' }),
    sampler: new AlwaysOnSampler(),
    processors: [new SimpleSpanProcessor(exporter)],
  });
  const contextManager = new AsyncLocalStorageContextManager();
  beforeAll(() => {
    context.setGlobalContextManager(contextManager.enable());
    useProviders({ tracerProvider, spans: pipeline });
  });
  afterAll(() => {
    useProviders({});
    context.disable();
  });

  it('is the parent of SDK spans and helper spans started inside, in the scope opened outside', async () => {
    exporter.reset();
    const sdk = tracerProvider.getTracer('test');
    await runInScope({ run_id: 'live_trading_44' }, () =>
      spans.oms.submit({ broker: 'alpaca', client_order_id: 'co_1', side: 'buy' }, async (s) => {
        expect(trace.getActiveSpan()?.spanContext().spanId).toBe(s.spanContext().spanId);
        await new Promise((r) => setTimeout(r, 1));
        sdk.startSpan('http.request').end();
        spans.oms.submit.start({ broker: 'alpaca', client_order_id: 'co_2', side: 'sell' }).end();
        context.with(suppressTracing(context.active()), () => sdk.startSpan('suppressed').end());
      }),
    );
    const byName = new Map(
      exporter.getFinishedSpans().map((s) => [`${s.name} ${s.attributes['client_order_id'] ?? ''}`, s]),
    );
    const outer = byName.get('oms.submit co_1')!;
    expect([...byName.keys()].sort()).toEqual(['http.request ', 'oms.submit co_1', 'oms.submit co_2']);
    for (const inner of [byName.get('http.request ')!, byName.get('oms.submit co_2')!]) {
      expect(inner.parentSpanContext?.spanId).toBe(outer.spanContext().spanId);
      expect(inner.spanContext().traceId).toBe(outer.spanContext().traceId);
    }
    expect(byName.get('oms.submit co_2')!.attributes['run_id']).toBe('live_trading_44');
    expect(trace.getActiveSpan()).toBeUndefined();
  });
});
