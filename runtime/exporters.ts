import { createRequire } from 'node:module';
import type * as GrpcJs from '@grpc/grpc-js';
import type { ChannelCredentials, Metadata } from '@grpc/grpc-js';
import type * as GrpcLogs from '@opentelemetry/exporter-logs-otlp-grpc';
import { OTLPLogExporter as HttpLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import type * as GrpcTraces from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as HttpTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { LogRecordExporter } from '@opentelemetry/sdk-logs';
import { AggregationTemporalityPreference, OTLPMetricExporterBase } from '@opentelemetry/exporter-metrics-otlp-http';
import { convertLegacyHttpOptions, createOtlpHttpExportDelegate } from '@opentelemetry/otlp-exporter-base/node-http';
// Loads @grpc/grpc-js lazily, when the first export runs.
import { convertLegacyOtlpGrpcOptions, createOtlpGrpcExportDelegate } from '@opentelemetry/otlp-grpc-exporter-base';
import { MetricsExporterMetricsHelper } from '@opentelemetry/otlp-transformer';
import { ConsoleMetricExporter, type PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { ConsoleSpanExporter, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { ObsConfig } from './config.js';
import { ExemplarMetricsSerializer } from './exemplars/otlp-metrics.js';
import { FileLogExporter, FileMetricExporter, FileSpanExporter, telemetryFile } from './file-exporters.js';
import type { Signal } from './self-metrics.js';

/** Where a signal is sent, for messages. */
export function signalUrl(cfg: ObsConfig, signal: Signal): string {
  if (cfg.console[signal]) return 'the console';
  const o = cfg.otlp;
  if (o.protocol === 'file') return telemetryFile(o.endpoint, signal, cfg.resource['service.name']);
  return o.protocol === 'grpc' ? `${o.insecure ? 'grpc' : 'grpcs'}://${o.endpoint}` : `${o.endpoint}/v1/${signal}`;
}

// gRPC is loaded when an endpoint asks for it, through require: loaded at import by the runtime's own
// module graph, @grpc/grpc-js would escape the grpc instrumentation of a CommonJS application (its
// require hook never sees an ESM import), and the application's own gRPC calls with it.
const require = createRequire(import.meta.url);
const grpcJs = (): typeof GrpcJs => require('@grpc/grpc-js') as typeof GrpcJs;

function grpcCredentials(cfg: ObsConfig): ChannelCredentials {
  const o = cfg.otlp;
  const { credentials } = grpcJs();
  return o.insecure ? credentials.createInsecure() : credentials.createSsl(o.ca ?? null, o.key ?? null, o.cert ?? null);
}

function grpcMetadata(cfg: ObsConfig): Metadata {
  const md = new (grpcJs().Metadata)();
  for (const [k, v] of Object.entries(cfg.otlp.headers)) md.set(k, v);
  return md;
}

function httpOptions(cfg: ObsConfig, signal: Signal) {
  const o = cfg.otlp;
  return {
    url: signalUrl(cfg, signal),
    headers: { ...o.headers },
    timeoutMillis: o.timeoutMillis,
    ...(!o.insecure && {
      httpAgentOptions: { ...(o.ca && { ca: o.ca }), ...(o.cert && { cert: o.cert }), ...(o.key && { key: o.key }) },
    }),
  };
}

function grpcOptions(cfg: ObsConfig) {
  return {
    url: `${cfg.otlp.insecure ? 'http' : 'https'}://${cfg.otlp.endpoint}`,
    credentials: grpcCredentials(cfg),
    metadata: grpcMetadata(cfg),
    timeoutMillis: cfg.otlp.timeoutMillis,
  };
}

/** OTLP span exporter: protobuf over HTTP or gRPC, as the endpoint's scheme says; or the console's. */
export function createSpanExporter(cfg: ObsConfig): SpanExporter {
  if (cfg.console.traces) return new ConsoleSpanExporter();
  if (cfg.otlp.protocol === 'file') return new FileSpanExporter(signalUrl(cfg, 'traces'));
  if (cfg.otlp.protocol !== 'grpc') return new HttpTraceExporter(httpOptions(cfg, 'traces'));
  const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-grpc') as typeof GrpcTraces;
  return new OTLPTraceExporter(grpcOptions(cfg));
}

/**
 * OTLP metric exporter (cumulative temporality, what Prometheus-style backends expect): the stock
 * OTLP/HTTP and gRPC transports (retries, backoff, deadlines) with a request encoder that carries the
 * fast path's exemplars (runtime/exemplars/otlp-metrics.ts), which the stock serializer drops.
 */
export function createMetricExporter(cfg: ObsConfig): PushMetricExporter {
  if (cfg.console.metrics) return new ConsoleMetricExporter();
  if (cfg.otlp.protocol === 'file') return new FileMetricExporter(signalUrl(cfg, 'metrics'));
  const temporalityPreference = AggregationTemporalityPreference.CUMULATIVE;
  const delegate =
    cfg.otlp.protocol === 'grpc'
      ? createOtlpGrpcExportDelegate(
          convertLegacyOtlpGrpcOptions(grpcOptions(cfg), 'METRICS'),
          ExemplarMetricsSerializer,
          'ampyobs_otlp_grpc_metric_exporter',
          MetricsExporterMetricsHelper,
          undefined,
          'MetricsExportService',
          '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export',
        )
      : createOtlpHttpExportDelegate(
          convertLegacyHttpOptions(httpOptions(cfg, 'metrics'), 'METRICS', 'v1/metrics', {
            'Content-Type': 'application/x-protobuf',
          }),
          ExemplarMetricsSerializer,
          'ampyobs_otlp_http_metric_exporter',
          MetricsExporterMetricsHelper,
          undefined,
        );
  return new OTLPMetricExporterBase(delegate, { temporalityPreference });
}

/** OTLP log record exporter. */
export function createLogExporter(cfg: ObsConfig): LogRecordExporter {
  if (cfg.otlp.protocol === 'file') return new FileLogExporter(signalUrl(cfg, 'logs'));
  if (cfg.otlp.protocol !== 'grpc') return new HttpLogExporter(httpOptions(cfg, 'logs'));
  const { OTLPLogExporter } = require('@opentelemetry/exporter-logs-otlp-grpc') as typeof GrpcLogs;
  return new OTLPLogExporter(grpcOptions(cfg));
}
