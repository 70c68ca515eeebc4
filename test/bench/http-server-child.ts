// One server process of the HTTP instrumentation bench: the same bare node:http server with no
// instrumentation (none), with OpenTelemetry's instrumentation-http on a plain tracer and meter
// provider as its documentation sets it up (raw), or through ampyobs' init({ instrument: ['http'] })
// (ampyobs). Both instrumented modes sample every span and export spans and metrics over OTLP/HTTP
// protobuf to the same sink, with the same batch and metric intervals. GET /cpu answers the process'
// CPU time so far, for the driver (http-overhead.ts) to take the CPU of the requests between two reads.
import { createRequire } from 'node:module';
import type * as Http from 'node:http';

const [mode, sink] = process.argv.slice(2);
const require = createRequire(import.meta.url);
const METRIC_INTERVAL_MS = 5000;

let shutdown = async (): Promise<void> => {};
if (mode === 'raw') {
  const { context, propagation, trace, metrics } = await import('@opentelemetry/api');
  const { AsyncLocalStorageContextManager } = await import('@opentelemetry/context-async-hooks');
  const { W3CTraceContextPropagator } = await import('@opentelemetry/core');
  const { BasicTracerProvider, BatchSpanProcessor } = await import('@opentelemetry/sdk-trace-base');
  const { MeterProvider, PeriodicExportingMetricReader } = await import('@opentelemetry/sdk-metrics');
  const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-proto');
  const { OTLPMetricExporter } = await import('@opentelemetry/exporter-metrics-otlp-http');
  const { resourceFromAttributes } = await import('@opentelemetry/resources');
  const { HttpInstrumentation } = await import('@opentelemetry/instrumentation-http');
  const resource = resourceFromAttributes({ 'service.name': 'bench-raw' });
  // What NodeTracerProvider.register() does: an AsyncLocalStorage context manager and W3C propagation.
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  const tracerProvider = new BasicTracerProvider({
    resource,
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${sink}/v1/traces` }))],
  });
  trace.setGlobalTracerProvider(tracerProvider);
  const meterProvider = new MeterProvider({
    resource,
    readers: [
      new PeriodicExportingMetricReader({
        exporter: new OTLPMetricExporter({ url: `${sink}/v1/metrics` }),
        exportIntervalMillis: METRIC_INTERVAL_MS,
      }),
    ],
  });
  metrics.setGlobalMeterProvider(meterProvider);
  const instrumentation = new HttpInstrumentation();
  instrumentation.setTracerProvider(tracerProvider);
  instrumentation.setMeterProvider(meterProvider);
  shutdown = async () => {
    await Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()]);
  };
} else if (mode === 'ampyobs') {
  const { init } = await import('../../generated/index.js');
  const obs = init({
    serviceName: 'bench-ampyobs',
    environment: 'dev',
    otlp: { endpoint: sink!, insecure: true },
    sampler: { type: 'always_on' },
    metricIntervalMillis: METRIC_INTERVAL_MS,
    instrument: ['http'],
    export: { logs: false },
    logDestination: { write: () => true },
  });
  shutdown = async () => {
    await obs.shutdown(5000);
  };
}

// Required after the instrumentation is set up, as a CommonJS service does: the require hook patches it.
const http = require('node:http') as typeof Http;
const body = JSON.stringify({ id: 42, status: 'filled', qty: 100 });
const server = http.createServer((req, res) => {
  if (req.url === '/cpu') {
    const u = process.cpuUsage();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ micros: u.user + u.system }));
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json' }).end(body);
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.send?.({ port: (server.address() as { port: number }).port });
});
process.on('message', (m: string) => {
  if (m !== 'stop') return;
  server.closeAllConnections();
  server.close();
  void shutdown().then(() => process.exit(0));
});
