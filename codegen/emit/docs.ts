import { readFileSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import type { AttributeUse, Model } from '../model.js';
import { packageRoot } from '../package-root.js';
import { byKey, groupBy } from './ts-common.js';

function md(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function usesCell(uses: readonly AttributeUse[]): string {
  return uses.map((u) => (u.requirement === 'required' ? `**\`${u.name}\`**` : `\`${u.name}\``)).join(', ');
}

function condition(a: Model['alerts'][number]): string {
  const sel = a.matchers.length ? `{${a.matchers.map((m) => `${m.label}=${m.values.join('|')}`).join(', ')}}` : '';
  const by = a.by.length ? ` by ${a.by.join(', ')}` : '';
  switch (a.kind) {
    case 'quantile':
      return `p${Math.round((a.quantile ?? 0) * 100)}${sel} over ${a.window} ${a.op} ${a.threshold}${by}`;
    case 'rate':
      return `rate${sel} over ${a.window} ${a.op} ${a.threshold}/s${by}`;
    case 'ratio':
      return `ratio${sel} of ${a.total?.metric.name ?? a.metric.name} over ${a.window} ${a.op} ${a.threshold}${by}`;
    case 'baseline':
      return `rate over ${a.window} > ${a.factor}× its ${a.baselineWindow} average and > ${a.threshold}/s${by}`;
    case 'value':
      return `value ${a.op} ${a.threshold}${by}`;
    case 'absent':
      return `no increase over ${a.window}${a.during ? ` during ${a.during.id}` : ''}`;
  }
}

/** generated/docs/TELEMETRY.md: a readable catalogue of every signal, rendered with handlebars. */
export function emitDocs(model: Model, headerLine: string): string {
  const template = Handlebars.compile(readFileSync(path.join(packageRoot(), 'codegen', 'templates', 'telemetry.md.hbs'), 'utf8'), { noEscape: true, strict: true });
  const view = {
    header: headerLine,
    registry: { ...model.registry, brief: md(model.registry.brief) },
    counts: {
      metrics: model.metrics.length,
      spans: model.spans.length,
      events: model.events.length,
      attributes: model.attributes.length,
      alerts: model.alerts.length,
      slos: model.slos.length,
    },
    resource: model.resource.map((r) => ({ id: r.attr.id, type: r.attr.type, requirement: r.requirement, env: r.env ?? '', metricLabel: r.metricLabel ?? '', brief: md(r.attr.brief) })),
    context: model.context.map((c) => ({ id: c.attr.id, source: c.source, onSpans: c.onSpans, brief: md(c.brief) })),
    logBase: model.logBase,
    bus: model.bus ?? false,
    metricGroups: groupBy(byKey(model.metrics, (m) => m.name), (m) => m.subsystem).map(([name, metrics]) => ({
      name,
      metrics: metrics.map((m) => ({
        name: m.name,
        promName: m.promName,
        instrument: m.instrument,
        unit: m.unit,
        labels: m.labels.map((l) => l.name),
        series: m.seriesEstimate,
        budget: m.maxSeries,
        brief: md(m.brief),
        buckets: m.buckets?.id ?? '',
      })),
    })),
    bucketSets: model.bucketSets.map((b) => ({ id: b.id, unit: b.unit, boundaries: b.boundaries.join(', '), brief: md(b.brief) })),
    spans: byKey(model.spans, (s) => s.name).map((s) => ({
      name: s.name,
      kind: s.kind,
      attributes: usesCell(s.attributes),
      sampling: s.alwaysSample ? 'always' : s.alwaysSampleWhen.length ? `always when ${s.alwaysSampleWhen.map((c) => `${c.name}=${c.values.join('|')}`).join(', ')}` : 'ratio',
      brief: md(s.brief),
    })),
    events: byKey(model.events, (e) => e.name).map((e) => ({ name: e.name, level: e.level, fields: usesCell(e.fields), brief: md(e.brief) })),
    alerts: byKey(model.alerts, (a) => a.name).map((a) => ({ name: a.name, severity: a.severity, kind: a.kind, metric: a.metric.name, condition: md(condition(a)), for: a.for, summary: md(a.summary) })),
    slos: byKey(model.slos, (s) => s.name).map((s) => ({
      name: s.name,
      objective: s.objective,
      period: s.period,
      sli: s.sli.kind === 'latency' ? `\`${s.sli.metric.name}\` ≤ ${s.sli.threshold} ms` : `${s.sli.good ? 'good' : 'bad'} \`${(s.sli.good ?? s.sli.bad)!.metric.name}\` / \`${s.sli.total.metric.name}\``,
      brief: md(s.brief),
    })),
    attributes: byKey(model.attributes, (a) => a.id).map((a) => ({
      id: a.id,
      type: a.type,
      values: a.type === 'enum' ? a.members.map((m) => `\`${m.value}\``).join(', ') : a.maxCardinality ? `≤ ${a.maxCardinality}` : '',
      flags: [a.highCardinality && 'high-cardinality', a.pii && 'pii', a.secret && 'secret', a.fingerprint && 'fingerprint', a.deprecated && 'deprecated'].filter(Boolean).join(', '),
      stability: a.stability,
      brief: md(a.brief),
    })),
    sampling: model.sampling
      ? { ...model.sampling, perEnv: Object.entries(model.sampling.perEnv).map(([k, v]) => `${k} ${v}`).join(', '), tail: model.sampling.tail ?? false }
      : false,
    redaction: model.redaction
      ? { replacement: model.redaction.replacement, keys: model.redaction.keyPatterns.map((k) => `\`${k}\``).join(', '), patterns: model.redaction.valuePatterns.map((p) => p.id).join(', ') }
      : false,
  };
  return template(view).replace(/\n{3,}/g, '\n\n');
}
