import { Document, isMap, isScalar } from 'yaml';
import { ALWAYS_SAMPLE_ATTRIBUTE } from '../../conventions/index.js';
import { YAML_DOCUMENT_OPTIONS, yamlComment } from '../escape/yaml.js';
import type { Model } from '../model.js';
import {
  batch,
  healthCheck,
  loadBalancing,
  lokiExporter,
  memoryLimiter,
  metricLabels,
  metricLabelsTransform,
  otlpReceiver,
  prometheusNamesTransform,
  redaction,
  redactionPolicy,
  remoteWrite,
  selfTelemetry,
  serviceGraph,
  spanMetrics,
  tailSampling,
  tempoExporter,
  tracesMetricsTransform,
  type Yaml,
} from './collector-components.js';
import { COMPOSE, GATEWAY_INSTANCE_ENV, PORTS, type Backends, type Tier } from './stack.js';
import { header } from './ts-common.js';

/** Paths, relative to the output directory, of the files emitCollectorConfig writes. */
export const COLLECTOR_CONFIG_PATH = 'collector/otel-collector.yaml';
export const GATEWAY_CONFIG_PATH = 'collector/otel-gateway.yaml';
export const COLLECTOR_TLS_OVERLAY_PATH = 'collector/otel-collector.tls.yaml';

/** Where deploy/docker-compose.tls.yml mounts the certificates inside the collector container. */
export const COLLECTOR_TLS_DIR = '/etc/otelcol-contrib/tls';

/**
 * The two collector tiers of the reference stack and an overlay that turns on TLS/mTLS for the edge's
 * OTLP receivers (passed as a second `--config`; the collector deep-merges them). Metric labels,
 * redaction patterns and tail-sampling policies come from the spec, so the collectors can never disagree
 * with the SDK. Same model, byte-identical files.
 */
export function emitCollectorConfig(model: Model): Map<string, string> {
  return new Map([
    [COLLECTOR_CONFIG_PATH, render(model, annotate(model, 'edge', collectorConfig(model, 'edge', COMPOSE.backends)))],
    [
      GATEWAY_CONFIG_PATH,
      render(model, annotate(model, 'gateway', collectorConfig(model, 'gateway', COMPOSE.backends))),
    ],
    [COLLECTOR_TLS_OVERLAY_PATH, render(model, tlsOverlayDocument())],
  ]);
}

function render(model: Model, doc: Document): string {
  // Single-quoted strings keep regexes and OTTL readable (no escaping of backslashes) and unambiguous to any YAML parser.
  return `${header(model, import.meta.url, '#')}\n${doc.toString({ lineWidth: 0, defaultStringType: 'QUOTE_SINGLE', defaultKeyType: 'PLAIN' })}`;
}

/** The config of one tier, as plain data: the compose files and the Kubernetes manifests embed the same. */
export function collectorConfig(model: Model, tier: Tier, backends: Backends): Yaml {
  return tier === 'edge' ? edgeConfig(model, backends) : gatewayConfig(model, backends);
}

/**
 * Edge tier: receives OTLP from applications. Traces go to the gateways by trace id; metrics and logs
 * need no whole-trace view, so the edge redacts, labels and exports them itself.
 */
function edgeConfig(model: Model, backends: Backends): Yaml {
  const r = redactionPolicy(model);
  const processors: Yaml = { memory_limiter: memoryLimiter(), batch: batch() };
  const metrics = ['memory_limiter'];
  const logs = ['memory_limiter'];
  if (r) {
    processors['redaction'] = redaction(r);
    metrics.push('redaction');
    logs.push('redaction');
  }
  if (metricLabels(model).length) {
    processors['transform/metric_labels'] = metricLabelsTransform(model);
    metrics.push('transform/metric_labels');
  }
  processors['transform/prometheus_names'] = prometheusNamesTransform();
  metrics.push('transform/prometheus_names', 'batch');
  logs.push('batch');
  return {
    extensions: { health_check: healthCheck() },
    receivers: { otlp: otlpReceiver('grpc+http') },
    processors,
    exporters: {
      load_balancing: loadBalancing(backends),
      prometheus_remote_write: remoteWrite(backends, 'sdk'),
      'otlp_http/loki': lokiExporter(backends),
    },
    service: {
      extensions: ['health_check'],
      telemetry: selfTelemetry(),
      pipelines: {
        traces: { receivers: ['otlp'], processors: ['memory_limiter', 'batch'], exporters: ['load_balancing'] },
        metrics: { receivers: ['otlp'], processors: metrics, exporters: ['prometheus_remote_write'] },
        logs: { receivers: ['otlp'], processors: logs, exporters: ['otlp_http/loki'] },
      },
    },
  };
}

