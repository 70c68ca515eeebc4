// Two resolved registries compared field by field: every difference becomes a change named by a rule of
// the table (rules.ts), with what changed and, where a dashboard, an alert or a service must act, how.
import type {
  Alert,
  Attribute,
  AttributeUse,
  LogEvent,
  Metric,
  Model,
  RenamedMetric,
  Slo,
  Span,
} from '../../codegen/model.js';
import { mdCode } from '../../codegen/escape/markdown.js';
import { camel } from '../../codegen/names.js';
import { compareText } from '../../codegen/order.js';
import { exposedSeries } from '../../codegen/prometheus/renames.js';
import { renamedLabel } from '../../codegen/validate/metrics.js';
import { CHANGE_RULES, type ChangeId, type Level, type SubjectKind } from './rules.js';

/** A query before and after the change. */
export interface QueryMigration {
  readonly before: string;
  readonly after: string;
}

/** One difference between the registries. */
export interface Change {
  readonly rule: ChangeId;
  readonly level: Level;
  readonly kind: SubjectKind;
  /** The metric, span, event, attribute, alert or SLO it is about. */
  readonly name: string;
  /** What changed, in a sentence. */
  readonly detail: string;
  /** Why that has its level (the rule's reason). */
  readonly why: string;
  /** What to change in dashboards, alerts and code. */
  readonly steps: readonly string[];
  readonly queries: readonly QueryMigration[];
}

type Steps = { steps?: string[]; queries?: QueryMigration[] };

class Changes {
  readonly list: Change[] = [];
  add(rule: ChangeId, kind: SubjectKind, name: string, detail: string, more: Steps = {}): void {
    const r = CHANGE_RULES[rule];
    this.list.push({
      rule,
      level: r.level,
      kind,
      name,
      detail,
      why: r.why,
      steps: more.steps ?? [],
      queries: more.queries ?? [],
    });
  }
}

const STABILITY_RANK = { development: 0, alpha: 1, beta: 2, release_candidate: 3, stable: 4 } as const;
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
const byName = <T>(items: readonly T[], key: (t: T) => string): Map<string, T> =>
  new Map(items.map((t) => [key(t), t]));
const sorted = (names: Iterable<string>): string[] => [...names].sort(compareText);
/** A name or value as a code span, whatever it holds (the same text serves the terminal and Markdown). */
const q = (s: string): string => mdCode(s, false);

/** A representative query over a metric's series, grouped by a label when one is given. */
export function sampleQuery(m: Metric, by?: string): string {
  const group = by ? ` by (${by})` : '';
  if (m.instrument === 'histogram')
    return `histogram_quantile(0.95, sum by (le${by ? `, ${by}` : ''}) (rate(${m.promName}_bucket[5m])))`;
  if (m.instrument === 'counter') return `sum${group} (rate(${m.promName}[5m]))`;
  return `sum${group} (${m.promName})`;
}

function helperPath(m: Metric): string {
  return `metrics.${m.subsystem}.${camel(m.short)}`;
}

function stability(
  ch: Changes,
  kind: SubjectKind,
  name: string,
  b: { stability: keyof typeof STABILITY_RANK },
  c: typeof b,
): void {
  if (b.stability === c.stability) return;
  ch.add(
    STABILITY_RANK[c.stability] > STABILITY_RANK[b.stability] ? 'stability-raised' : 'stability-lowered',
    kind,
    name,
    `stability ${b.stability} → ${c.stability}`,
  );
}

function doc(ch: Changes, kind: SubjectKind, name: string, fields: Record<string, [unknown, unknown]>): void {
  const changed = Object.entries(fields)
    .filter(([, [b, c]]) => !same(b, c))
    .map(([k]) => k);
  if (changed.length) ch.add('doc', kind, name, `${changed.join(', ')} changed`);
}

function deprecation(
  ch: Changes,
  kind: SubjectKind,
  name: string,
  b: { deprecated?: unknown },
  c: { deprecated?: { note: string } },
): void {
  if (!b.deprecated && c.deprecated) ch.add('deprecated', kind, name, `deprecated: ${c.deprecated.note}`);
}

const PART: Record<'metric' | 'span' | 'event', string> = { metric: 'label', span: 'attribute', event: 'field' };

