// Generated helpers drive the real OpenTelemetry SDK and pino: what a service gets from them.
import { Writable } from 'node:stream';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { MeterProvider, MetricReader, type DataPoint, type Histogram } from '@opentelemetry/sdk-metrics';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOnSampler,
  InMemorySpanExporter,
  ParentBasedSampler,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { extractBusContext, injectBusHeaders, log, metrics, registry, spans } from '../../generated/index.js';
import {
  ALWAYS_SAMPLE_ATTRIBUTE,
  configureLogs,
  dropTotals,
  fingerprint,
  createTracing,
  runInScope,
  useProviders,
} from '../../runtime/index.js';

class CollectingReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

const reader = new CollectingReader();
const spanExporter = new InMemorySpanExporter();
const lines: Record<string, unknown>[] = [];
const contextManager = new AsyncLocalStorageContextManager();

async function points(name: string): Promise<DataPoint<unknown>[]> {
  const { resourceMetrics } = await reader.collect();
  const metric = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).find((m) => m.descriptor.name === name);
  return (metric?.dataPoints ?? []) as DataPoint<unknown>[];
}

// As init sets them up: helper spans built by the runtime on the provider's sampler and processors.
const providers = {
  meterProvider: new MeterProvider({ readers: [reader] }),
  ...createTracing({
    resource: resourceFromAttributes({ 'service.name': 'ampy-oms' }),
    sampler: new ParentBasedSampler({ root: new AlwaysOnSampler() }),
    processors: [new SimpleSpanProcessor(spanExporter)],
  }),
};

beforeAll(() => {
  context.setGlobalContextManager(contextManager.enable());
  useProviders(providers);
  configureLogs({
    resource: { service: 'ampy-oms', env: 'prod', service_version: '2.3.1@abc123' },
    destination: new Writable({
      write(chunk: Buffer, _enc, cb) {
        for (const l of chunk.toString().split('\n').filter(Boolean))
          lines.push(JSON.parse(l) as Record<string, unknown>);
        cb();
      },
    }),
  });
});
afterAll(() => {
  useProviders({});
  context.disable();
});
beforeEach(() => {
  spanExporter.reset();
  lines.length = 0;
});

describe('metric helpers', () => {
  it('record counters under the spec name with the given labels', async () => {
    metrics.oms.rejections.add(1, { broker: 'alpaca', reason: 'risk_check' });
    metrics.oms.rejections.add(2, { broker: 'alpaca', reason: 'risk_check' });
    metrics.oms.rejections.add(1, { broker: 'ibkr', reason: 'rate_limited' });
    const dps = await points('ampy.oms.rejections');
    const byBroker = Object.fromEntries(dps.map((d) => [String(d.attributes['broker']), d.value]));
    expect(byBroker).toEqual({ alpaca: 3, ibkr: 1 });
    expect(dps.find((d) => d.attributes['broker'] === 'alpaca')?.attributes).toEqual({
      broker: 'alpaca',
      reason: 'risk_check',
    });
  });

  it('give histograms the bucket boundaries of their spec bucket set', async () => {
    metrics.oms.orderLatencyMs.record(7, { broker: 'alpaca' });
    metrics.oms.orderLatencyMs.record(250, { broker: 'alpaca' });
    const [dp] = await points('ampy.oms.order_latency_ms');
    const h = dp!.value as Histogram;
    const spec = registry.metrics.find((m) => m.name === 'ampy.oms.order_latency_ms')!;
    expect(h.buckets.boundaries).toEqual(spec.buckets!.boundaries);
    expect(h.count).toBe(2);
    expect(h.sum).toBe(257);
  });

  it('set gauges, including metrics without labels', async () => {
    metrics.runtime.openFds.set(17);
    metrics.fx.rateStalenessMs.set(1200, { pair: 'EURUSD' });
    expect((await points('ampy.runtime.open_fds'))[0]?.value).toBe(17);
    expect((await points('ampy.fx.rate_staleness_ms'))[0]?.attributes).toEqual({ pair: 'EURUSD' });
  });
});

