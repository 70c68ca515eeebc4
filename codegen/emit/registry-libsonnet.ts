import { jsonnetValue } from '../escape/jsonnet.js';
import type { Metric, Model } from '../model.js';
import { durationMs } from '../names.js';
import { compareText } from '../order.js';
import { sloResourceLabels } from '../prometheus/slo.js';
import { burnTiers, formatDuration, sloRecordNames, sloWindows } from '../prometheus/slo-windows.js';
import { header } from './ts-common.js';

/** Grafana unit id for a spec unit. */
export function grafanaUnit(m: Metric): string {
  if (m.unit === 'ms') return 'ms';
  if (m.unit === 's') return 's';
  if (m.unit === 'By') return 'bytes';
  if (m.unit === '1') return 'percentunit';
  if (m.unit === 'USD') return 'currencyUSD';
  if (m.unit.endsWith('/s')) return 'ops';
  return 'short';
}

/** Series names a metric is exposed under, by role. */
export function seriesNames(m: Metric): Record<string, string> {
  if (m.instrument === 'histogram')
    return { bucket: `${m.promName}_bucket`, sum: `${m.promName}_sum`, count: `${m.promName}_count` };
  return { value: m.promName };
}

/**
 * generated/dashboards/registry.libsonnet: every metric under metrics.<subsystem>.<name> with the names
 * Prometheus really exposes, its labels, unit and buckets; resource labels; SLO recording rule names.
 * Dashboards reach metrics only through it, so a renamed or removed metric fails the dashboard build.
 */
export function emitRegistryLibsonnet(model: Model): string {
  // Subsystem and short names are spec text: a Map, so that 'constructor' is a name like any other.
  const metrics = new Map<string, Map<string, unknown>>();
  for (const m of [...model.metrics].sort((a, b) => compareText(a.name, b.name))) {
    const subsystem = metrics.get(m.subsystem) ?? new Map<string, unknown>();
    metrics.set(m.subsystem, subsystem);
    subsystem.set(m.short, {
      name: m.name,
      prom: m.promName,
      instrument: m.instrument,
      unit: m.unit,
      grafanaUnit: grafanaUnit(m),
      brief: m.brief,
      labels: m.labels.map((l) => l.name),
      labelValues: Object.fromEntries(
        m.labels.filter((l) => l.attr.type === 'enum').map((l) => [l.name, l.attr.members.map((x) => x.value)]),
      ),
      series: seriesNames(m),
      ...(m.buckets && { buckets: m.buckets.boundaries }),
    });
  }
  const resourceLabels = Object.fromEntries(
    model.resource.filter((r) => r.metricLabel).map((r) => [r.metricLabel!, r.attr.id]),
  );
  const slos = Object.fromEntries(
    [...model.slos]
      .sort((a, b) => compareText(a.name, b.name))
      .map((s) => [
        s.name,
        {
          name: s.name,
          brief: s.brief,
          objective: s.objective,
          period: formatDuration(durationMs(s.period)),
          budget: Number((1 - s.objective).toPrecision(12)),
          kind: s.sli.kind,
          ...(s.sli.kind === 'latency' && { thresholdMs: s.sli.threshold, metric: s.sli.metric.name }),
          windows: sloWindows(s),
          recordings: Object.fromEntries(sloWindows(s).map((w) => [w, sloRecordNames(w)])),
          burnTiers: burnTiers(s),
        },
      ]),
  );
  const data = {
    registry: { name: model.registry.name, version: model.registry.version },
    metrics: Object.fromEntries([...metrics].map(([k, v]) => [k, Object.fromEntries(v)])),
    resourceLabels,
    sloLabels: sloResourceLabels(model),
    slos,
  };
  return `${header(model, import.meta.url)}\n${jsonnetValue(data)}\n`;
}
