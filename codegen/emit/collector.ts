import { Document, isMap, isScalar } from 'yaml';
import type { Model } from '../model.js';
import { header } from './ts-common.js';

/** Paths, relative to the output directory, of the files emitCollectorConfig writes. */
export const COLLECTOR_CONFIG_PATH = 'collector/otel-collector.yaml';
export const COLLECTOR_TLS_OVERLAY_PATH = 'collector/otel-collector.tls.yaml';

/** Where deploy/docker-compose.tls.yml mounts the certificates inside the collector container. */
export const COLLECTOR_TLS_DIR = '/etc/otelcol-contrib/tls';

/** Span attribute the runtime sets on safety-critical spans (runtime/spans.ts ALWAYS_SAMPLE_ATTRIBUTE). */
const ALWAYS_SAMPLE_ATTRIBUTE = 'ampy.always_sample';

/** Backends of the reference stack (service names of deploy/docker-compose.yml). */
const TEMPO_OTLP_GRPC = 'tempo:4317';
const PROMETHEUS_REMOTE_WRITE = 'http://prometheus:9090/api/v1/write';
const LOKI_OTLP = 'http://loki:3100/otlp';

type Yaml = Record<string, unknown>;

/**
 * The OpenTelemetry Collector gateway config of the reference stack, and an overlay that turns on
 * TLS/mTLS for the OTLP receivers (passed as a second `--config`; the collector deep-merges them).
 * Metric labels, redaction patterns and tail-sampling policies come from the spec, so the gateway can
 * never disagree with the SDK. Same model, byte-identical files.
 */
export function emitCollectorConfig(model: Model): Map<string, string> {
  return new Map([
    [COLLECTOR_CONFIG_PATH, render(model, gatewayDocument(model))],
    [COLLECTOR_TLS_OVERLAY_PATH, render(model, tlsOverlayDocument())],
  ]);
}

function render(model: Model, doc: Document): string {
  // Single-quoted strings keep regexes and OTTL readable (no escaping of backslashes) and unambiguous to any YAML parser.
  return `${header(model, '#')}\n${doc.toString({ lineWidth: 0, defaultStringType: 'QUOTE_SINGLE', defaultKeyType: 'PLAIN' })}`;
}