/** Labels, span attributes or event fields: matched by wire name; one removed and one added for the same attribute is a rename. */
function parts(
  ch: Changes,
  kind: 'metric' | 'span' | 'event',
  name: string,
  b: readonly AttributeUse[],
  c: readonly AttributeUse[],
  metric?: Metric,
): void {
  const word = PART[kind];
  const before = byName(b, (u) => u.name);
  const after = byName(c, (u) => u.name);
  const removed = b.filter((u) => !after.has(u.name));
  const added = c.filter((u) => !before.has(u.name));
  for (const u of removed) {
    const renamedTo = added.find((a) => a.attr.id === u.attr.id);
    if (renamedTo) {
      added.splice(added.indexOf(renamedTo), 1);
      ch.add('part-renamed', kind, name, `${word} '${u.name}' renamed to '${renamedTo.name}'`, {
        steps: [`Write ${q(renamedTo.name)} where queries and code said ${q(u.name)}.`],
        queries: metric ? [{ before: sampleQuery(metric, u.name), after: sampleQuery(metric, renamedTo.name) }] : [],
      });
    } else
      ch.add('part-removed', kind, name, `${word} '${u.name}' removed`, {
        steps: [`Drop ${q(u.name)} from queries, groupings and calls.`],
        queries: metric ? [{ before: sampleQuery(metric, u.name), after: sampleQuery(metric) }] : [],
      });
  }
  for (const u of added)
    if (u.requirement === 'required')
      ch.add('part-added-required', kind, name, `required ${word} '${u.name}' added`, {
        steps: [`Pass ${q(u.name)} in every call.`],
      });
    else ch.add('part-added', kind, name, `${u.requirement} ${word} '${u.name}' added`);
  for (const u of b) {
    const n = after.get(u.name);
    if (!n) continue;
    if (n.attr.id !== u.attr.id)
      ch.add(
        'part-attribute',
        kind,
        name,
        `${word} '${u.name}' now refers to attribute '${n.attr.id}' instead of '${u.attr.id}'`,
      );
    const wasRequired = u.requirement === 'required';
    const isRequired = n.requirement === 'required';
    if (!wasRequired && isRequired)
      ch.add('part-required', kind, name, `${word} '${u.name}' is now required (was ${u.requirement})`, {
        steps: [`Pass ${q(u.name)} in every call.`],
      });
    else if (wasRequired && !isRequired)
      ch.add('part-optional', kind, name, `${word} '${u.name}' is now ${n.requirement} (was required)`);
  }
}

/** The fields of a metric, old against new (the same metric, or a renamed one against its new name). */
function metricFields(ch: Changes, b: Metric, c: Metric, name: string): void {
  if (b.instrument !== c.instrument)
    ch.add('instrument', 'metric', name, `instrument ${b.instrument} → ${c.instrument}`, {
      queries: [{ before: sampleQuery(b), after: sampleQuery(c) }],
      steps: ['Rewrite queries for the new instrument.'],
    });
  if (b.unit !== c.unit)
    ch.add('unit', 'metric', name, `unit ${b.unit} → ${c.unit}`, { steps: ['Rescale thresholds and panel units.'] });
  const bb = b.buckets?.boundaries ?? [];
  const cb = c.buckets?.boundaries ?? [];
  const lost = bb.filter((x) => !cb.includes(x));
  const gained = cb.filter((x) => !bb.includes(x));
  if (b.instrument === c.instrument && lost.length)
    ch.add('bucket-removed', 'metric', name, `bucket boundaries removed: ${lost.join(', ')}`, {
      steps: lost.map((x) => `Queries selecting ${q(`le="${x}"`)} find nothing.`),
    });
  if (b.instrument === c.instrument && gained.length)
    ch.add('bucket-added', 'metric', name, `bucket boundaries added: ${gained.join(', ')}`);
  parts(ch, 'metric', name, b.labels, c.labels, c);
  if (b.maxSeries !== c.maxSeries) ch.add('budget', 'metric', name, `series budget ${b.maxSeries} → ${c.maxSeries}`);
}