describe('span helpers', () => {
  it('run the callback in an active span with typed attributes, decimals kept exact', async () => {
    const result = await spans.oms.submit(
      { broker: 'alpaca', client_order_id: 'co_1', side: 'buy', notional_usd: { scaled: 1919900, scale: 2 } },
      async (span) => {
        expect(trace.getActiveSpan()).toBe(span);
        await new Promise((r) => setTimeout(r, 1));
        return 'done';
      },
    );
    expect(result).toBe('done');
    const [s] = spanExporter.getFinishedSpans();
    expect(s?.name).toBe('oms.submit');
    expect(s?.attributes).toMatchObject({
      broker: 'alpaca',
      client_order_id: 'co_1',
      side: 'buy',
      notional_usd: '19199.00',
    });
    expect(s?.attributes[ALWAYS_SAMPLE_ATTRIBUTE]).toBeUndefined();
  });

  it('record a thrown error, set error status, end the span and rethrow', async () => {
    await expect(
      spans.model.infer({ model_id: 'hyper@1' }, async () => {
        throw new Error('model not loaded');
      }),
    ).rejects.toThrow('model not loaded');
    const [s] = spanExporter.getFinishedSpans();
    expect(s?.status).toMatchObject({ code: 2, message: 'model not loaded' });
    expect(s?.events.map((e) => e.name)).toContain('exception');
  });

  it('mark safety-critical spans: always for rejects and DLQ, by value for broker acks', () => {
    spans.oms.reject.start({ broker: 'alpaca', client_order_id: 'co_1', reject_reason: 'risk_check' }).end();
    spans.bus.dlq.start({ topic: 't', message_id: 'm', reason: 'max_retries' }).end();
    spans.broker.ack.start({ broker_order_id: 'b1', status: 'rejected' }).end();
    spans.broker.ack.start({ broker_order_id: 'b2', status: 'accepted' }).end();
    // No condition at all: the descriptor has no alwaysSampleWhen.
    expect(spans.oms.submit.descriptor).not.toHaveProperty('alwaysSampleWhen');
    spans.oms.submit.start({ broker: 'alpaca', client_order_id: 'co_2', side: 'buy' }).end();
    const marked = Object.fromEntries(
      spanExporter
        .getFinishedSpans()
        .map((s) => [
          `${s.name}:${String(s.attributes['status'] ?? '')}`,
          s.attributes[ALWAYS_SAMPLE_ATTRIBUTE] === true,
        ]),
    );
    expect(marked).toEqual({
      'oms.reject:': true,
      'bus.dlq:': true,
      'broker.ack:rejected': true,
      'broker.ack:accepted': false,
      'oms.submit:': false,
    });
  });

  it('add context-core scope values to spans started inside the scope', () => {
    runInScope({ run_id: 'live_trading_44', client_order_id: 'co_9' }, () =>
      spans.fills.update
        .start({ account_id: 'A1', fill_qty: { scaled: 5, scale: 0 }, price: { scaled: 1, scale: 0 } })
        .end(),
    );
    expect(spanExporter.getFinishedSpans()[0]?.attributes).toMatchObject({
      run_id: 'live_trading_44',
      client_order_id: 'co_9',
      fill_qty: '5',
    });
  });
});

describe('log event helpers', () => {
  it('write one JSON line with the base fields, the fixed event and level, and trace correlation', () => {
    let traceId = '';
    let spanId = '';
    spans.oms.submit({ broker: 'alpaca', client_order_id: 'co_1', side: 'buy' }, (span) => {
      traceId = span.spanContext().traceId;
      spanId = span.spanContext().spanId;
      runInScope({ run_id: 'live_trading_44', as_of: '2025-09-05T19:31:05Z' }, () =>
        log.orderSubmit(
          { client_order_id: 'co_1', broker: 'alpaca', limit_price: { scaled: 1919900, scale: 4 }, tif: 'DAY' },
          'Placed limit order',
        ),
      );
    });
    expect(lines).toHaveLength(1);
    const line = lines[0]!;
    expect(line).toMatchObject({
      level: 'info',
      service: 'ampy-oms',
      env: 'prod',
      service_version: '2.3.1@abc123',
      trace_id: traceId,
      span_id: spanId,
      run_id: 'live_trading_44',
      as_of: '2025-09-05T19:31:05Z',
      message: 'Placed limit order',
      event: 'order.submit',
      client_order_id: 'co_1',
      limit_price: { scaled: 1919900, scale: 4 },
    });
    expect(String(line['ts'])).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
  });

  it('never write secret fields in clear: fingerprint where the spec asks, redaction mark otherwise', () => {
    log.orderReject(
      {
        client_order_id: 'co_1',
        reject_reason: 'risk_check',
        http_status: 429,
        secret_ref: 'aws-sm://ALPACA_SECRET#value',
        broker_payload: '{"key":"PKSECRET123"}',
      },
      'Order rejected by broker',
    );
    const raw = JSON.stringify(lines);
    expect(raw).not.toContain('ALPACA_SECRET');
    expect(raw).not.toContain('PKSECRET123');
    expect(lines[0]).toMatchObject({
      level: 'error',
      event: 'order.reject',
      secret_ref: fingerprint('aws-sm://ALPACA_SECRET#value'),
      broker_payload: '***',
    });
  });

  it('keep decimals beyond 2^53 exact', () => {
    log.positionsSnapshot(
      { account_id: 'A1', symbol: 'AAPL', quantity: { scaled: 12345678901234567890n, scale: 2 } },
      'Snapshot',
    );
    expect(lines[0]?.['quantity']).toEqual({ scaled: '12345678901234567890', scale: 2 });
  });
});