function gatewayDocument(model: Model): Document {
  const processors: Yaml = {
    // Fixed percentages need a memory limit on the container (mem_limit in deploy/docker-compose.yml).
    memory_limiter: { check_interval: '1s', limit_percentage: 80, spike_limit_percentage: 25 },
    batch: { send_batch_size: 512, timeout: '2s' },
  };
  const traces: string[] = ['memory_limiter'];
  const metrics: string[] = ['memory_limiter'];
  const logs: string[] = ['memory_limiter'];

  const tail = model.sampling?.tail;
  if (tail) {
    processors['tail_sampling'] = tailSampling(tail);
    traces.push('tail_sampling');
  }
  const redaction = model.redaction && (model.redaction.keyPatterns.length || model.redaction.valuePatterns.length) ? model.redaction : undefined;
  if (redaction) {
    processors['redaction'] = redactionProcessor(model, redaction, 'info');
    // Metrics get no summary: summary attributes on data points would become series labels.
    processors['redaction/metrics'] = redactionProcessor(model, redaction, 'silent');
    traces.push('redaction');
    metrics.push('redaction/metrics');
    logs.push('redaction');
  }
  const labels = model.resource.filter((r) => r.metricLabel !== undefined);
  if (labels.length) {
    processors['transform/metric_labels'] = {
      error_mode: 'ignore',
      metric_statements: [
        {
          statements: labels.map(
            (r) => `set(datapoint.attributes[${q(r.metricLabel!)}], resource.attributes[${q(r.attr.id)}]) where resource.attributes[${q(r.attr.id)}] != nil`,
          ),
        },
      ],
    };
    metrics.push('transform/metric_labels');
  }
  processors['transform/prometheus_names'] = {
    error_mode: 'ignore',
    metric_statements: [
      {
        statements: [
          // The SDK's Prometheus exporter: sanitize, then `_total` on monotonic sums unless already there.
          `set(metric.name, Concat([metric.name, "total"], "_")) where metric.type == METRIC_DATA_TYPE_SUM and metric.is_monotonic == true and not IsMatch(metric.name, "[^a-zA-Z0-9:]total$")`,
        ],
      },
    ],
  };
  metrics.push('transform/prometheus_names');
  for (const p of [traces, metrics, logs]) p.push('batch');

  const config: Yaml = {
    extensions: { health_check: { endpoint: '0.0.0.0:13133' } },
    receivers: {
      otlp: {
        protocols: {
          grpc: { endpoint: '0.0.0.0:4317' },
          http: { endpoint: '0.0.0.0:4318' },
        },
      },
    },
    processors,
    exporters: {
      'otlp_grpc/tempo': { endpoint: TEMPO_OTLP_GRPC, tls: { insecure: true } },
      prometheusremotewrite: {
        endpoint: PROMETHEUS_REMOTE_WRITE,
        translation_strategy: 'UnderscoreEscapingWithoutSuffixes',
        resource_to_telemetry_conversion: { enabled: false },
      },
      'otlp_http/loki': { endpoint: LOKI_OTLP },
    },
    service: {
      extensions: ['health_check'],
      telemetry: {
        metrics: { readers: [{ pull: { exporter: { prometheus: { host: '0.0.0.0', port: 8888 } } } }] },
      },
      pipelines: {
        traces: { receivers: ['otlp'], processors: traces, exporters: ['otlp_grpc/tempo'] },
        metrics: { receivers: ['otlp'], processors: metrics, exporters: ['prometheusremotewrite'] },
        logs: { receivers: ['otlp'], processors: logs, exporters: ['otlp_http/loki'] },
      },
    },
  };

  const doc = new Document(config, { aliasDuplicateObjects: false });
  doc.commentBefore = lines(
    'OpenTelemetry Collector gateway of the reference stack (deploy/docker-compose.yml, brief §8).',
    'Apps send OTLP to 4317 (gRPC) / 4318 (HTTP); traces go to Tempo, metrics to Prometheus, logs to Loki.',
    `TLS/mTLS: add --config=${COLLECTOR_TLS_OVERLAY_PATH.replace(/^collector\//, '')} (deploy/docker-compose.tls.yml).`,
  );
  note(doc, ['processors', 'memory_limiter'], 'First in every pipeline; batch is last (after sampling and redaction).');
  if (tail) {
    const always = model.spans.filter((s) => s.alwaysSample || s.alwaysSampleWhen.length).map((s) => s.name);
    note(
      doc,
      ['processors', 'tail_sampling'],
      'A trace is kept when any policy samples it (brief §7: errors, slow outliers, safety-critical spans, a base rate).',
      `The SDK sets ${ALWAYS_SAMPLE_ATTRIBUTE}=true on safety-critical spans${always.length ? `: ${always.join(', ')}` : ''}.`,
    );
  }
  if (redaction) {
    note(
      doc,
      ['processors', 'redaction'],
      'From the spec\'s redaction policy, like the SDK redactor: keys matched case-insensitively as substrings, values by regex.',
      'allow_all_keys: the processor fails closed and would delete every attribute not in allowed_keys (third-party and',
      'exception.* attributes included); masking by key and value pattern is the policy. Resource attributes are ignored',
      'so series identity (job, instance, metric labels) is never masked. Masks are "****" (the processor has no replacement option).',
    );
  }
  if (labels.length) {
    note(
      doc,
      ['processors', 'transform/metric_labels'],
      `Dashboards and alerts select on ${labels.map((r) => r.metricLabel).join(', ')}: copied from the resource attributes the spec maps them from.`,
      'Only these: resource_to_telemetry_conversion stays off (service.instance.id is high-cardinality; it is the `instance` label).',
    );
  }
  note(
    doc,
    ['processors', 'transform/prometheus_names'],
    'Series must be named exactly as the SDK\'s own Prometheus exporter names them (the rules and dashboards use those names):',
    'dots to underscores, `_total` on counters, no unit suffix. The exporter adds no suffix (translation_strategy',
    'UnderscoreEscapingWithoutSuffixes, which replaces the deprecated add_metric_suffixes: contrib PR #47714); this adds `_total`.',
  );
  note(
    doc,
    ['exporters', 'prometheusremotewrite'],
    'Remote write rather than a prometheus exporter scraped by Prometheus: samples keep their timestamps and exemplars',
    '(trace links), nothing expires from a scrape cache, and Prometheus needs no scrape target per collector.',
    'Prometheus runs with --web.enable-remote-write-receiver and --enable-feature=exemplar-storage.',
  );
  note(doc, ['exporters', 'otlp_http/loki'], 'Loki\'s native OTLP endpoint (the loki exporter is deprecated); /v1/logs is appended.');
  note(doc, ['service', 'telemetry'], 'The collector\'s own metrics on :8888, scraped by Prometheus (deploy/prometheus/prometheus.yml).');
  return doc;
}

