// A process that uses raw OpenTelemetry with made-up names and wrong values, for live-check to catch:
// traces over OTLP/gRPC, metrics over OTLP/HTTP JSON, logs over OTLP/HTTP protobuf, and a Prometheus
// endpoint. Run as a child by test/tools/live-check.slow.test.ts: LIVE_HTTP, LIVE_GRPC, PROM_PORT.
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { AggregationType, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

const http = process.env['LIVE_HTTP']!;
const resource = resourceFromAttributes({ 'service.name': 'shop' }); // no service.instance.id
const tracerProvider = new BasicTracerProvider({
  resource,
  spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: process.env['LIVE_GRPC']! }))],
});
const prom = new PrometheusExporter({ port: Number(process.env['PROM_PORT']), host: '127.0.0.1' });
const reader = new PeriodicExportingMetricReader({
  exporter: new OTLPMetricExporter({ url: `${http}/v1/metrics` }),
  exportIntervalMillis: 60_000,
});
const meterProvider = new MeterProvider({
  resource,
  readers: [reader, prom],
  views: [
    { instrumentName: 'ampy.ml.inference_latency_ms', aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM } },
  ],
});
const loggerProvider = new LoggerProvider({
  resource,
  processors: [new SimpleLogRecordProcessor({ exporter: new OTLPLogExporter({ url: `${http}/v1/logs` }) })],
});

const meter = meterProvider.getMeter('shop');
meter.createCounter('shop.checkout.count').add(1, { cart: 'c1' });
meter.createCounter('ampy.oms.rejections', { unit: 'orders' }).add(1, { reason: 'riskcheck', customer: 'acme' });
meter.createGauge('ampy.oms.order_latency_ms', { unit: 'ms' }).record(12, { broker: 'alpaca' });
meter.createHistogram('ampy.ml.inference_latency_ms', { unit: 'ms' }).record(3, { model_id: 'm1' });
const produced = meter.createCounter('ampy.bus.produced', { unit: '{message}' });
for (let i = 0; i <= 100; i++) produced.add(1, { topic: `ampy/dev/made-up/${i}` });
const carts = meter.createCounter('ampy.shop.carts', { unit: '{cart}' });
for (const cart_id of ['a', 'b', 'c', 'd']) carts.add(1, { broker: 'alpaca', cart_id });

const tracer = tracerProvider.getTracer('shop');
tracer.startSpan('checkout.process').end();
tracer
  .startSpan('oms.submit', { attributes: { broker: 42, side: 'long', 'made.up': 'x', topic: 'ampy/dev/orders' } })
  .end();
tracerProvider
  .getTracer('ampyobs.adhoc')
  .startSpan('quotes.refresh', { attributes: { 'ampy.adhoc': true, venue: 'xnas' } })
  .end();

const logger = loggerProvider.getLogger('shop');
logger.emit({ eventName: 'cart.abandoned', body: 'Cart abandoned', attributes: { cart_id: 'c1' } });
logger.emit({ body: 'no event name at all' });
logger.emit({
  eventName: 'order.reject',
  body: 'Rejected',
  attributes: { reject_reason: 'nope', http_status: 'teapot' },
});

await reader.forceFlush();
await Promise.all([tracerProvider.forceFlush(), loggerProvider.forceFlush()]);
process.stdout.write('sent\n');
// The Prometheus endpoint stays up until the test has scraped it.
process.on(
  'SIGTERM',
  () =>
    void Promise.all([meterProvider.shutdown(), tracerProvider.shutdown(), loggerProvider.shutdown()]).then(() =>
      process.exit(0),
    ),
);
setInterval(() => {}, 60_000);