/**
 * Gateway tier: receives every span of a trace (the edge routes by trace id). One pipeline feeds all
 * spans to the span-metrics and service-graph connectors, before any sampling; a second one, on the same
 * receiver, tail-samples, redacts and sends the kept traces to Tempo.
 */
function gatewayConfig(model: Model, backends: Backends): Yaml {
  const tail = model.sampling?.tail;
  const r = redactionPolicy(model);
  const processors: Yaml = { memory_limiter: memoryLimiter(), batch: batch() };
  const sampled = ['memory_limiter'];
  if (tail) {
    processors['tail_sampling'] = tailSampling(tail);
    sampled.push('tail_sampling');
  }
  if (r) {
    processors['redaction'] = redaction(r);
    sampled.push('redaction');
  }
  sampled.push('batch');
  processors['transform/traces_metrics'] = tracesMetricsTransform(model);
  return {
    extensions: { health_check: healthCheck() },
    receivers: { otlp: otlpReceiver('grpc') },
    connectors: { span_metrics: spanMetrics(model), service_graph: serviceGraph() },
    processors,
    exporters: {
      'otlp_grpc/tempo': tempoExporter(backends),
      'prometheus_remote_write/traces': remoteWrite(backends, 'traces'),
    },
    service: {
      extensions: ['health_check'],
      telemetry: selfTelemetry(),
      pipelines: {
        'traces/all': {
          receivers: ['otlp'],
          processors: ['memory_limiter'],
          exporters: ['span_metrics', 'service_graph'],
        },
        traces: { receivers: ['otlp'], processors: sampled, exporters: ['otlp_grpc/tempo'] },
        'metrics/traces': {
          receivers: ['span_metrics', 'service_graph'],
          processors: ['memory_limiter', 'transform/traces_metrics', 'batch'],
          exporters: ['prometheus_remote_write/traces'],
        },
      },
    },
  };
}

