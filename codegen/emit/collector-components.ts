// The collector components of both tiers, built from the spec. Each function returns one component's
// config; collector.ts wires them into pipelines. Component types are the current snake_case names of
// collector-contrib 0.159 (the old spellings are deprecated aliases).
import { ALWAYS_SAMPLE_ATTRIBUTE } from '../../conventions/index.js';
import type { Model } from '../model.js';
import { BATCH, gatewaySizing, MEMORY_LIMITER, QUEUE_BATCHES } from './collector-sizing.js';
import { GATEWAY_INSTANCE_ENV, PORTS, type Backends } from './stack.js';

export type Yaml = Record<string, unknown>;

/** The spanmetrics connector's namespace: series `traces_span_metrics_calls_total`, `…_duration_milliseconds_*`. */
export const SPAN_METRICS_NAMESPACE = 'traces.span.metrics';
/** Spec bucket set the span-duration histogram uses, so span latencies line up with the SDK's latency histograms. */
export const SPAN_METRICS_BUCKET_SET = 'latency_ms';

export function memoryLimiter(): Yaml {
  // Percentages need a memory limit on the container (mem_limit in compose, resources.limits in Kubernetes).
  return {
    check_interval: MEMORY_LIMITER.checkInterval,
    limit_percentage: MEMORY_LIMITER.limitPercentage,
    spike_limit_percentage: MEMORY_LIMITER.spikeLimitPercentage,
  };
}

export function batch(): Yaml {
  return { send_batch_size: BATCH.sendBatchSize, timeout: BATCH.timeout };
}

export function healthCheck(): Yaml {
  return { endpoint: `0.0.0.0:${PORTS.healthCheck}` };
}

export function selfTelemetry(): Yaml {
  return {
    metrics: { readers: [{ pull: { exporter: { prometheus: { host: '0.0.0.0', port: PORTS.selfMetrics } } } }] },
  };
}

export function otlpReceiver(protocols: 'grpc' | 'grpc+http'): Yaml {
  const p: Yaml = { grpc: { endpoint: `0.0.0.0:${PORTS.otlpGrpc}` } };
  if (protocols === 'grpc+http') p['http'] = { endpoint: `0.0.0.0:${PORTS.otlpHttp}` };
  return { protocols: p };
}

type Tail = NonNullable<NonNullable<Model['sampling']>['tail']>;

export function tailSampling(tail: Tail): Yaml {
  const policies: Yaml[] = [];
  if (tail.keepErrors)
    policies.push({ name: 'keep-errors', type: 'status_code', status_code: { status_codes: ['ERROR'] } });
  policies.push({ name: 'keep-slow', type: 'latency', latency: { threshold_ms: tail.latencyThresholdMs } });
  policies.push({
    name: 'keep-always-sample',
    type: 'boolean_attribute',
    boolean_attribute: { key: ALWAYS_SAMPLE_ATTRIBUTE, value: true },
  });
  // SDKs that can only set string attributes send "true".
  policies.push({
    name: 'keep-always-sample-string',
    type: 'string_attribute',
    string_attribute: { key: ALWAYS_SAMPLE_ATTRIBUTE, values: ['true'] },
  });
  policies.push({
    name: 'base-rate',
    type: 'probabilistic',
    probabilistic: { sampling_percentage: tail.basePercentage },
  });
  const size = gatewaySizing(tail.decisionWait);
  return {
    decision_wait: tail.decisionWait,
    num_traces: size.numTraces,
    expected_new_traces_per_sec: size.newTracesPerSecond,
    // Keeps "sample" decisions after a trace leaves memory, so late spans of a kept trace are kept too.
    decision_cache: { sampled_cache_size: size.sampledCacheSize },
    policies,
  };
}

/** The spec's redaction policy, or undefined when it masks nothing. */
export function redactionPolicy(model: Model): NonNullable<Model['redaction']> | undefined {
  const r = model.redaction;
  return r && (r.keyPatterns.length || r.valuePatterns.length) ? r : undefined;
}

export function redaction(r: NonNullable<Model['redaction']>): Yaml {
  return {
    allow_all_keys: true,
    blocked_key_patterns: r.keyPatterns.map(keyPatternRegex),
    blocked_values: r.valuePatterns.map((v) => re2ValuePattern(v.regex)),
    // silent: no redaction.* counts stamped on records (they would reach Loki metadata and series labels).
    summary: 'silent',
  };
}

/**
 * A spec value pattern as the collector's RE2 takes it: a leading lookbehind, which the SDK's backtracking
 * engine needs to stay linear (see spec/policy.yaml's jwt) and RE2 does not support, is dropped; RE2
 * runs in linear time without it and redacts a little more, never less.
 */
