// The names and values that the codegen, the runtime, the tools and the generated collector config must
// agree on, each written once. This module imports nothing, so the codegen and the tools load it without
// the runtime's OpenTelemetry and pino dependencies. What the spec defines (metric names, drop reasons,
// signals) is not here: it is generated from spec/ (runtime/generated/self-metrics.ts).

/**
 * Instrumentation scope of the runtime's meter, tracer and logger. Prometheus shows it on every series
 * as `otel_scope_name` and `otel_scope_version`; the version is the package's (a test holds them equal).
 */
export const SCOPE = { name: 'ampyobs', version: '0.1.0' } as const;

/**
 * Start attribute of a safety-critical span: the runtime's sampler keeps such spans whatever the ratio,
 * the collector's tail sampling keeps their traces, and the tools mark them.
 */
export const ALWAYS_SAMPLE_ATTRIBUTE = 'ampy.always_sample';

/**
 * Label value recorded in place of a value outside the spec (not an enum member, or a bounded string past
 * its declared number of values), on the fast and the SDK metric path alike.
 */
export const OVERFLOW_VALUE = '_other';

/** The runtime's own metrics (drops, export failures, process samples): what reports leave out of a service's series. */
export const SELF_METRIC_PREFIXES = ['ampy.obs.', 'ampy.runtime.'] as const;

/**
 * A metric name or label key as the OpenTelemetry Prometheus exporter writes it: every character but
 * letters, digits and _ becomes _, and runs of _ become one.
 */
export function prometheusSanitized(name: string): string {
  return name.replace(/[^a-zA-Z0-9_]/g, '_').replace(/_{2,}/g, '_');
}

/**
 * The name the OpenTelemetry Prometheus exporter gives a metric: sanitized, and a counter gets _total.
 * Two metrics with one such name would be one family with two HELP and TYPE blocks, which Prometheus
 * rejects.
 */
export function prometheusName(name: string, instrument: string): string {
  const base = prometheusSanitized(name);
  return instrument === 'counter' && !base.endsWith('_total') ? `${base}_total` : base;
}

/**
 * The series the OpenTelemetry Prometheus exporter writes for a metric: a histogram's `_bucket`, `_sum` and
 * `_count` under its name, any other metric's one series under its name. Two metrics writing one series
 * name would mix their samples in one series.
 */
export function prometheusSeries(name: string, instrument: string): string[] {
  const base = prometheusName(name, instrument);
  return instrument === 'histogram' ? [`${base}_bucket`, `${base}_sum`, `${base}_count`] : [base];
}

/** Key patterns the runtime always redacts; the spec's and OBS_REDACTION_RULES add to them, never remove. */
export const DEFAULT_REDACTION_KEY_PATTERNS: readonly string[] = ['secret', 'password', 'token'];

/** What a redacted value is replaced with, unless the spec's redaction policy says otherwise. */
export const REDACTED = '***';

/**
 * The ReDoS analyser a "shown linear" mark refers to (runtime/redos.ts runs it): generated init code
 * records it for the spec's value patterns, and init trusts the mark only from the same analyser. It
 * names the exact `recheck` version of package.json (a test holds them equal).
 */
export const LINEAR_CHECK = 'recheck 4.5.0';

/** The OTLP ports: the collector listens on them, and an endpoint without a port means them. */
export const OTLP_PORTS = { grpc: 4317, http: 4318 } as const;

/** Host name of the edge collector in the reference stack (deploy/docker-compose.yml). */
export const COLLECTOR_HOST = 'collector';

/** Where services send OTLP when nothing is configured: the edge collector, over HTTP. */
export const DEFAULT_OTLP_ENDPOINT = `http://${COLLECTOR_HOST}:${OTLP_PORTS.http}`;

/** Interface the Prometheus endpoint (OBS_PROM_PORT) listens on unless `prometheus.host` says otherwise. */
export const PROMETHEUS_HOST = '0.0.0.0';

/**
 * The marker of ad-hoc signals, the escape hatch's spans, metrics and log lines that the spec does not
 * list: `ampyobs live-check` reports them as candidates for promotion into the spec, not as errors.
 * Ad-hoc spans, metrics and OTLP log records come from this instrumentation scope.
 */
export const ADHOC_SCOPE = 'ampyobs.adhoc';
/** Attribute every ad-hoc span also carries, with the value true. */
export const ADHOC_SPAN_ATTRIBUTE = 'ampy.adhoc';
/** Key every free-form JSON log line carries, with the value true. */
export const ADHOC_LINE_KEY = 'adhoc';

/**
 * The libraries ampyobs instruments, by the name `init({ instrument })`, OBS_INSTRUMENT and a spec
 * metric's `recorded_by` use, each with the instrumentation scope its spans and metrics report under
 * (the OpenTelemetry package's name; fastify has none: a hook sets the route the http server span and
 * metrics carry). `all` and `none` are not names: they select every one or none.
 */
export const INSTRUMENTATIONS = {
  http: '@opentelemetry/instrumentation-http',
  undici: '@opentelemetry/instrumentation-undici',
  express: '@opentelemetry/instrumentation-express',
  fastify: undefined,
  pg: '@opentelemetry/instrumentation-pg',
  ioredis: '@opentelemetry/instrumentation-ioredis',
  redis: '@opentelemetry/instrumentation-redis',
  grpc: '@opentelemetry/instrumentation-grpc',
} as const;

/** A library ampyobs instruments. */
export type InstrumentationName = keyof typeof INSTRUMENTATIONS;