/** The compose file of a tier with its explanatory comments. */
function annotate(model: Model, tier: Tier, config: Yaml): Document {
  const doc = new Document(config, { aliasDuplicateObjects: false, ...YAML_DOCUMENT_OPTIONS });
  note(
    doc,
    ['processors', 'memory_limiter'],
    'First in every pipeline; batch is last. Sizing rules: deploy/README.md "Sizing".',
  );
  if (redactionPolicy(model)) {
    note(
      doc,
      ['processors', 'redaction'],
      "From the spec's redaction policy, like the SDK redactor: keys matched case-insensitively as substrings, values by regex.",
      'allow_all_keys: the processor fails closed and would delete every attribute not in allowed_keys (third-party and',
      'exception.* attributes included); masking by key and value pattern is the policy. summary silent: no redaction.*',
      'counts on records. Masks are "****" (the processor has no replacement option).',
    );
  }
  note(
    doc,
    ['service', 'telemetry'],
    "The collector's own metrics, scraped by Prometheus (deploy/prometheus/prometheus.yml).",
  );
  if (tier === 'edge') {
    doc.commentBefore = lines(
      `Edge collector of the reference stack (deploy/docker-compose.yml, service "${COMPOSE.edgeService}"): applications send OTLP to`,
      `${PORTS.otlpGrpc} (gRPC) / ${PORTS.otlpHttp} (HTTP). Traces go to the gateways, routed by trace id; metrics go to Prometheus, logs to Loki.`,
      `TLS/mTLS: add --config=${COLLECTOR_TLS_OVERLAY_PATH.replace(/^collector\//, '')} (deploy/docker-compose.tls.yml).`,
    );
    note(
      doc,
      ['exporters', 'load_balancing'],
      'Every span of a trace goes to the same gateway (consistent hashing on the trace id), so tail sampling and the',
      `service graph see whole traces. The DNS name resolves to every gateway replica and is re-resolved every interval.`,
    );
    const labels = metricLabels(model);
    if (labels.length) {
      note(
        doc,
        ['processors', 'transform/metric_labels'],
        `Dashboards and alerts select on ${labels.map((l) => l.label).join(', ')}: copied from the resource attributes the spec maps them from.`,
        'Only these: no resource_to_telemetry_conversion (service.instance.id is high-cardinality; it is the `instance` label).',
      );
    }
    note(
      doc,
      ['processors', 'transform/prometheus_names'],
      "Series must be named exactly as the SDK's own Prometheus exporter names them (the rules and dashboards use those names):",
      'dots to underscores, `_total` on counters, no unit suffix. The exporter adds no suffix (translation_strategy',
      'UnderscoreEscapingWithoutSuffixes); this adds `_total`.',
    );
    note(
      doc,
      ['exporters', 'prometheus_remote_write'],
      'Remote write rather than a scraped prometheus exporter: samples keep their timestamps and exemplars (trace links).',
      'Prometheus runs with --web.enable-remote-write-receiver and --enable-feature=exemplar-storage.',
    );
    note(
      doc,
      ['exporters', 'otlp_http/loki'],
      "Loki's native OTLP endpoint (the loki exporter is deprecated); /v1/logs is appended.",
    );
  } else {
    doc.commentBefore = lines(
      'Gateway collector of the reference stack (deploy/docker-compose.yml, service "gateway"; the scale-out profile adds',
      'a second replica). It receives whole traces from the edge, computes span metrics and the service graph from every',
      'span, then tail-samples and sends the kept traces to Tempo.',
    );
    note(
      doc,
      ['connectors', 'span_metrics'],
      'Request rates, errors and durations from every span, before sampling: sampled traces would undercount requests and',
      'overstate error ratios. Series: traces_span_metrics_calls_total, traces_span_metrics_duration_milliseconds_*.',
    );
    note(
      doc,
      ['connectors', 'service_graph'],
      "Client/server edges from every span (Grafana's service map), before sampling.",
    );
    if (model.sampling?.tail) {
      const always = model.spans.filter((s) => s.alwaysSample || s.alwaysSampleWhen.length).map((s) => s.name);
      note(
        doc,
        ['processors', 'tail_sampling'],
        'A trace is kept when any policy samples it (errors, slow outliers, safety-critical spans, a base rate).',
        `The SDK sets ${ALWAYS_SAMPLE_ATTRIBUTE}=true on safety-critical spans${always.length ? `: ${always.join(', ')}` : ''}.`,
        'num_traces and expected_new_traces_per_sec follow from the gateway memory limit (deploy/README.md "Sizing").',
      );
    }
    note(
      doc,
      ['processors', 'transform/traces_metrics'],
      "The spec's metric labels under their label names, and a resource naming only this gateway: its host name becomes the",
      `\`instance\` label (${GATEWAY_INSTANCE_ENV}), so two gateways never write the same series, and no target_info is written.`,
    );
    note(
      doc,
      ['exporters', 'prometheus_remote_write/traces'],
      "Standard suffixes (_total, _milliseconds, _seconds): the names Grafana's service map and the trace-to-metrics queries read.",
    );
  }
  return doc;
}

function tlsOverlayDocument(): Document {
  const tls = {
    cert_file: `${COLLECTOR_TLS_DIR}/server.crt`,
    key_file: `${COLLECTOR_TLS_DIR}/server.key`,
    client_ca_file: `${COLLECTOR_TLS_DIR}/ca.crt`,
  };
  const doc = new Document(
    { receivers: { otlp: { protocols: { grpc: { tls }, http: { tls } } } } },
    { aliasDuplicateObjects: false, ...YAML_DOCUMENT_OPTIONS },
  );
  doc.commentBefore = lines(
    'Overlay: TLS with client certificates (mTLS) on both OTLP receivers of the edge collector.',
    `Use with --config=otel-collector.yaml --config=otel-collector.tls.yaml; certificates are mounted at ${COLLECTOR_TLS_DIR}.`,
    'client_ca_file makes the receivers require and verify a client certificate signed by that CA.',
  );
  return doc;
}

function lines(...text: string[]): string {
  return text.map((t) => ` ${yamlComment(t)}`).join('\n');
}

/** Puts a comment above the key at `path`. */
function note(doc: Document, path: readonly string[], ...text: string[]): void {
  const parent = path.length > 1 ? doc.getIn(path.slice(0, -1), true) : doc.contents;
  if (!isMap(parent)) return;
  const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === path[path.length - 1]);
  if (pair && isScalar(pair.key)) pair.key.commentBefore = lines(...text);
}
