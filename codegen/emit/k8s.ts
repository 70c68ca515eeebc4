// Kubernetes manifests for teams that run the prometheus-operator and the OpenTelemetry operator, from
// the same model as the compose stack: the same rule groups, the same dashboards, the same two collector
// tiers. No namespace is set: apply them into the namespace of your choice.
import { toYaml } from '../escape/yaml.js';
import type { Model } from '../model.js';
import { prometheusRetention } from '../prometheus/retention.js';
import { collectorConfig } from './collector.js';
import { MEMORY_MIB } from './collector-sizing.js';
import { ruleGroups } from '../prometheus/rules.js';
import { COLLECTOR_IMAGE, K8S, K8S_BACKEND_ENV, K8S_BACKENDS, type Tier } from './stack.js';
import { header } from './ts-common.js';

export const K8S_RULES_PATH = 'k8s/prometheus-rules.yaml';
export const K8S_DASHBOARDS_PATH = 'k8s/grafana-dashboards.yaml';
export const K8S_COLLECTORS_PATH = 'k8s/otel-collectors.yaml';

/** Annotation on the PrometheusRule: the retention its rules need (the Prometheus resource sets it). */
export const RETENTION_ANNOTATION = 'ampyobs-required-retention';

const PART_OF = { 'app.kubernetes.io/part-of': 'ampyobs' };

type Resource = Record<string, unknown>;

/**
 * generated/k8s: a PrometheusRule with the rule groups of generated/prometheus/ampyobs.rules.yaml, one
 * ConfigMap per dashboard labelled for the Grafana sidecar, and an OpenTelemetryCollector per tier.
 * `dashboards` are the rendered dashboards by file name.
 */
export function emitK8s(model: Model, dashboards: ReadonlyMap<string, string>): Map<string, string> {
  return new Map([
    [K8S_RULES_PATH, render(model, [prometheusRule(model)])],
    [
      K8S_DASHBOARDS_PATH,
      render(
        model,
        [...dashboards].map(([file, json]) => dashboardConfigMap(file, json)),
      ),
    ],
    [
      K8S_COLLECTORS_PATH,
      render(
        model,
        (['edge', 'gateway'] as const).map((t) => otelCollector(model, t)),
      ),
    ],
  ]);
}

function render(model: Model, resources: Resource[]): string {
  return `${header(model, import.meta.url, '#')}\n${resources.map((r) => toYaml(r, { lineWidth: 0, aliasDuplicateObjects: false })).join('---\n')}`;
}

function prometheusRule(model: Model): Resource {
  const groups = ruleGroups(model);
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: {
      name: 'ampyobs',
      labels: PART_OF,
      annotations: { [RETENTION_ANNOTATION]: prometheusRetention(groups) },
    },
    spec: { groups },
  };
}

/** `trading-path.json` → ConfigMap `ampyobs-dashboard-trading-path`, picked up by the Grafana sidecar. */
function dashboardConfigMap(file: string, json: string): Resource {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: `ampyobs-dashboard-${file.replace(/\.json$/, '')}`,
      labels: { ...PART_OF, ...K8S.dashboardLabel },
      annotations: { [K8S.dashboardFolderAnnotation]: K8S.dashboardFolder },
    },
    data: { [file]: json },
  };
}

/**
 * One tier as an OpenTelemetryCollector. Gateways run as a StatefulSet: stable pod names are stable
 * `instance` labels on the series they compute. The operator's headless Service of the gateway resource
 * is what the edge's DNS resolver looks up.
 */
function otelCollector(model: Model, tier: Tier): Resource {
  const memory = `${MEMORY_MIB[tier]}Mi`;
  return {
    apiVersion: 'opentelemetry.io/v1beta1',
    kind: 'OpenTelemetryCollector',
    metadata: { name: tier === 'edge' ? K8S.edgeName : K8S.gatewayName, labels: PART_OF },
    spec: {
      mode: tier === 'edge' ? 'deployment' : 'statefulset',
      replicas: K8S.replicas[tier],
      image: COLLECTOR_IMAGE,
      // memory_limiter works in percent of this limit.
      resources: { requests: { memory }, limits: { memory } },
      env: Object.values(K8S_BACKEND_ENV).map((e) => ({ name: e.name, value: e.value })),
      config: collectorConfig(model, tier, K8S_BACKENDS),
    },
  };
}
