// Quickstart: the generated helpers on a real OpenTelemetry SDK, printed to the terminal.
// Logs are JSON lines on stdout; spans and metric points are summarised after the run.
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { MeterProvider, MetricReader, type DataPoint, type Histogram } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { busCorrelation, extractBusContext, injectBusHeaders, log, metrics, spans } from '../generated/index.js';
import { ALWAYS_SAMPLE_ATTRIBUTE, configureLogs, flushLogs, runInScope, useProviders } from '../runtime/index.js';

class Reader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const reader = new Reader();
const exporter = new InMemorySpanExporter();
useProviders({
  meterProvider: new MeterProvider({ readers: [reader] }),
  tracerProvider: new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
});
configureLogs({ resource: { service: 'ampy-oms', env: 'dev', service_version: '0.1.0@quickstart' } });

console.log('— log lines —');
await runInScope({ run_id: 'live_trading_44' }, async () => {
  const envelope = {
    message_id: '018f5e32-9b2a-7cde-9333-4f1ab2a49e77',
    schema_fqdn: 'ampy.orders.v1.OrderRequest',
    topic: 'ampy/dev/orders/v1/requests',
    partition_key: 'co_20250905_001',
    run_id: 'live_trading_44',
  };
  // Producer: the signal is published with the trace context in the bus headers.
  const headers = spans.bus.publish(envelope, () => injectBusHeaders(envelope));
  metrics.bus.produced.add(1, { topic: envelope.topic });

  // Consumer (normally another process): continue the trace from the headers.
  const { context: parent, envelope: received } = extractBusContext(headers);
  await spans.oms.submit(
    { broker: 'alpaca', client_order_id: 'co_20250905_001', side: 'buy', notional_usd: { scaled: 1919900, scale: 2 } },
    async () => {
      log.orderSubmit(
        {
          client_order_id: 'co_20250905_001',
          broker: 'alpaca',
          symbol: 'AAPL',
          mic: 'XNAS',
          limit_price: { scaled: 1919900, scale: 4 },
          tif: 'DAY',
          ampy_bus: busCorrelation(received),
        },
        'Placed limit order',
      );
      metrics.oms.orderSubmit.add(1, { broker: 'alpaca', outcome: 'reject' });
      metrics.oms.orderLatencyMs.record(87, { broker: 'alpaca' });
      await spans.oms.reject(
        { broker: 'alpaca', client_order_id: 'co_20250905_001', reject_reason: 'risk_check', http_status: 429 },
        async () => {
          metrics.oms.rejections.add(1, { broker: 'alpaca', reason: 'risk_check' });
          log.orderReject(
            {
              client_order_id: 'co_20250905_001',
              reject_reason: 'risk_check',
              http_status: 429,
              retry_in: '250ms',
              secret_ref: 'aws-sm://ALPACA_SECRET#value',
              broker_payload: '{"api_key":"PK123"}',
            },
            'Order rejected by broker',
          );
        },
      );
    },
    { parent },
  );
});

// stdout log lines are buffered; show them before the summary.
flushLogs();
await new Promise((r) => setTimeout(r, 50));
console.log('\n— spans (one trace across the bus hop) —');
const finished = exporter.getFinishedSpans();
const depthOf = (s: (typeof finished)[number]): number => {
  const parent = finished.find((p) => p.spanContext().spanId === s.parentSpanContext?.spanId);
  return parent ? depthOf(parent) + 1 : 0;
};
for (const s of [...finished].sort((a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1])) {
  console.log(
    `${'  '.repeat(depthOf(s))}${s.name.padEnd(14)} trace=${s.spanContext().traceId.slice(0, 8)}… ${(s.duration[1] / 1e6).toFixed(2)} ms${s.attributes[ALWAYS_SAMPLE_ATTRIBUTE] ? '  [always sampled]' : ''}`,
  );
}

console.log('\n— metric points —');
const { resourceMetrics } = await reader.collect();
for (const m of resourceMetrics.scopeMetrics.flatMap((x) => x.metrics)) {
  for (const dp of m.dataPoints as DataPoint<number | Histogram>[]) {
    const value = typeof dp.value === 'number' ? dp.value : `count=${dp.value.count} sum=${dp.value.sum}`;
    console.log(`${m.descriptor.name}${JSON.stringify(dp.attributes)} ${value}`);
  }
}
