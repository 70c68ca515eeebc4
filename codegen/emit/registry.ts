import type { Model } from '../model.js';
import { byKey } from './ts-common.js';

/**
 * The resolved model as plain data: what the runtime (sampling, redaction, buckets) and the rule and
 * dashboard generators read, so nothing downstream re-parses the spec.
 */
export function registryData(model: Model): Record<string, unknown> {
  return {
    name: model.registry.name,
    version: model.registry.version,
    metrics: byKey(model.metrics, (m) => m.name).map((m) => ({
      name: m.name,
      prometheus: m.promName,
      instrument: m.instrument,
      unit: m.unit,
      brief: m.brief,
      labels: m.labels.map((l) => ({
        name: l.name,
        attribute: l.attr.id,
        requirement: l.requirement,
        type: l.attr.type,
        ...(l.attr.type === 'enum' && { values: l.attr.members.map((x) => x.value) }),
        ...(l.attr.maxCardinality !== undefined && { max_cardinality: l.attr.maxCardinality }),
      })),
      ...(m.buckets && { buckets: { id: m.buckets.id, boundaries: m.buckets.boundaries } }),
      max_series: m.maxSeries,
      series_estimate: m.seriesEstimate,
      ...(m.recordedBy && { recorded_by: m.recordedBy }),
    })),
    spans: byKey(model.spans, (s) => s.name).map((s) => ({
      name: s.name,
      kind: s.kind,
      always_sample: s.alwaysSample,
      always_sample_when: s.alwaysSampleWhen,
      attributes: s.attributes.map((a) => ({ name: a.name, attribute: a.attr.id, requirement: a.requirement })),
    })),
    events: byKey(model.events, (e) => e.name).map((e) => ({
      name: e.name,
      level: e.level,
      fields: e.fields.map((f) => ({ name: f.name, attribute: f.attr.id, requirement: f.requirement })),
    })),
    resource: model.resource.map((r) => ({
      attribute: r.attr.id,
      requirement: r.requirement,
      ...(r.env && { env: r.env }),
      ...(r.default != null && { default: r.default }),
      ...(r.metricLabel && { metric_label: r.metricLabel }),
      ...(r.aliases && { aliases: r.aliases }),
    })),
    context: model.context.map((c) => ({ attribute: c.attr.id, source: c.source, on_spans: c.onSpans })),
    log_base: model.logBase.map((f) => ({
      field: f.field,
      from: f.from,
      ...(f.attr && { attribute: f.attr.id }),
      always: f.always,
    })),
    ...(model.bus && {
      bus: {
        log_object: model.bus.logObject,
        headers: model.bus.headers.map((h) => ({
          header: h.header,
          attribute: h.attr.id,
          requirement: h.requirement,
          in_log_object: h.inLogObject,
        })),
      },
    }),
    schedules: model.schedules.map((s) => ({ id: s.id, days: s.days, start: s.start, end: s.end })),
    alerts: byKey(model.alerts, (a) => a.name).map((a) => ({
      name: a.name,
      kind: a.kind,
      metric: a.metric.name,
      matchers: Object.fromEntries(a.matchers.map((m) => [m.label, m.values])),
      ...(a.total && {
        total: {
          metric: a.total.metric.name,
          matchers: Object.fromEntries(a.total.matchers.map((m) => [m.label, m.values])),
        },
      }),
      by: a.by,
      ...(a.quantile !== undefined && { quantile: a.quantile }),
      op: a.op,
      ...(a.threshold !== undefined && { threshold: a.threshold }),
      ...(a.factor !== undefined && { factor: a.factor }),
      ...(a.baselineWindow && { baseline_window: a.baselineWindow }),
      ...(a.window && { window: a.window }),
      for: a.for,
      ...(a.during && { during: a.during.id }),
      severity: a.severity,
      summary: a.summary,
      description: a.description,
      runbook: a.runbook,
      labels: a.labels,
    })),
    slos: byKey(model.slos, (s) => s.name).map((s) => ({
      name: s.name,
      brief: s.brief,
      objective: s.objective,
      period: s.period,
      by: s.by,
      runbook: s.runbook,
      sli:
        s.sli.kind === 'latency'
          ? {
              kind: 'latency',
              metric: s.sli.metric.name,
              matchers: Object.fromEntries(s.sli.matchers.map((m) => [m.label, m.values])),
              threshold: s.sli.threshold,
            }
          : {
              kind: 'ratio',
              ...Object.fromEntries(
                (['good', 'bad', 'total'] as const).flatMap((k) => {
                  const sel = s.sli.kind === 'ratio' ? s.sli[k] : undefined;
                  return sel
                    ? [
                        [
                          k,
                          {
                            metric: sel.metric.name,
                            matchers: Object.fromEntries(sel.matchers.map((m) => [m.label, m.values])),
                          },
                        ],
                      ]
                    : [];
                }),
              ),
            },
    })),
    ...(model.sampling && { sampling: model.sampling }),
    ...(model.redaction && { redaction: model.redaction }),
  };
}

/** generated/registry.json: the registry for tools outside TypeScript (jsonnet dashboards, rule generators). */
export function emitRegistryJson(model: Model): string {
  return `${JSON.stringify(registryData(model), null, 2)}\n`;
}
