// Every observed signal held to the registry: names, attributes, types, enum members, requirements,
// units, instruments and cardinality. Findings are counted by kind and subject, each with an example;
// ad-hoc signals (the marker in conventions/) become candidates for promotion instead.
import type { Attribute, AttributeUse, LogEvent, Metric, Model, Span } from '../../codegen/model.js';
import { OVERFLOW_VALUE } from '../../runtime/index.js';
import { ADHOC_SCOPE, ADHOC_SPAN_ATTRIBUTE, INSTRUMENTATIONS } from '../../conventions/index.js';
import { labelKey } from '../../codegen/resolve/metrics.js';
import type { Attr, Observed } from './observed.js';

/** What live-check reports, with its severity: `--fail-on` decides which fail the run. */
export const LIVE_RULES = {
  'unknown-metric': { severity: 'error', brief: 'A metric the registry does not define.' },
  'unknown-span': { severity: 'error', brief: 'A span the registry does not define.' },
  'unknown-event': {
    severity: 'error',
    brief: 'A log record or line whose event the registry does not define, or that names none.',
  },
  'renamed-metric': {
    severity: 'warn',
    brief: 'A metric under a name the spec has renamed: the service runs helpers generated before the rename.',
  },
  'wrong-instrument': {
    severity: 'error',
    brief: 'A metric of another instrument than the spec says (a gauge for a counter, an exponential histogram).',
  },
  'unit-mismatch': { severity: 'error', brief: 'A metric in another unit than the spec says.' },
  'undeclared-label': {
    severity: 'error',
    brief: 'A metric label the spec does not declare for that metric: it splits every series.',
  },
  'unknown-attribute': { severity: 'warn', brief: 'A span or log attribute that is not in the registry at all.' },
  'undeclared-attribute': {
    severity: 'warn',
    brief: 'A registry attribute on a span or log event that does not declare it.',
  },
  'wrong-type': { severity: 'error', brief: "A value of another type than its attribute's." },
  'enum-value': { severity: 'error', brief: 'An enum value outside the declared members.' },
  'overflow-value': {
    severity: 'warn',
    brief: `A label the runtime set to ${OVERFLOW_VALUE}: an untyped caller passed a value outside the spec, or left a required label out (counted in ampy.obs.dropped).`,
  },
  'missing-required': {
    severity: 'error',
    brief: 'A required attribute, label, field or resource attribute is missing.',
  },
  'series-budget': { severity: 'error', brief: 'More label sets for a metric than its series budget (max_series).' },
  'label-cardinality': {
    severity: 'error',
    brief: "More distinct values of a bounded label than its attribute's max_cardinality.",
  },
  'adhoc-name-clash': {
    severity: 'error',
    brief:
      'An ad-hoc metric under the name, or the Prometheus name, of a spec metric: one family described twice, which Prometheus rejects.',
  },
  unreadable: { severity: 'error', brief: 'A request, file line or scrape that is not telemetry live-check can read.' },
} as const satisfies Record<string, { severity: 'error' | 'warn'; brief: string }>;

export type LiveRule = keyof typeof LIVE_RULES;
export type Severity = 'error' | 'warn';

export interface Finding {
  readonly rule: LiveRule;
  readonly severity: Severity;
  /** metric, span, event or resource, and its name. */
  readonly subject: string;
  readonly detail: string;
  count: number;
  readonly example: string;
}

export interface Candidate {
  readonly signal: string;
  readonly name: string;
  count: number;
  readonly attributes: Set<string>;
  readonly example: string;
}

/**
 * Scopes of the auto-instrumentations: their spans are named by OpenTelemetry's conventions (GET
 * /orders/:id, pg.query:SELECT db), which the registry does not list span by span; they are counted, not
 * findings. Their metrics are held to the registry like any (semconv/ defines them).
 */
const INSTRUMENTATION_SCOPES: ReadonlySet<string> = new Set(
  Object.values(INSTRUMENTATIONS).filter((s): s is NonNullable<typeof s> => s !== undefined),
);

