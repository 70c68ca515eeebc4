import { context, metrics, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader, type MetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { adhocApi, type AdhocApi } from './adhoc/index.js';
import type { FastifySurfacePlugin } from './admin/fastify.js';
import type { SurfaceHandler } from './admin/handler.js';
import type { HealthReport } from './admin/health.js';
import { surfaceUrl } from './admin/server.js';
import { Surface } from './admin/surface.js';
import { startDiagnostics } from './diagnostics.js';
import { instrumentationViews, setOwnPorts, startInstrumentation } from './instrument/index.js';
import { ConfigError, resolveConfig, type InitOptions, type ObsConfig, type SpecDefaults } from './config.js';
import { setExemplarSource } from './exemplars/exemplar.js';
import { createLogExporter, createMetricExporter, createSpanExporter, signalUrl } from './exporters.js';
import type { QueueStats } from './export-queue.js';
import { FastMetricProducer, setFastPath } from './fast-metrics.js';
import { installExitHooks } from './exit-hooks.js';
import { logFileDestination } from './log-file.js';
import { configureLogs, flushLinesSync, flushLogs } from './logs.js';
import { setLogRecordTarget } from './log-records.js';
import { startProcessMetrics } from './process-metrics.js';
import { CountingMetricExporter, QueueLogProcessor, QueueSpanProcessor } from './processors.js';
import { useProviders } from './providers.js';
import { Redactor, setRedactor } from './redact.js';
import { createSampler } from './sampler.js';
import { createTracing, type SpanPipeline } from './span-records.js';
import { dropTotals, exportErrors, resetExportErrors, setEndpointDescriber } from './self-metrics.js';
import type { SloFigures } from './slo/evaluate.js';

/**
 * What init() returns: the resolved configuration, status, flush and shutdown, and the escape hatch for
 * what the spec does not list (free-form loggers, ad-hoc spans and metrics; README, "The escape hatch").
 */
export interface Observability extends AdhocApi {
  readonly config: ObsConfig;
  /** Queue counters, drop totals and the latest export error per signal. */
  status(): ObsStatus;
  /** Exports everything buffered, within the deadline. */
  forceFlush(timeoutMillis?: number): Promise<void>;
  /**
   * Flushes within the deadline, then stops exporters; what is still queued or in flight is dropped and
   * counted (`shutdown`), so that once it resolves every span and log record is exported or dropped.
   */
  shutdown(timeoutMillis?: number): Promise<void>;
  /** URL of the Prometheus endpoint when OBS_PROM_PORT is set. */
  readonly prometheusUrl?: string;
  /**
   * The observability surface (/metrics, /health, /slos, /logs/schema, /traces, /metrics/json) as a
   * request handler for node:http, and as middleware for Connect and Express (paths it does not serve
   * go to `next`). README, "The observability surface".
   */
  handler(): SurfaceHandler;
  /** The surface as a fastify plugin: `app.register(obs.fastifyPlugin(), { prefix: '/observability' })`. */
  fastifyPlugin(): FastifySurfacePlugin;
  /** What GET /health answers: a verdict and one check per component. */
  health(): HealthReport;
  /** What GET /slos answers: every SLO of the spec (or the one named) evaluated now. */
  slos(name?: string): Promise<SloFigures[]>;
}

export interface ObsStatus {
  readonly traces?: QueueStats;
  readonly logs?: QueueStats;
  readonly drops: Readonly<Record<string, number>>;
  readonly errors: ReturnType<typeof exportErrors>;
}

let current: Observability | undefined;

/** shutdown()'s deadline when none is given, and the exit hooks'. */
const SHUTDOWN_MILLIS = 5000;

/**
 * Starts observability for this process: resource attributes on every signal, OTLP export of traces,
 * metrics and logs (each can be switched off), an optional Prometheus endpoint, the sampler with its
 * safety-critical exception, redaction, and W3C propagation. Configuration: see resolveConfig.
 * Throws ConfigError, naming the variable, for a bad setting; never afterwards.
 */
export function init(options: InitOptions = {}, spec: SpecDefaults = {}): Observability {
  if (current) throw new ConfigError('init', 'ampyobs is already initialized in this process; call shutdown() first');
  const cfg = resolveConfig(options, process.env, spec);
  // Opened before anything starts: a ConfigError here leaves nothing running.
  const logDestination = options.logFile ? logFileDestination(options.logFile) : options.logDestination;
  const resource = resourceFromAttributes(cfg.resource);

  setRedactor(new Redactor(cfg.redaction.keyPatterns, cfg.redaction.valuePatterns, cfg.redaction.replacement));
  setEndpointDescriber((signal) => signalUrl(cfg, signal));

  const contextManager = new AsyncLocalStorageContextManager().enable();
  const ownsContext = context.setGlobalContextManager(contextManager);
  const ownsPropagator = propagation.setGlobalPropagator(
    new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
  );
  const queueOpts = cfg.queue;
  let spanProcessor: QueueSpanProcessor | undefined;
  let logProcessor: QueueLogProcessor | undefined;

  const fastPath = options.fastPath ?? true;
  const metricProducers = fastPath ? [new FastMetricProducer(resource)] : [];
  const surface = new Surface(cfg, spec, metricProducers, {
    tracing: cfg.export.traces,
    endpoint: (signal) => signalUrl(cfg, signal),
    queues: () => ({
      ...(spanProcessor && { traces: { stats: spanProcessor.stats(), capacity: spanProcessor.capacity() } }),
      ...(logProcessor && { logs: { stats: logProcessor.stats(), capacity: logProcessor.capacity() } }),
    }),
  });

  let tracerProvider: BasicTracerProvider | undefined;
  let spans: SpanPipeline | undefined;
  if (cfg.export.traces) {
    spanProcessor = new QueueSpanProcessor(createSpanExporter(cfg), queueOpts);
    // The helpers build their spans from what the provider is built from (runtime/span-records.ts).
    ({ tracerProvider, spans } = createTracing({
      resource,
      sampler: createSampler(cfg.sampler.type, cfg.sampler.ratio),
      processors: [spanProcessor, ...(surface.traces ? [surface.traces] : [])],
    }));
  }

  const readers: MetricReader[] = [];
  if (cfg.export.metrics)
    readers.push(
      new PeriodicExportingMetricReader({
        exporter: new CountingMetricExporter(createMetricExporter(cfg)),
        exportIntervalMillis: cfg.metricIntervalMillis,
        exportTimeoutMillis: Math.min(cfg.otlp.timeoutMillis, cfg.metricIntervalMillis),
        metricProducers,
      }),
    );
  // The surface reads metrics in process (/metrics, /slos) unless everything is off (OTEL_SDK_DISABLED).
  if (readers.length || cfg.prometheus || cfg.export.traces || cfg.export.logs) readers.push(surface.reader);
  const prometheusUrl = cfg.prometheus && `${surfaceUrl(cfg.prometheus.host, cfg.prometheus.port)}metrics`;
  // The spec's guardrails for what auto-instrumentation records (runtime/instrument/guardrails.ts).
  const meterProvider = readers.length
    ? new MeterProvider({ resource, readers, views: instrumentationViews() })
    : undefined;

  if (cfg.export.logs) {
    const queue = new QueueLogProcessor(createLogExporter(cfg), queueOpts);
    logProcessor = queue;
    setLogRecordTarget({ resource, push: (record) => queue.push(record) });
  }
  configureLogs({
    resource: {
      service: cfg.resource['service.name'],
      env: cfg.resource['deployment.environment'],
      service_version: cfg.resource['service.version'],
    },
    ...(logDestination && { destination: logDestination }),
    level: cfg.logLevel,
  });

  // Third-party instrumentation reads the API globals; the generated helpers read useProviders.
  const ownsTracer = tracerProvider ? trace.setGlobalTracerProvider(tracerProvider) : false;
  const ownsMeter = meterProvider ? metrics.setGlobalMeterProvider(meterProvider) : false;
  useProviders({ meterProvider, tracerProvider, spans });
  // Exemplars read the active span through this context manager (runtime/exemplars/).
  setExemplarSource(cfg.exemplars ? contextManager : undefined);
  setFastPath(fastPath && meterProvider !== undefined);
  surface.start();
  const stopProcessMetrics = meterProvider ? startProcessMetrics(Math.min(cfg.metricIntervalMillis, 10_000)) : () => {};
  const stopDiagnostics = startDiagnostics(cfg.diagLevel);
  setOwnPorts(cfg.prometheus ? [cfg.prometheus.port] : []);
  const instrumentation = startInstrumentation(cfg.instrument.names, tracerProvider, meterProvider);

  const status = (): ObsStatus => ({
    ...(spanProcessor && { traces: spanProcessor.stats() }),
    ...(logProcessor && { logs: logProcessor.stats() }),
    drops: Object.fromEntries(dropTotals()),
    errors: exportErrors(),
  });

  const obs: Observability = {
    ...adhocApi,
    config: cfg,
    status,
    ...(prometheusUrl && { prometheusUrl }),
    handler: () => surface.handler(),
    fastifyPlugin: () => surface.fastifyPlugin(),
    health: () => surface.health(),
    slos: (name) => surface.evaluateSlos(name),
    async forceFlush(timeoutMillis = 5000) {
      const deadline = Date.now() + timeoutMillis;
      await Promise.race([
        Promise.allSettled([
          spanProcessor?.flushUntil(deadline),
          logProcessor?.flushUntil(deadline),
          meterProvider?.forceFlush(),
        ]),
        new Promise((r) => setTimeout(r, timeoutMillis).unref()),
      ]);
    },
    async shutdown(timeoutMillis = SHUTDOWN_MILLIS) {
      if (current !== obs) return;
      removeExitHooks();
      const deadline = Date.now() + timeoutMillis;
      stopProcessMetrics();
      await surface.close();
      // Metrics last, so the drops counted while flushing spans and logs are exported too.
      await Promise.allSettled([spanProcessor?.close(deadline), logProcessor?.close(deadline)]);
      await Promise.race([
        Promise.allSettled([meterProvider?.shutdown(), tracerProvider?.shutdown()]),
        new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now())).unref()),
      ]);
      setLogRecordTarget(undefined);
      flushLogs();
      setFastPath(false);
      setExemplarSource(undefined);
      useProviders({});
      if (ownsTracer) trace.disable();
      if (ownsMeter) metrics.disable();
      if (ownsPropagator) propagation.disable();
      if (ownsContext) context.disable();
      instrumentation.stop();
      setOwnPorts([]);
      stopDiagnostics();
      resetExportErrors();
      current = undefined;
    },
  };
  const removeExitHooks = cfg.shutdownOnExit
    ? installExitHooks({ shutdown: (ms) => obs.shutdown(ms), flushLinesSync }, SHUTDOWN_MILLIS)
    : () => {};
  current = obs;
  return obs;
}

/** The running instance, if init() was called. */
export function observability(): Observability | undefined {
  return current;
}