describe('bus propagation helpers', () => {
  it('carry the trace across a publish and a consume, with the envelope in headers and logs', () => {
    const envelope = {
      message_id: '018f5e32',
      schema_fqdn: 'ampy.orders.v1.OrderRequest',
      topic: 'ampy/prod/orders/v1/requests',
      partition_key: 'co_1',
      run_id: 'live_trading_44',
    };
    const headers = spans.bus.publish(envelope, () => injectBusHeaders(envelope));
    expect(headers).toMatchObject({ message_id: '018f5e32', topic: 'ampy/prod/orders/v1/requests' });
    expect(headers['traceparent']).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);

    // Consumer side: only the headers cross the process boundary.
    const { context: parent, envelope: received } = extractBusContext({ ...headers });
    spans.bus.consume(
      {
        topic: received.topic!,
        message_id: received.message_id!,
        schema_fqdn: received.schema_fqdn!,
        partition_key: received.partition_key!,
      },
      () => {
        log.busDlq(
          { topic: received.topic!, message_id: received.message_id!, reason: 'handler_error' },
          'Dead-lettered',
        );
      },
      { parent },
    );

    const [publish, consume] = spanExporter.getFinishedSpans();
    expect(consume?.spanContext().traceId).toBe(publish?.spanContext().traceId);
    expect(consume?.parentSpanContext?.spanId).toBe(publish?.spanContext().spanId);
    expect(lines[0]).toMatchObject({
      trace_id: publish?.spanContext().traceId,
      message_id: '018f5e32',
      run_id: 'live_trading_44',
    });
  });
});

describe('helpers without providers', () => {
  it('record and export nothing, return what the wrapped code returns, and still count bad input', async () => {
    const total = async (): Promise<number> =>
      (await points('ampy.oms.rejections')).reduce((n, d) => n + Number(d.value), 0);
    const recorded = await total();
    const invalid = dropTotals().get('metrics:invalid_value') ?? 0;
    useProviders({ meterProvider: undefined, tracerProvider: undefined });
    try {
      metrics.oms.rejections.add(1, { broker: 'alpaca', reason: 'risk_check' });
      expect(spans.oms.submit({ broker: 'alpaca', client_order_id: 'c', side: 'buy' }, () => 42)).toBe(42);
      // Untyped callers (plain JS) passing garbage: refused and counted.
      (metrics.oms.rejections as unknown as { add: (v: unknown, l: unknown) => void }).add('x', null);
      expect(dropTotals().get('metrics:invalid_value')).toBe(invalid + 1);
    } finally {
      useProviders(providers);
    }
    expect(await total()).toBe(recorded);
    expect(spanExporter.getFinishedSpans()).toEqual([]);
  });

  it('never throw into the application, even when reading the labels throws', () => {
    // Hostile labels from untyped code: every property read throws.
    const hostile = new Proxy(
      {},
      {
        get: () => {
          throw new Error('label getter');
        },
        ownKeys: () => {
          throw new Error('label keys');
        },
      },
    );
    const untyped = metrics.oms.rejections as unknown as { add: (v: unknown, l: unknown) => void };
    expect(() => untyped.add(1, hostile)).not.toThrow();
  });
});