function metrics(ch: Changes, base: Model, cur: Model): void {
  const bLive = byName(base.metrics, (m) => m.name);
  const cLive = byName(cur.metrics, (m) => m.name);
  const bRenamed = byName(base.renamedMetrics, (r) => r.from.name);
  const cRenamed = byName(cur.renamedMetrics, (r) => r.from.name);
  const newTargets = new Set<string>();
  for (const name of sorted(bLive.keys())) {
    const b = bLive.get(name)!;
    const c = cLive.get(name);
    const r = cRenamed.get(name);
    if (c) {
      metricFields(ch, b, c, name);
      stability(ch, 'metric', name, b, c);
      doc(ch, 'metric', name, { brief: [b.brief, c.brief], note: [b.note, c.note] });
      deprecation(ch, 'metric', name, b, c);
    } else if (r) {
      if (!bLive.has(r.to.name)) newTargets.add(r.to.name);
      renamed(ch, b, r);
      // Old labels under their new names: the transition's recording rules give them back their old ones.
      metricFields(
        ch,
        { ...b, labels: b.labels.map((l) => ({ ...l, name: renamedLabel(l, r.to.labels)?.name ?? l.name })) },
        r.to,
        name,
      );
    } else
      ch.add('removed', 'metric', name, 'metric removed', {
        steps: [
          `Remove or replace the panels and alerts that read ${q(b.promName)}, and the calls to ${q(helperPath(b))}.`,
          'If it was renamed, keep its entry with deprecated.renamed_to and until, so that its series keep their data meanwhile.',
        ],
      });
  }
  for (const name of sorted(bRenamed.keys())) {
    const r = bRenamed.get(name)!;
    if (cRenamed.has(name) || cLive.has(name)) continue;
    ch.add('removed', 'metric', name, `renamed metric removed: its transition to '${r.to.name}' ends`, {
      steps: [
        `Recording rules no longer keep ${q(r.from.promName)}: every query must read ${q(r.to.promName)}; calls to ${q(helperPath(r.from))} must use ${q(helperPath(r.to))}.`,
      ],
      queries: [{ before: sampleQuery(r.from), after: sampleQuery(r.to) }],
    });
  }
  for (const name of sorted(cLive.keys()))
    if (!bLive.has(name) && !newTargets.has(name)) ch.add('added', 'metric', name, 'metric added');
}

function renamed(ch: Changes, b: Metric, r: RenamedMetric): void {
  const queries = [{ before: sampleQuery(b), after: sampleQuery(r.to) }];
  for (const l of b.labels) {
    const n = renamedLabel(l, r.to.labels);
    if (n && n.name !== l.name) queries.push({ before: sampleQuery(b, l.name), after: sampleQuery(r.to, n.name) });
  }
  const series = exposedSeries(b).map((s, i) => `${s} → ${exposedSeries(r.to)[i] ?? ''}`);
  ch.add(
    'renamed',
    'metric',
    b.name,
    `renamed to '${r.to.name}' (series ${series.join(', ')}); old series recorded until ${r.until ?? '(no end declared)'}`,
    {
      steps: [
        `Before ${r.until ?? 'the transition ends'}, move dashboards and alerts to ${q(r.to.promName)}, and calls from ${q(helperPath(b))} to ${q(helperPath(r.to))}.`,
      ],
      queries,
    },
  );
}

function spans(ch: Changes, base: Model, cur: Model): void {
  signals(ch, 'span', base.spans, cur.spans, (b: Span, c: Span) => {
    if (b.kind !== c.kind) ch.add('span-kind', 'span', b.name, `kind ${b.kind} → ${c.kind}`);
    parts(ch, 'span', b.name, b.attributes, c.attributes);
    if (b.alwaysSample !== c.alwaysSample || !same(b.alwaysSampleWhen, c.alwaysSampleWhen))
      ch.add('sampling', 'span', b.name, 'safety-critical sampling changed');
    if (!!b.links !== !!c.links) ch.add('links', 'span', b.name, c.links ? 'links added' : 'links removed');
    doc(ch, 'span', b.name, {
      brief: [b.brief, c.brief],
      note: [b.note, c.note],
      'links brief': [b.links?.brief, c.links?.brief],
    });
  });
}

function events(ch: Changes, base: Model, cur: Model): void {
  signals(ch, 'event', base.events, cur.events, (b: LogEvent, c: LogEvent) => {
    if (b.level !== c.level)
      ch.add('event-level', 'event', b.name, `level ${b.level} → ${c.level}`, {
        steps: [`Log queries selecting level ${b.level} for this event must select ${c.level}.`],
      });
    parts(ch, 'event', b.name, b.fields, c.fields);
    doc(ch, 'event', b.name, { brief: [b.brief, c.brief], note: [b.note, c.note] });
  });
}

/**
 * Two lists of one kind matched by key: what only the current one has is added, what only the baseline
 * has is removed (with what to do), and `compare` looks at what both have.
 */