export function re2ValuePattern(regex: string): string {
  if (!regex.startsWith('(?<!') && !regex.startsWith('(?<=')) return regex;
  let depth = 0;
  let inClass = false;
  for (let i = 0; i < regex.length; i++) {
    const c = regex[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return regex.slice(i + 1);
  }
  return regex;
}

/** A spec key pattern (a case-insensitive substring, as in runtime/redact.ts) as an RE2 regex. */
export function keyPatternRegex(pattern: string): string {
  return `(?i)${pattern.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')}`;
}

/** Resource attributes the spec maps to series labels (`service.name` → `service`, …). */
export function metricLabels(model: Model): { label: string; attr: string }[] {
  return model.resource
    .filter((r) => r.metricLabel !== undefined)
    .map((r) => ({ label: r.metricLabel!, attr: r.attr.id }));
}

/** Copies the spec's metric labels from the resource onto every data point of the SDK's metrics. */
export function metricLabelsTransform(model: Model): Yaml {
  return {
    error_mode: 'ignore',
    metric_statements: [
      {
        statements: metricLabels(model).map(
          ({ label, attr }) =>
            `set(datapoint.attributes[${q(label)}], resource.attributes[${q(attr)}]) where resource.attributes[${q(attr)}] != nil`,
        ),
      },
    ],
  };
}

/** The SDK's Prometheus exporter naming: `_total` on monotonic sums unless already there. */
export function prometheusNamesTransform(): Yaml {
  return {
    error_mode: 'ignore',
    metric_statements: [
      {
        statements: [
          `set(metric.name, Concat([metric.name, "total"], "_")) where metric.type == METRIC_DATA_TYPE_SUM and metric.is_monotonic == true and not IsMatch(metric.name, "[^a-zA-Z0-9:]total$")`,
        ],
      },
    ],
  };
}

/**
 * The spanmetrics connector: calls and duration per service, span name, kind and status, plus the spec's
 * metric labels read from each span's resource (the connector looks dimensions up on the span, then the
 * resource), with exemplars carrying trace ids.
 */
export function spanMetrics(model: Model): Yaml {
  const buckets = model.bucketSets.find((b) => b.id === SPAN_METRICS_BUCKET_SET && b.unit === 'ms');
  return {
    namespace: SPAN_METRICS_NAMESPACE,
    histogram: { unit: 'ms', ...(buckets ? { explicit: { buckets: buckets.boundaries.map((b) => `${b}ms`) } } : {}) },
    dimensions: metricLabels(model)
      .filter(({ attr }) => attr !== 'service.name')
      .map(({ attr }) => ({ name: attr })),
    exemplars: { enabled: true },
    metrics_flush_interval: '15s',
  };
}

/** The servicegraph connector: request, failure and latency series per client/server edge. */
export function serviceGraph(): Yaml {
  return {
    store: { ttl: '10s', max_items: 10_000 },
    metrics_flush_interval: '15s',
  };
}

/**
 * Shapes the series a gateway computes from spans: the spec's metric labels under their label names (as
 * on the SDK's series), and a resource that names only this gateway, so its `instance` label tells
 * gateways apart and no target_info series is written.
 */
export function tracesMetricsTransform(model: Model): Yaml {
  const labels = metricLabels(model);
  return {
    error_mode: 'ignore',
    metric_statements: [
      {
        statements: [
          `delete_matching_keys(resource.attributes, ".*")`,
          `set(resource.attributes["service.instance.id"], "${GATEWAY_INSTANCE_ENV}")`,
        ],
      },
      {
        statements: labels.flatMap(({ label, attr }) => [
          `set(datapoint.attributes[${q(label)}], datapoint.attributes[${q(attr)}]) where datapoint.attributes[${q(attr)}] != nil`,
          `delete_key(datapoint.attributes, ${q(attr)})`,
        ]),
      },
    ],
  };
}

/** load_balancing: every span of a trace to the same gateway, which the DNS name resolves to. */
export function loadBalancing(backends: Backends): Yaml {
  return {
    routing_key: 'traceID',
    protocol: {
      otlp: {
        tls: { insecure: true },
        timeout: '5s',
        sending_queue: { enabled: true, queue_size: QUEUE_BATCHES.perGateway },
      },
    },
    resolver: { dns: { hostname: backends.gatewayHost, port: String(PORTS.otlpGrpc), interval: '5s' } },
  };
}

export function tempoExporter(backends: Backends): Yaml {
  return {
    endpoint: backends.tempoOtlpGrpc,
    tls: { insecure: true },
    sending_queue: { enabled: true, queue_size: QUEUE_BATCHES.tempo },
  };
}

export function lokiExporter(backends: Backends): Yaml {
  return { endpoint: backends.lokiOtlp, sending_queue: { enabled: true, queue_size: QUEUE_BATCHES.loki } };
}

/**
 * Remote write to Prometheus. `sdk`: named exactly as the SDK's own Prometheus exporter names its series
 * (no unit or type suffix; the `_total` comes from the transform). `traces`: the connectors' series with
 * the standard suffixes (`_total`, `_milliseconds`, `_seconds`), the names Grafana's service map reads.
 */
export function remoteWrite(backends: Backends, naming: 'sdk' | 'traces'): Yaml {
  return {
    http: { endpoint: backends.prometheusRemoteWrite },
    translation_strategy: naming === 'sdk' ? 'UnderscoreEscapingWithoutSuffixes' : 'UnderscoreEscapingWithSuffixes',
    remote_write_queue: { enabled: true, queue_size: QUEUE_BATCHES.remoteWrite },
  };
}

function q(s: string): string {
  return JSON.stringify(s);
}
