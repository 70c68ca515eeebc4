import { readFileSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { htmlComment, mdCode, mdText } from '../escape/markdown.js';
import type { AttributeUse, Model } from '../model.js';
import { packageRoot } from '../package-root.js';
import { kindOf } from '../prometheus/kinds/index.js';
import { byKey, groupBy, header } from './ts-common.js';

function usesCell(uses: readonly AttributeUse[]): string {
  return uses.map((u) => (u.requirement === 'required' ? `**${mdCode(u.name)}**` : mdCode(u.name))).join(', ');
}

/**
 * generated/docs/TELEMETRY.md: a readable catalogue of every signal, rendered with handlebars. The
 * template runs with escaping off, so every value of the view is Markdown already: spec text goes
 * through mdText (prose) or mdCode (names, values, patterns) here and nowhere else.
 */
export function emitDocs(model: Model): string {
  const headerLine = header(model, import.meta.url, '')
    .replace(/^ /gm, '')
    .replace(/\n/g, ' ');
  const template = Handlebars.compile(
    readFileSync(path.join(packageRoot(), 'codegen', 'templates', 'telemetry.md.hbs'), 'utf8'),
    { noEscape: true, strict: true },
  );
  const list = (values: readonly string[]): string => values.map((v) => mdCode(v)).join(', ');
  const view = {
    header: htmlComment(headerLine),
    registry: {
      name: mdText(model.registry.name),
      version: mdText(model.registry.version),
      brief: mdText(model.registry.brief),
    },
    counts: {
      metrics: model.metrics.length,
      spans: model.spans.length,
      events: model.events.length,
      attributes: model.attributes.length,
      alerts: model.alerts.length,
      slos: model.slos.length,
    },
    resource: model.resource.map((r) => ({
      id: mdCode(r.attr.id),
      type: r.attr.type,
      requirement: r.requirement,
      env: r.env ? mdCode(r.env) : '',
      metricLabel: r.metricLabel ? mdCode(r.metricLabel) : '',
      brief: mdText(r.attr.brief),
      aliases: Object.entries(r.aliases ?? {})
        .map(([alias, member]) => `${mdCode(alias)} → ${mdCode(member)}`)
        .join(', '),
    })),
    context: model.context.map((c) => ({
      id: mdCode(c.attr.id),
      source: c.source,
      onSpans: c.onSpans,
      brief: mdText(c.brief),
    })),
    logBase: list(model.logBase.map((f) => f.field)),
    bus: model.bus
      ? { logObject: mdCode(model.bus.logObject, false), headers: list(model.bus.headers.map((h) => h.header)) }
      : false,
    metricGroups: groupBy(
      byKey(model.metrics, (m) => m.name),
      (m) => m.subsystem,
    ).map(([name, metrics]) => ({
      name: mdText(name),
      metrics: metrics.map((m) => ({
        name: mdCode(m.name),
        promName: mdCode(m.promName),
        instrument: m.instrument,
        unit: mdCode(m.unit),
        labels: list(m.labels.map((l) => l.name)),
        series: m.seriesEstimate,
        budget: m.maxSeries,
        brief: mdText(m.brief),
        buckets: m.buckets ? mdCode(m.buckets.id) : '',
        recordedBy: m.recordedBy ? list(m.recordedBy) : '',
      })),
    })),
    bucketSets: model.bucketSets.map((b) => ({
      id: mdCode(b.id),
      unit: mdCode(b.unit),
      boundaries: b.boundaries.join(', '),
      brief: mdText(b.brief),
    })),
    spans: byKey(model.spans, (s) => s.name).map((s) => ({
      name: mdCode(s.name),
      kind: s.kind,
      attributes: usesCell(s.attributes),
      sampling: s.alwaysSample
        ? 'always'
        : s.alwaysSampleWhen.length
          ? `always when ${s.alwaysSampleWhen.map((c) => mdText(`${c.name}=${c.values.join('|')}`)).join(', ')}`
          : 'ratio',
      brief: mdText(s.brief),
    })),
    renamedMetrics: byKey(model.renamedMetrics, (r) => r.from.name).map((r) => ({
      from: mdCode(r.from.name),
      promName: mdCode(r.from.promName),
      to: mdCode(r.to.name),
      until: mdText(r.until ?? ''),
      note: mdText(r.note),
    })),
    events: byKey(model.events, (e) => e.name).map((e) => ({
      name: mdCode(e.name),
      level: e.level,
      fields: usesCell(e.fields),
      brief: mdText(e.brief),
    })),
    alerts: byKey(model.alerts, (a) => a.name).map((a) => ({
      name: mdCode(a.name),
      severity: a.severity,
      kind: a.kind,
      metric: mdCode(a.metric.name),
      condition: mdText(kindOf(a).describe(a)),
      for: a.for,
      summary: mdText(a.summary),
    })),
    slos: byKey(model.slos, (s) => s.name).map((s) => ({
      name: mdCode(s.name),
      objective: s.objective,
      period: s.period,
      sli:
        s.sli.kind === 'latency'
          ? `${mdCode(s.sli.metric.name)} ≤ ${s.sli.threshold} ms`
          : `${s.sli.good ? 'good' : 'bad'} ${mdCode((s.sli.good ?? s.sli.bad)!.metric.name)} / ${mdCode(s.sli.total.metric.name)}`,
      brief: mdText(s.brief),
    })),
    attributes: byKey(model.attributes, (a) => a.id).map((a) => ({
      id: mdCode(a.id),
      type: a.type,
      values: a.type === 'enum' ? list(a.members.map((m) => m.value)) : a.maxCardinality ? `≤ ${a.maxCardinality}` : '',
      flags: [
        a.highCardinality && 'high-cardinality',
        a.pii && 'pii',
        a.secret && 'secret',
        a.fingerprint && 'fingerprint',
        a.deprecated && 'deprecated',
      ]
        .filter(Boolean)
        .join(', '),
      stability: a.stability,
      brief: mdText(a.brief),
    })),
    sampling: model.sampling
      ? {
          ...model.sampling,
          sampler: mdCode(model.sampling.sampler, false),
          perEnv: mdText(
            Object.entries(model.sampling.perEnv)
              .map(([k, v]) => `${k} ${v}`)
              .join(', '),
          ),
          tail: model.sampling.tail ?? false,
        }
      : false,
    redaction: model.redaction
      ? {
          replacement: mdCode(model.redaction.replacement, false),
          keys: model.redaction.keyPatterns.map((k) => mdCode(k, false)).join(', '),
          patterns: mdText(model.redaction.valuePatterns.map((p) => p.id).join(', ')),
        }
      : false,
  };
  return template(view).replace(/\n{3,}/g, '\n\n');
}