function tailSampling(tail: NonNullable<NonNullable<Model['sampling']>['tail']>): Yaml {
  const policies: Yaml[] = [];
  if (tail.keepErrors) policies.push({ name: 'keep-errors', type: 'status_code', status_code: { status_codes: ['ERROR'] } });
  policies.push({ name: 'keep-slow', type: 'latency', latency: { threshold_ms: tail.latencyThresholdMs } });
  policies.push({ name: 'keep-always-sample', type: 'boolean_attribute', boolean_attribute: { key: ALWAYS_SAMPLE_ATTRIBUTE, value: true } });
  // SDKs that can only set string attributes send "true".
  policies.push({ name: 'keep-always-sample-string', type: 'string_attribute', string_attribute: { key: ALWAYS_SAMPLE_ATTRIBUTE, values: ['true'] } });
  policies.push({ name: 'base-rate', type: 'probabilistic', probabilistic: { sampling_percentage: tail.basePercentage } });
  return {
    decision_wait: tail.decisionWait,
    // Keeps "sample" decisions after a trace leaves memory, so late spans of a kept trace are kept too.
    decision_cache: { sampled_cache_size: 100_000 },
    policies,
  };
}

function redactionProcessor(model: Model, r: NonNullable<Model['redaction']>, summary: 'info' | 'silent'): Yaml {
  return {
    allow_all_keys: true,
    ignored_keys: model.resource.map((x) => x.attr.id),
    blocked_key_patterns: r.keyPatterns.map(keyPatternRegex),
    blocked_values: r.valuePatterns.map((v) => re2ValuePattern(v.regex)),
    summary,
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

function tlsOverlayDocument(): Document {
  const tls = {
    cert_file: `${COLLECTOR_TLS_DIR}/server.crt`,
    key_file: `${COLLECTOR_TLS_DIR}/server.key`,
    client_ca_file: `${COLLECTOR_TLS_DIR}/ca.crt`,
  };
  const doc = new Document({ receivers: { otlp: { protocols: { grpc: { tls }, http: { tls } } } } }, { aliasDuplicateObjects: false });
  doc.commentBefore = lines(
    'Overlay: TLS with client certificates (mTLS) on both OTLP receivers (brief §10).',
    `Use with --config=otel-collector.yaml --config=otel-collector.tls.yaml; certificates are mounted at ${COLLECTOR_TLS_DIR}.`,
    'client_ca_file makes the receivers require and verify a client certificate signed by that CA.',
  );
  return doc;
}

function q(s: string): string {
  return JSON.stringify(s);
}

function lines(...text: string[]): string {
  return text.map((t) => ` ${t}`).join('\n');
}

/** Puts a comment above the key at `path`. */
function note(doc: Document, path: readonly string[], ...text: string[]): void {
  const parent = path.length > 1 ? doc.getIn(path.slice(0, -1), true) : doc.contents;
  if (!isMap(parent)) return;
  const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === path[path.length - 1]);
  if (pair && isScalar(pair.key)) pair.key.commentBefore = lines(...text);
}
