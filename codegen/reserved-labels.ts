// Label names a metric or an alert of the spec may not use, because something else sets them.
import type { Model } from './model.js';

/**
 * Labels Prometheus, the OpenTelemetry Prometheus exporter and the collector's remote write set on
 * every series or alert themselves, whatever the spec says.
 */
const SET_ELSEWHERE: ReadonlyMap<string, string> = new Map(
  Object.entries({
    le: 'Prometheus names histogram bucket bounds le, so a histogram would expose it twice',
    quantile: 'Prometheus names summary quantiles quantile',
    job: 'Prometheus sets job on every scraped series (remote write derives it from service.namespace/service.name)',
    instance: 'Prometheus sets instance on every scraped series (remote write derives it from service.instance.id)',
    alertname: 'Prometheus sets alertname on every alert',
    otel_scope_name: 'the OpenTelemetry Prometheus exporter sets it from the meter name',
    otel_scope_version: 'the OpenTelemetry Prometheus exporter sets it from the meter version',
    otel_scope_schema_url: 'the OpenTelemetry Prometheus exporter sets it from the meter schema URL',
  }),
);

/**
 * Why a label name is reserved, or undefined when a metric may use it: names set elsewhere, names
 * starting with __ (Prometheus keeps them for itself), and every label the collector copies from a
 * resource attribute onto series (the spec's resource `metric_label`s, see codegen/emit/collector.ts),
 * which would overwrite the metric's own value.
 */
export function reservedLabel(model: Pick<Model, 'resource'>, name: string): string | undefined {
  if (name.startsWith('__')) return 'Prometheus reserves names starting with __ for itself';
  const fromResource = model.resource.find((r) => r.metricLabel === name);
  if (fromResource)
    return `the collector sets it on every series from the resource attribute ${fromResource.attr.id}, overwriting the metric's own value`;
  return SET_ELSEWHERE.get(name);
}

/** Why an alert's own label is reserved, or undefined when an alert may set it. */
export function reservedAlertLabel(key: string): string | undefined {
  if (key === 'severity') return `set it with 'severity:'`;
  if (key.startsWith('__')) return 'Prometheus reserves names starting with __';
  if (key === 'alertname') return 'Prometheus sets it to the alert name';
  return undefined;
}
