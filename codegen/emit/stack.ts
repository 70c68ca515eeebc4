// The reference stack's fixed facts: versions, ports, service names and backend addresses. Every emitter
// of deploy artefacts (collector configs, Kubernetes manifests) reads them from here, and the tests check
// the handwritten deploy/ files against them, so a port or a name is written down once.
import { COLLECTOR_HOST, OTLP_PORTS } from '../../conventions/index.js';

/** Upstream versions the generated configs and manifests are written for (deploy/README.md lists them). */
export const VERSIONS = {
  collectorContrib: '0.159.0',
  /** The OpenTelemetry operator whose OpenTelemetryCollector CRD (v1beta1) the manifests are checked against. */
  otelOperator: '0.158.0',
  /** The prometheus-operator whose PrometheusRule CRD (v1) the manifests are checked against. */
  prometheusOperator: '0.93.0',
  prometheus: '2.53.5',
  grafana: '13.1.3',
  tempo: '3.0.3',
  loki: '3.7.6',
} as const;

export const COLLECTOR_IMAGE = `otel/opentelemetry-collector-contrib:${VERSIONS.collectorContrib}`;

export const PORTS = {
  otlpGrpc: OTLP_PORTS.grpc,
  otlpHttp: OTLP_PORTS.http,
  healthCheck: 13133,
  /** The collector's own metrics (service.telemetry.metrics.readers). */
  selfMetrics: 8888,
} as const;

/** The two collector tiers: `edge` receives from applications, `gateway` samples whole traces. */
export type Tier = 'edge' | 'gateway';

/** Where one deployment target finds the gateways and the backends. */
export interface Backends {
  /** DNS name that resolves to every gateway replica (one A record each). */
  readonly gatewayHost: string;
  readonly tempoOtlpGrpc: string;
  readonly prometheusRemoteWrite: string;
  /** Loki's native OTLP endpoint; the exporter appends /v1/logs. */
  readonly lokiOtlp: string;
}

/** Service names of deploy/docker-compose.yml. */
export const COMPOSE = {
  /** The edge collector: the default OTLP endpoint of the runtime names it. */
  edgeService: COLLECTOR_HOST,
  gatewayService: 'gateway',
  /** The compose profile that adds a second gateway replica. */
  scaleOutProfile: 'scale-out',
  backends: {
    gatewayHost: 'gateway',
    tempoOtlpGrpc: `tempo:${OTLP_PORTS.grpc}`,
    prometheusRemoteWrite: 'http://prometheus:9090/api/v1/write',
    lokiOtlp: 'http://loki:3100/otlp',
  } satisfies Backends,
} as const;

/** Names of the Kubernetes resources (generated/k8s). */
export const K8S = {
  edgeName: 'ampyobs-edge',
  gatewayName: 'ampyobs-gateway',
  /** Replicas of each tier; the gateways scale out behind their headless Service. */
  replicas: { edge: 2, gateway: 2 },
  /** The label the Grafana dashboard sidecar (Grafana Helm chart, kube-prometheus-stack) selects ConfigMaps by. */
  dashboardLabel: { grafana_dashboard: '1' },
  /** Folder annotation the sidecar reads when `folderAnnotation` is set to it. */
  dashboardFolderAnnotation: 'grafana_folder',
  dashboardFolder: 'AmpyFin',
} as const;

/**
 * The operator names a collector's headless Service `<name>-collector-headless` (internal/naming in
 * opentelemetry-operator): every ready pod is one A record, which is what the DNS resolver needs.
 */
export function operatorHeadlessService(name: string): string {
  return `${name}-collector-headless`;
}

/**
 * Backend addresses in Kubernetes. They are environment variables of the collector pods, set on the
 * OpenTelemetryCollector resources with in-namespace defaults; patch `spec.env` to point elsewhere.
 */
export const K8S_BACKEND_ENV = {
  tempoOtlpGrpc: { name: 'AMPYOBS_TEMPO_OTLP_GRPC', value: `tempo:${OTLP_PORTS.grpc}` },
  prometheusRemoteWrite: {
    name: 'AMPYOBS_PROMETHEUS_REMOTE_WRITE',
    value: 'http://prometheus-operated:9090/api/v1/write',
  },
  lokiOtlp: { name: 'AMPYOBS_LOKI_OTLP', value: 'http://loki-gateway/otlp' },
} as const;

export const K8S_BACKENDS: Backends = {
  gatewayHost: operatorHeadlessService(K8S.gatewayName),
  tempoOtlpGrpc: `\${env:${K8S_BACKEND_ENV.tempoOtlpGrpc.name}}`,
  prometheusRemoteWrite: `\${env:${K8S_BACKEND_ENV.prometheusRemoteWrite.name}}`,
  lokiOtlp: `\${env:${K8S_BACKEND_ENV.lokiOtlp.name}}`,
};

/**
 * The one environment reference in the gateway config: each gateway labels the span and service-graph
 * series it computes with its own host name, so two gateways never write the same series. Docker sets
 * HOSTNAME to the container id, Kubernetes to the pod name.
 */
export const GATEWAY_INSTANCE_ENV = '${env:HOSTNAME}';