/** Labels every Prometheus series may carry besides its own: the exporter's, the scrape's, histograms'. */
const SCRAPE_LABELS = new Set([
  'otel_scope_name',
  'otel_scope_version',
  'otel_scope_schema_url',
  'job',
  'instance',
  'le',
  'quantile',
]);
/** Keys a log record or line carries besides its event's fields. */
const LOG_KEYS = new Set(['trace_id', 'span_id', 'event', 'level', 'ts', 'message', 'msg', 'time']);

const show = (v: unknown): string => {
  const s = typeof v === 'string' ? `'${v}'` : JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 77)}…` : s;
};

/** Why a value does not fit its attribute's type, or undefined when it does. */
export function typeProblem(attr: Attribute, a: Attr, prometheus: boolean): string | undefined {
  const v = a.value;
  // Secret values leave the process replaced or fingerprinted: always strings.
  if (attr.secret) return a.type === 'string' ? undefined : `${a.type} where a redacted string was expected`;
  const isText = typeof v === 'string';
  switch (attr.type) {
    case 'string':
    case 'enum':
    case 'timestamp':
      return a.type === 'string'
        ? undefined
        : `${a.type} where ${attr.type === 'enum' ? 'an enum member' : 'a string'} was expected`;
    case 'int':
      if (a.type === 'int' || (isText && /^-?\d+$/.test(v) && (prometheus || v.replace('-', '').length > 15)))
        return undefined;
      return `${a.type === 'string' ? `string ${show(v)}` : a.type} where an int was expected`;
    case 'double':
      if (
        a.type === 'int' ||
        a.type === 'double' ||
        (prometheus && isText && v.trim() !== '' && !Number.isNaN(Number(v)))
      )
        return undefined;
      return `${a.type} where a double was expected`;
    case 'bool':
      if (a.type === 'bool' || (prometheus && (v === 'true' || v === 'false'))) return undefined;
      return `${a.type} where a bool was expected`;
    case 'decimal': {
      // Exact text on spans and labels, {scaled, scale} in log lines and records.
      if (isText && /^-?\d+(\.\d+)?$/.test(v)) return undefined;
      if (a.type === 'object' && v !== null && typeof v === 'object' && 'scaled' in v && 'scale' in v) return undefined;
      return `${a.type} ${show(v)} where a decimal was expected`;
    }
  }
}

const INSTRUMENT_WORDS: Readonly<Record<string, string>> = {
  counter: 'a counter',
  updowncounter: 'an up-down counter',
  gauge: 'a gauge',
  histogram: 'a histogram',
};

/** Whether an observed instrument is what the spec says (Prometheus shows an up-down counter as a gauge). */
function instrumentFits(spec: Metric['instrument'], seen: string, prometheus: boolean): boolean {
  if (seen === spec || seen === 'untyped') return true;
  return prometheus && spec === 'updowncounter' && seen === 'gauge';
}

export class Checker {
  private readonly found = new Map<string, Finding>();
  private readonly adhoc = new Map<string, Candidate>();
  readonly seen: Record<Observed['signal'], number> = { metric: 0, span: 0, log: 0, line: 0, resource: 0 };
  /** Spans of the auto-instrumentations, by scope. */
  readonly instrumented = new Map<string, number>();
  private readonly metrics = new Map<string, Metric>();
  private readonly promNames = new Map<string, Metric>();
  private readonly renamed = new Map<string, string>();
  private readonly spans: Map<string, Span>;
  private readonly events: Map<string, LogEvent>;
  private readonly attributes: Map<string, Attribute>;
  private readonly spanExtras: Map<string, Attribute>;
  private readonly logExtras: Map<string, Attribute | undefined>;
  private readonly ignoredLabels: Set<string>;
  /** Per metric: distinct label sets, and distinct values per label. */
  private readonly series = new Map<Metric, { sets: Set<string>; values: Map<string, Set<string>>; source: string }>();

  private budgetsChecked = false;

  constructor(private readonly model: Model) {
    for (const m of model.metrics) {
      this.metrics.set(m.name, m);
      this.promNames.set(m.promName, m);
    }
    for (const r of model.renamedMetrics) {
      this.renamed.set(r.from.name, r.to.name);
      this.renamed.set(r.from.promName, r.to.promName);
    }
    this.spans = new Map(model.spans.map((s) => [s.name, s]));
    this.events = new Map(model.events.map((e) => [e.name, e]));
    this.attributes = new Map(model.attributes.map((a) => [a.id, a]));
    // What the runtime adds to spans: the context core marked on_spans, and the sampling marker.
    this.spanExtras = new Map(model.context.filter((c) => c.onSpans).map((c) => [c.attr.id, c.attr]));
    // What it adds to log records and lines: the context core, the base fields, the bus object.
    this.logExtras = new Map<string, Attribute | undefined>([
      ...model.context.map((c) => [c.attr.id, c.attr] as const),
      ...model.logBase.map((f) => [f.field, f.attr] as const),
      ...(model.bus ? [[model.bus.logObject, undefined] as const] : []),
    ]);
    // Resource attributes a collector copies onto every series.
    this.ignoredLabels = new Set([
      ...SCRAPE_LABELS,
      ...model.resource.flatMap((r) => (r.metricLabel ? [r.metricLabel] : [])),
    ]);
  }

  private report(rule: LiveRule, subject: string, detail: string, example: string): void {
    const key = `${rule}\u0000${subject}\u0000${detail}`;
    const f = this.found.get(key);
    if (f) f.count++;
    else this.found.set(key, { rule, severity: LIVE_RULES[rule].severity, subject, detail, count: 1, example });
  }

  /** Something that could not be read at all. */
  unreadable(source: string, why: string): void {
    this.report('unreadable', 'input', why, source);
  }

  observe(o: Observed): void {
    this.seen[o.signal]++;
    if (o.signal === 'resource') return this.resource(o);
    if (
      o.scope === ADHOC_SCOPE ||
      (o.signal === 'span' && o.attrs.some((a) => a.key === ADHOC_SPAN_ATTRIBUTE && a.value === true))
    )
      return this.candidate(o);
    if (o.signal === 'metric') return this.metric(o);
    if (o.signal === 'span' && INSTRUMENTATION_SCOPES.has(o.scope)) {
      this.instrumented.set(o.scope, (this.instrumented.get(o.scope) ?? 0) + 1);
      return;
    }
    if (o.signal === 'span') return this.span(o);
    return this.log(o);
  }

  private candidate(o: Observed): void {
    // Under a spec metric's name it is no candidate: the runtime refuses such a name (README, "The escape hatch").
    const spec = o.signal === 'metric' && o.name ? (this.metrics.get(o.name) ?? this.promNames.get(o.name)) : undefined;
    if (spec)
      return this.report(
        'adhoc-name-clash',
        `metric ${spec.name}`,
        `ad-hoc metric '${o.name}' shares the name of the spec's ${spec.instrument} (${spec.promName})`,
        o.source,
      );
    const signal = o.signal === 'line' || o.signal === 'log' ? 'log' : o.signal;
    // A free-form logger's lines are one candidate per component, whatever their messages say.
    const text = (key: string): string => String(o.attrs.find((a) => a.key === key)?.value ?? '');
    const name = o.name ?? (signal === 'log' ? text('component') : '');
    const label = name || text('message') || text('msg') || '(unnamed)';
    const key = `${signal}\u0000${label}`;
    let c = this.adhoc.get(key);
    if (!c) this.adhoc.set(key, (c = { signal, name: label, count: 0, attributes: new Set(), example: o.source }));
    c.count++;
    for (const a of o.attrs)
      if (!LOG_KEYS.has(a.key) && !SCRAPE_LABELS.has(a.key) && a.key !== ADHOC_SPAN_ATTRIBUTE && a.key !== 'adhoc')
        c.attributes.add(a.key);
  }

  private resource(o: Observed): void {
    const keys = new Set(o.attrs.map((a) => a.key));
    for (const r of this.model.resource)
      if (r.requirement === 'required' && !keys.has(r.attr.id))
        this.report('missing-required', 'resource', `required resource attribute '${r.attr.id}' missing`, o.source);
    for (const a of o.attrs) {
      const r = this.model.resource.find((x) => x.attr.id === a.key);
      if (r) this.value('resource', r.attr, a, false, o.source);
    }
  }

  /** Type and enum membership of one value of a known attribute. */
  private value(subject: string, attr: Attribute, a: Attr, prometheus: boolean, source: string): void {
    // A bounded number past its bound is recorded as the overflow text, like an enum's.
    if (a.value === OVERFLOW_VALUE && attr.maxCardinality !== undefined && attr.type !== 'string')
      return this.report('overflow-value', subject, `'${a.key}' is ${OVERFLOW_VALUE}`, source);
    const wrong = typeProblem(attr, a, prometheus);
    if (wrong)
      return this.report(
        'wrong-type',
        subject,
        `'${a.key}' (${attr.id}, ${attr.type}): ${wrong}`,
        `${show(a.value)} from ${source}`,
      );
    if (attr.type !== 'enum' || attr.secret || typeof a.value !== 'string') return;
    if (a.value === OVERFLOW_VALUE)
      return this.report('overflow-value', subject, `'${a.key}' is ${OVERFLOW_VALUE}`, source);
    if (!attr.members.some((m) => m.value === a.value))
      this.report(
        'enum-value',
        subject,
        `'${a.key}' = ${show(a.value)} is not a member of ${attr.id} (${attr.members.map((m) => m.value).join(', ')})`,
        source,
      );
  }

  private metric(o: Observed): void {
    const name = o.name ?? '';
    const m = o.prometheus ? (this.promNames.get(name) ?? this.promNames.get(`${name}_total`)) : this.metrics.get(name);
    if (!m) {
      const to = this.renamed.get(name) ?? this.renamed.get(`${name}_total`);
      if (to)
        return this.report(
          'renamed-metric',
          `metric ${name}`,
          `renamed to ${to} in the spec: regenerate the service's helpers`,
          o.source,
        );
      return this.report(
        'unknown-metric',
        `metric ${name}`,
        'not in the registry',
        `${o.instrument ?? 'metric'} from ${o.source}${o.scope ? `, scope ${o.scope}` : ''}`,
      );
    }
    const subject = `metric ${m.name}`;
    if (o.instrument && !instrumentFits(m.instrument, o.instrument, !!o.prometheus))
      this.report(
        'wrong-instrument',
        subject,
        `${o.instrument.replace('_', ' ')} where the spec says ${INSTRUMENT_WORDS[m.instrument]}`,
        o.source,
      );
    if (o.unit !== undefined && o.unit !== m.unit)
      this.report('unit-mismatch', subject, `unit '${o.unit}' where the spec says '${m.unit}'`, o.source);
    // On OTLP, a metric recorded by instrumentation carries its labels under their attribute ids.
    const key = (l: AttributeUse): string => (o.prometheus ? l.name : labelKey(m, l));
    const byName = new Map(m.labels.map((l) => [key(l), l]));
    const own = o.attrs.filter((a) => !(o.prometheus && this.ignoredLabels.has(a.key)));
    for (const a of own) {
      const l = byName.get(a.key);
      if (!l)
        this.report(
          'undeclared-label',
          subject,
          `label '${a.key}' is not declared (labels: ${m.labels.map(key).join(', ') || 'none'})`,
          `${show(a.value)} from ${o.source}`,
        );
      else this.value(subject, l.attr, a, !!o.prometheus, o.source);
    }
    this.required(
      subject,
      m.labels.map((l) => ({ ...l, name: key(l) })),
      own,
      'label',
      o.source,
    );
    this.budget(
      m,
      own.map((a) => ({ ...a, key: byName.get(a.key)?.name ?? a.key })),
      o.source,
    );
  }

  /** Distinct label sets and distinct values per bounded label, held to their budgets in findings(). */
  private budget(m: Metric, attrs: readonly Attr[], source: string): void {
    let s = this.series.get(m);
    if (!s) this.series.set(m, (s = { sets: new Set(), values: new Map(), source }));
    s.sets.add(JSON.stringify(attrs.map((a) => [a.key, a.value]).sort()));
    for (const a of attrs) {
      if (m.labels.find((x) => x.name === a.key)?.attr.maxCardinality === undefined) continue;
      let values = s.values.get(a.key);
      if (!values) s.values.set(a.key, (values = new Set()));
      values.add(String(a.value));
    }
  }

  /** Budgets are about everything seen: checked once, at the end. */
  private budgets(): void {
    if (this.budgetsChecked) return;
    this.budgetsChecked = true;
    for (const [m, s] of this.series) {
      const perSeries = m.instrument === 'histogram' && m.buckets ? m.buckets.boundaries.length + 3 : 1;
      const total = s.sets.size * perSeries;
      if (total > m.maxSeries)
        this.report(
          'series-budget',
          `metric ${m.name}`,
          `${s.sets.size} label sets${perSeries > 1 ? ` × ${perSeries} series each` : ''} = ${total} series, over its budget of ${m.maxSeries}`,
          s.source,
        );
      for (const [label, values] of s.values) {
        const attr = m.labels.find((x) => x.name === label)!.attr;
        if (values.size > attr.maxCardinality!)
          this.report(
            'label-cardinality',
            `metric ${m.name}`,
            `label '${label}' has ${values.size} distinct values, over ${attr.id}'s max_cardinality of ${attr.maxCardinality}`,
            s.source,
          );
      }
    }
  }

  private required(
    subject: string,
    uses: readonly AttributeUse[],
    attrs: readonly Attr[],
    word: string,
    source: string,
  ): void {
    const keys = new Set(attrs.map((a) => a.key));
    for (const u of uses)
      if (u.requirement === 'required' && !keys.has(u.name))
        this.report('missing-required', subject, `required ${word} '${u.name}' missing`, source);
  }

  /** An attribute a signal does not declare: one the runtime adds, another of the registry, or unknown. */
  private extra(subject: string, a: Attr, extras: ReadonlyMap<string, Attribute | undefined>, source: string): void {
    if (extras.has(a.key)) {
      const attr = extras.get(a.key);
      if (attr) this.value(subject, attr, a, false, source);
      return;
    }
    const attr = this.attributes.get(a.key);
    if (attr) {
      this.report(
        'undeclared-attribute',
        subject,
        `'${a.key}' is a registry attribute the spec does not declare here`,
        source,
      );
      this.value(subject, attr, a, false, source);
    } else
      this.report('unknown-attribute', subject, `'${a.key}' is not in the registry`, `${show(a.value)} from ${source}`);
  }

  private span(o: Observed): void {
    const s = this.spans.get(o.name ?? '');
    if (!s)
      return this.report(
        'unknown-span',
        `span ${o.name}`,
        'not in the registry',
        `from ${o.source}${o.scope ? `, scope ${o.scope}` : ''}`,
      );
    const subject = `span ${s.name}`;
    const byName = new Map(s.attributes.map((u) => [u.name, u]));
    for (const a of o.attrs) {
      const u = byName.get(a.key);
      if (u) this.value(subject, u.attr, a, false, o.source);
      else if (a.key !== 'ampy.always_sample') this.extra(subject, a, this.spanExtras, o.source);
    }
    this.required(subject, s.attributes, o.attrs, 'attribute', o.source);
  }

  private log(o: Observed): void {
    const e = o.name === undefined ? undefined : this.events.get(o.name);
    if (!e)
      return this.report(
        'unknown-event',
        `event ${o.name ?? '(none)'}`,
        o.name === undefined ? 'a log without an event name' : 'not in the registry',
        `from ${o.source}${o.scope ? `, scope ${o.scope}` : ''}`,
      );
    const subject = `event ${e.name}`;
    const byName = new Map(e.fields.map((u) => [u.name, u]));
    for (const a of o.attrs) {
      const u = byName.get(a.key);
      if (u) this.value(subject, u.attr, a, false, o.source);
      else if (!LOG_KEYS.has(a.key)) this.extra(subject, a, this.logExtras, o.source);
    }
    this.required(subject, e.fields, o.attrs, 'field', o.source);
  }

  /** Every finding, errors first; budgets are checked over everything observed so far. */
  findings(): Finding[] {
    this.budgets();
    const rank = (f: Finding): number => (f.severity === 'error' ? 0 : 1);
    return [...this.found.values()].sort(
      (a, b) =>
        rank(a) - rank(b) ||
        a.subject.localeCompare(b.subject) ||
        a.rule.localeCompare(b.rule) ||
        a.detail.localeCompare(b.detail),
    );
  }

  candidates(): Candidate[] {
    return [...this.adhoc.values()].sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
  }
}