function matched<T>(
  ch: Changes,
  kind: SubjectKind,
  base: readonly T[],
  cur: readonly T[],
  key: (t: T) => string,
  removed: (name: string, b: T) => { detail: string; steps: string[] },
  compare: (b: T, c: T, name: string) => void,
): void {
  const b = byName(base, key);
  const c = byName(cur, key);
  for (const name of sorted(new Set([...b.keys(), ...c.keys()]))) {
    const x = b.get(name);
    const y = c.get(name);
    if (!x) ch.add('added', kind, name, `${kind === 'slo' ? 'SLO' : kind} added`);
    else if (!y) {
      const r = removed(name, x);
      ch.add('removed', kind, name, r.detail, { steps: r.steps });
    } else compare(x, y, name);
  }
}

/** Spans or events: added, removed, deprecated, stability, and the fields `compare` looks at. */
function signals<T extends Span | LogEvent>(
  ch: Changes,
  kind: 'span' | 'event',
  base: readonly T[],
  cur: readonly T[],
  compare: (b: T, c: T) => void,
): void {
  const removed = (name: string): { detail: string; steps: string[] } => ({
    detail: `${kind} removed`,
    steps: [`Remove or replace the queries, tail-sampling policies and code that use ${kind} ${q(name)}.`],
  });
  matched(
    ch,
    kind,
    base,
    cur,
    (s) => s.name,
    removed,
    (x, y, name) => {
      compare(x, y);
      stability(ch, kind, name, x, y);
      deprecation(ch, kind, name, x, y);
    },
  );
}

/** Where an attribute is used, for the reader of a change to it. */
function uses(m: Model, id: string): string {
  const out = [
    ...m.metrics.flatMap((x) =>
      x.labels.filter((u) => u.attr.id === id).map((u) => `metric ${x.name} (label ${u.name})`),
    ),
    ...m.spans.filter((x) => x.attributes.some((u) => u.attr.id === id)).map((x) => `span ${x.name}`),
    ...m.events.flatMap((x) =>
      x.fields.filter((u) => u.attr.id === id).map((u) => `event ${x.name} (field ${u.name})`),
    ),
  ];
  return out.length ? `; used by ${out.join(', ')}` : '';
}

function attributes(ch: Changes, base: Model, cur: Model): void {
  matched(
    ch,
    'attribute',
    base.attributes,
    cur.attributes,
    (a) => a.id,
    (id) => ({ detail: `attribute removed${uses(base, id)}`, steps: [] }),
    (x, y) => attribute(ch, x, y, cur),
  );
}

function attribute(ch: Changes, b: Attribute, c: Attribute, cur: Model): void {
  const id = b.id;
  const where = uses(cur, id);
  if (b.type !== c.type) ch.add('type', 'attribute', id, `type ${b.type} → ${c.type}${where}`);
  const bm = byName(b.members, (m) => m.value);
  const cm = byName(c.members, (m) => m.value);
  for (const v of sorted(bm.keys()))
    if (!cm.has(v))
      ch.add('member-removed', 'attribute', id, `member '${v}' removed${where}`, {
        steps: [
          `Queries, alerts and routes matching ${q(`"${v}"`)} find nothing new; code passing it must pick another member.`,
        ],
      });
    else if (!bm.get(v)!.deprecated && cm.get(v)!.deprecated)
      ch.add('member-deprecated', 'attribute', id, `member '${v}' deprecated: ${cm.get(v)!.deprecated!.note}`);
  for (const v of sorted(cm.keys()))
    if (!bm.has(v)) ch.add('member-added', 'attribute', id, `member '${v}' added${where}`);
  const bRedacted = b.secret || b.pii;
  const cRedacted = c.secret || c.pii;
  const flags = (a: Attribute): string => [a.pii && 'pii', a.secret && 'secret'].filter(Boolean).join(', ') || 'none';
  if (!same([b.pii, b.secret, b.fingerprint], [c.pii, c.secret, c.fingerprint])) {
    if (cRedacted && (!bRedacted || (b.fingerprint && !c.fingerprint)))
      ch.add(
        'redacted',
        'attribute',
        id,
        `flags ${flags(b)} → ${flags(c)}${c.fingerprint ? ', fingerprinted' : ''}${where}`,
      );
    else
      ch.add('unredacted', 'attribute', id, `flags ${flags(b)} → ${flags(c)}${c.fingerprint ? ', fingerprinted' : ''}`);
  }
  if (b.highCardinality !== c.highCardinality)
    ch.add(
      'high-cardinality',
      'attribute',
      id,
      c.highCardinality ? 'now high-cardinality' : 'no longer high-cardinality',
    );
  const bMax = b.maxCardinality ?? Infinity;
  const cMax = c.maxCardinality ?? Infinity;
  if (cMax < bMax)
    ch.add(
      'cardinality-lowered',
      'attribute',
      id,
      `max_cardinality ${b.maxCardinality ?? 'none'} → ${c.maxCardinality}${where}`,
    );
  else if (cMax > bMax)
    ch.add(
      'cardinality-raised',
      'attribute',
      id,
      `max_cardinality ${b.maxCardinality} → ${c.maxCardinality ?? 'none'}`,
    );
  stability(ch, 'attribute', id, b, c);
  deprecation(ch, 'attribute', id, b, c);
  doc(ch, 'attribute', id, {
    brief: [b.brief, c.brief],
    note: [b.note, c.note],
    examples: [b.examples, c.examples],
    unit: [b.unit, c.unit],
  });
}

/** An alert's expression, without its name and annotations: what decides when it fires. */
function alertExpression(a: Alert): unknown {
  return [
    a.kind,
    a.metric.name,
    a.matchers,
    a.total && [a.total.metric.name, a.total.matchers],
    a.quantile,
    a.op,
    a.threshold,
    a.factor,
    a.baselineWindow,
    a.window,
    a.for,
    a.during?.id,
  ];
}

function alerts(ch: Changes, base: Model, cur: Model): void {
  const removed = (name: string): { detail: string; steps: string[] } => ({
    detail: 'alert removed',
    steps: [`Alertmanager routes, inhibitions and silences on ${q(`alertname="${name}"`)} match nothing.`],
  });
  matched(
    ch,
    'alert',
    base.alerts,
    cur.alerts,
    (a) => a.name,
    removed,
    (x, y, name) => {
      if (x.severity !== y.severity || !same(x.labels, y.labels))
        ch.add(
          'routing',
          'alert',
          name,
          x.severity !== y.severity ? `severity ${x.severity} → ${y.severity}` : 'labels changed',
          {
            steps: ['Check Alertmanager routes, inhibitions and silences that match its severity or labels.'],
          },
        );
      if (!same(x.by, y.by))
        ch.add('grouping', 'alert', name, `grouped by [${x.by.join(', ')}] → [${y.by.join(', ')}]`, {
          steps: ['Check routes and silences that match its labels.'],
        });
      if (!same(alertExpression(x), alertExpression(y)))
        ch.add('tuning', 'alert', name, 'expression changed (metric, matchers, threshold, window or for)');
      doc(ch, 'alert', name, {
        summary: [x.summary, y.summary],
        description: [x.description, y.description],
        runbook: [x.runbook, y.runbook],
      });
    },
  );
}

function slos(ch: Changes, base: Model, cur: Model): void {
  const sli = (s: Slo): unknown =>
    s.sli.kind === 'latency'
      ? ['latency', s.sli.metric.name, s.sli.matchers, s.sli.threshold]
      : ['ratio', ...[s.sli.good, s.sli.bad, s.sli.total].map((x) => x && [x.metric.name, x.matchers])];
  const removed = (name: string): { detail: string; steps: string[] } => ({
    detail: 'SLO removed',
    steps: [`Panels reading its recorded series (slo="${name}") and routes on its burn-rate alerts find nothing.`],
  });
  matched(
    ch,
    'slo',
    base.slos,
    cur.slos,
    (s) => s.name,
    removed,
    (x, y, name) => {
      if (!same(x.by, y.by)) ch.add('grouping', 'slo', name, `grouped by [${x.by.join(', ')}] → [${y.by.join(', ')}]`);
      if (x.objective !== y.objective || x.period !== y.period || !same(sli(x), sli(y)))
        ch.add(
          'tuning',
          'slo',
          name,
          [
            x.objective !== y.objective && `objective ${x.objective} → ${y.objective}`,
            x.period !== y.period && `period ${x.period} → ${y.period}`,
            !same(sli(x), sli(y)) && 'SLI changed',
          ]
            .filter(Boolean)
            .join(', '),
        );
      doc(ch, 'slo', name, { brief: [x.brief, y.brief], runbook: [x.runbook, y.runbook] });
    },
  );
}

/** Every change from `base` to `cur`: metrics, spans, events, attributes, alerts, SLOs, each in name order. */
export function compareModels(base: Model, cur: Model): Change[] {
  const ch = new Changes();
  metrics(ch, base, cur);
  spans(ch, base, cur);
  events(ch, base, cur);
  attributes(ch, base, cur);
  alerts(ch, base, cur);
  slos(ch, base, cur);
  return ch.list;
}
