import path from 'node:path';
import type { Diagnostic } from './diagnostics.js';
import { at, type SourceRef } from './load.js';
import type { MergedSpec, Sourced } from './merge.js';
import type {
  Alert,
  Attribute,
  AttributeUse,
  BucketSet,
  ContextEntry,
  LogEvent,
  Matcher,
  Metric,
  Model,
  ResourceAttribute,
  Schedule,
  Selector,
  Slo,
  Span,
} from './model.js';
import { prometheusName } from './names.js';
import type { RawAttributeRef, RawMatchers, RawSelector, Requirement } from './spec-types.js';

const DEFAULT_MAX_SERIES = 10000;

function sub(src: SourceRef, ...more: (string | number)[]): SourceRef {
  return { file: src.file, path: [...src.path, ...more] };
}

/** Index entries by a key, reporting duplicates with both places. */
function indexUnique<T>(
  items: readonly Sourced<T>[],
  key: (raw: T) => string,
  what: string,
  diags: Diagnostic[],
): Map<string, Sourced<T>> {
  const map = new Map<string, Sourced<T>>();
  for (const it of items) {
    const k = key(it.raw);
    const prev = map.get(k);
    if (prev) {
      const p = at(prev.src, 'error', 'unique-id', '');
      diags.push(at(it.src, 'error', 'unique-id', `${what} '${k}' is already defined at ${p.file}:${p.line}:${p.col}`));
    } else map.set(k, it);
  }
  return map;
}

/** Series one label contributes: enum members, 2 for bool, declared bound for strings; +1 when it may be absent. */
export function labelSize(use: AttributeUse): number {
  const a = use.attr;
  const base =
    a.type === 'enum' ? a.members.length : a.type === 'bool' ? 2 : a.type === 'string' ? (a.maxCardinality ?? Infinity) : Infinity;
  return use.requirement === 'required' ? base : base + 1;
}

/**
 * Builds the resolved model: follows every reference, applies defaults, and reports ids defined twice
 * and references that lead nowhere. Semantic rules on the result live in validate/.
 */
export function resolve(merged: MergedSpec, diags: Diagnostic[]): Model {
  const { lists } = merged;
  const missing = (src: SourceRef, what: string, name: string, hint = ''): void => {
    if (merged.incomplete || merged.dropped.has(name)) return; // its definition was already reported as broken
    diags.push(at(src, 'error', 'unresolved-ref', `${what} '${name}' is not defined${hint}`));
  };

  const attrIndex = indexUnique(lists.attributes, (r) => r.id, 'attribute', diags);
  const attributes: Attribute[] = [...attrIndex.values()].map(({ raw, src }) => {
    const seen = new Map<string, number>();
    (raw.members ?? []).forEach((m, i) => {
      const prev = seen.get(m.value);
      if (prev !== undefined)
        diags.push(at(sub(src, 'members', i, 'value'), 'error', 'unique-id', `enum member '${m.value}' of '${raw.id}' is listed twice (also member ${prev + 1})`));
      else seen.set(m.value, i);
    });
    return {
      id: raw.id,
      type: raw.type,
      brief: raw.brief,
      ...(raw.note !== undefined && { note: raw.note }),
      stability: raw.stability ?? 'development',
      ...(raw.unit !== undefined && { unit: raw.unit }),
      examples: raw.examples ?? [],
      members: [...new Map((raw.members ?? []).map((m) => [m.value, m])).values()].map((m) => ({
        value: m.value,
        brief: m.brief,
        stability: m.stability ?? raw.stability ?? 'development',
        ...(m.deprecated && { deprecated: m.deprecated }),
      })),
      ...(raw.max_cardinality !== undefined && { maxCardinality: raw.max_cardinality }),
      highCardinality: raw.high_cardinality ?? false,
      pii: raw.pii ?? false,
      secret: raw.secret ?? false,
      fingerprint: raw.fingerprint ?? false,
      ...(raw.deprecated && { deprecated: raw.deprecated }),
      src,
    };
  });
  const attrById = new Map(attributes.map((a) => [a.id, a]));

  const attr = (id: string, src: SourceRef): Attribute | undefined => {
    const a = attrById.get(id);
    if (!a) missing(src, 'attribute', id, suggest(id, attrById.keys()));
    return a;
  };

  const uses = (
    refs: readonly RawAttributeRef[] | undefined,
    src: SourceRef,
    key: string,
    defaultRequirement: Requirement,
    signal: string,
  ): AttributeUse[] => {
    const out: AttributeUse[] = [];
    const names = new Map<string, number>();
    (refs ?? []).forEach((r, i) => {
      const at_ = sub(src, key, i);
      const a = attr(r.ref, sub(at_, 'ref'));
      if (!a) return;
      const name = r.as ?? a.id;
      const prev = names.get(name);
      if (prev !== undefined) {
        diags.push(at(at_, 'error', 'duplicate-name', `'${name}' appears twice in ${signal} (also entry ${prev + 1}); give one of them another name with 'as'`));
        return;
      }
      names.set(name, i);
      out.push({
        attr: a,
        name,
        requirement: r.requirement ?? defaultRequirement,
        ...(r.condition !== undefined && { condition: r.condition }),
        brief: r.brief ?? a.brief,
        src: at_,
      });
    });
    return out;
  };

  const bucketIndex = indexUnique(lists.bucket_sets, (r) => r.id, 'bucket set', diags);
  const bucketSets: BucketSet[] = [...bucketIndex.values()].map(({ raw, src }) => ({ ...raw, src }));
  const bucketById = new Map(bucketSets.map((b) => [b.id, b]));

  const maxSeriesDefault = merged.limits.max_series_per_metric ?? DEFAULT_MAX_SERIES;
  const metricIndex = indexUnique(lists.metrics, (r) => r.name, 'metric', diags);
  const metrics: Metric[] = [...metricIndex.values()].map(({ raw, src }) => {
    const labels = uses(raw.labels, src, 'labels', 'required', `metric ${raw.name}`);
    let buckets: BucketSet | undefined;
    if (raw.buckets !== undefined) {
      buckets = bucketById.get(raw.buckets);
      if (!buckets) missing(sub(src, 'buckets'), 'bucket set', raw.buckets, suggest(raw.buckets, bucketById.keys()));
    }
    const perSeries = raw.instrument === 'histogram' && buckets ? buckets.boundaries.length + 3 : 1;
    const segments = raw.name.split('.');
    return {
      name: raw.name,
      subsystem: segments[1] ?? raw.name,
      short: segments.slice(2).join('_') || raw.name,
      instrument: raw.instrument,
      unit: raw.unit,
      brief: raw.brief,
      ...(raw.note !== undefined && { note: raw.note }),
      stability: raw.stability ?? 'development',
      labels,
      ...(buckets && { buckets }),
      maxSeries: raw.max_series ?? maxSeriesDefault,
      seriesEstimate: labels.reduce((n, l) => n * labelSize(l), 1) * perSeries,
      promName: prometheusName(raw.name, raw.instrument),
      ...(raw.deprecated && { deprecated: raw.deprecated }),
      src,
    };
  });
  const metricByName = new Map(metrics.map((m) => [m.name, m]));

  const spanIndex = indexUnique(lists.spans, (r) => r.name, 'span', diags);
  const spans: Span[] = [...spanIndex.values()].map(({ raw, src }) => ({
    name: raw.name,
    kind: raw.kind,
    brief: raw.brief,
    ...(raw.note !== undefined && { note: raw.note }),
    stability: raw.stability ?? 'development',
    attributes: uses(raw.attributes, src, 'attributes', 'recommended', `span ${raw.name}`),
    ...(raw.links && { links: raw.links }),
    alwaysSample: raw.always_sample ?? false,
    alwaysSampleWhen: Object.entries(raw.always_sample_when ?? {}).map(([name, values]) => ({ name, values })),
    ...(raw.deprecated && { deprecated: raw.deprecated }),
    src,
  }));

  const eventIndex = indexUnique(lists.events, (r) => r.name, 'log event', diags);
  const events: LogEvent[] = [...eventIndex.values()].map(({ raw, src }) => ({
    name: raw.name,
    level: raw.level,
    brief: raw.brief,
    ...(raw.note !== undefined && { note: raw.note }),
    stability: raw.stability ?? 'development',
    fields: uses(raw.fields, src, 'fields', 'recommended', `log event ${raw.name}`),
    ...(raw.deprecated && { deprecated: raw.deprecated }),
    src,
  }));

  const resourceIndex = indexUnique(lists.resource, (r) => r.ref, 'resource attribute', diags);
  const resource: ResourceAttribute[] = [];
  for (const { raw, src } of resourceIndex.values()) {
    const a = attr(raw.ref, sub(src, 'ref'));
    if (a)
      resource.push({
        attr: a,
        requirement: raw.requirement ?? 'recommended',
        ...(raw.env !== undefined && { env: raw.env }),
        ...(raw.default !== undefined && { default: raw.default }),
        ...(raw.metric_label !== undefined && { metricLabel: raw.metric_label }),
        src,
      });
  }

  const contextIndex = indexUnique(lists.context, (r) => r.ref, 'context entry', diags);
  const context: ContextEntry[] = [];
  for (const { raw, src } of contextIndex.values()) {
    const a = attr(raw.ref, sub(src, 'ref'));
    if (a) context.push({ attr: a, source: raw.source, onSpans: raw.on_spans ?? false, brief: raw.brief ?? a.brief, src });
  }

  const lb = merged.singletons.log_base;
  const logBase = (lb?.raw ?? []).flatMap((f, i) => {
    let a: Attribute | undefined;
    const fsrc = sub(lb!.src, i);
    if (f.from === 'resource' || f.from === 'context') {
      if (f.ref === undefined) {
        diags.push(at(fsrc, 'error', 'log-base', `base field '${f.field}' takes its value from ${f.from}: name the attribute with 'ref'`));
        return [];
      }
      const pool = f.from === 'resource' ? resource.map((r) => r.attr) : context.map((c) => c.attr);
      a = pool.find((p) => p.id === f.ref);
      if (!a) {
        diags.push(at(sub(fsrc, 'ref'), 'error', 'unresolved-ref', `base field '${f.field}' reads ${f.from} attribute '${f.ref}', which is not in the ${f.from} section`));
        return [];
      }
    }
    return [{ field: f.field, from: f.from, ...(a && { attr: a }), always: f.always ?? false, brief: f.brief ?? a?.brief ?? '' }];
  });

  const busRaw = merged.singletons.bus;
  const bus = busRaw && {
    logObject: busRaw.raw.log_object,
    headers: busRaw.raw.headers.flatMap((h, i) => {
      const a = attr(h.ref, sub(busRaw.src, 'headers', i, 'ref'));
      return a ? [{ attr: a, header: h.header, requirement: h.requirement ?? 'required', inLogObject: h.in_log_object ?? false }] : [];
    }),
  };

  const scheduleIndex = indexUnique(lists.schedules, (r) => r.id, 'schedule', diags);
  const schedules: Schedule[] = [...scheduleIndex.values()].map(({ raw, src }) => ({ ...raw, src }));
  const scheduleById = new Map(schedules.map((s) => [s.id, s]));

  const metricRef = (name: string, src: SourceRef): Metric | undefined => {
    const m = metricByName.get(name);
    if (!m) missing(src, 'metric', name, suggest(name, metricByName.keys()));
    return m;
  };
  const matchers = (raw: RawMatchers | undefined): Matcher[] =>
    Object.entries(raw ?? {}).map(([label, values]) => ({ label, values: values.map(String) }));
  const selector = (raw: RawSelector | undefined, src: SourceRef): Selector | undefined => {
    if (!raw) return undefined;
    const m = metricRef(raw.metric, sub(src, 'metric'));
    return m && { metric: m, matchers: matchers(raw.matchers) };
  };

  const alertIndex = indexUnique(lists.alerts, (r) => r.name, 'alert', diags);
  const alerts: Alert[] = [];
  for (const { raw, src } of alertIndex.values()) {
    const metric = metricRef(raw.metric, sub(src, 'metric'));
    const total = selector(raw.total, sub(src, 'total'));
    let during: Schedule | undefined;
    if (raw.during !== undefined) {
      during = scheduleById.get(raw.during);
      if (!during) missing(sub(src, 'during'), 'schedule', raw.during, suggest(raw.during, scheduleById.keys()));
    }
    if (!metric || (raw.total && !total) || (raw.during !== undefined && !during)) continue;
    alerts.push({
      name: raw.name,
      kind: raw.kind,
      metric,
      matchers: matchers(raw.matchers),
      ...(total && { total }),
      by: raw.by ?? [],
      ...(raw.quantile !== undefined && { quantile: raw.quantile }),
      op: raw.op ?? '>',
      ...(raw.threshold !== undefined && { threshold: raw.threshold }),
      ...(raw.factor !== undefined && { factor: raw.factor }),
      ...(raw.baseline_window !== undefined && { baselineWindow: raw.baseline_window }),
      ...(raw.window !== undefined && { window: raw.window }),
      for: raw.for ?? '0s',
      ...(during && { during }),
      severity: raw.severity,
      summary: raw.summary,
      description: raw.description,
      runbook: raw.runbook,
      labels: raw.labels ?? {},
      src,
    });
  }

  const sloIndex = indexUnique(lists.slos, (r) => r.name, 'SLO', diags);
  const slos: Slo[] = [];
  for (const { raw, src } of sloIndex.values()) {
    const s = raw.sli;
    const ssrc = sub(src, 'sli');
    let sli: Slo['sli'] | undefined;
    if (s.kind === 'latency') {
      if (s.metric === undefined || s.threshold === undefined) {
        diags.push(at(ssrc, 'error', 'slo-sli', `a latency SLI needs 'metric' (a histogram) and 'threshold' (a bucket boundary)`));
        continue;
      }
      const m = metricRef(s.metric, sub(ssrc, 'metric'));
      if (m) sli = { kind: 'latency', metric: m, matchers: matchers(s.matchers), threshold: s.threshold };
    } else {
      if ((s.good === undefined) === (s.bad === undefined) || s.total === undefined) {
        diags.push(at(ssrc, 'error', 'slo-sli', `a ratio SLI needs 'total' and exactly one of 'good' or 'bad'`));
        continue;
      }
      const good = selector(s.good, sub(ssrc, 'good'));
      const bad = selector(s.bad, sub(ssrc, 'bad'));
      const total = selector(s.total, sub(ssrc, 'total'));
      if (total && (good || bad)) sli = { kind: 'ratio', ...(good && { good }), ...(bad && { bad }), total };
    }
    if (sli) slos.push({ name: raw.name, brief: raw.brief, objective: raw.objective, period: raw.period, by: raw.by ?? [], runbook: raw.runbook, sli, src });
  }

  const sampling = merged.singletons.sampling?.raw;
  const redaction = merged.singletons.redaction?.raw;
  return {
    registry: {
      name: merged.manifest?.raw.name ?? 'unnamed',
      version: merged.manifest?.raw.version ?? '0.0.0',
      brief: merged.manifest?.raw.brief ?? '',
    },
    runtimeImport: merged.codegen.runtime_import ?? 'ampyobs/runtime',
    ...(merged.codegen.dashboards &&
      merged.codegenSrc && {
        dashboards: {
          dir: path.resolve(merged.codegenSrc.file.specDir, merged.codegen.dashboards),
          src: { file: merged.codegenSrc.file, path: [...merged.codegenSrc.path, 'dashboards'] },
        },
      }),
    maxSeriesPerMetric: maxSeriesDefault,
    attributes,
    bucketSets,
    resource,
    context,
    logBase,
    ...(bus && { bus }),
    metrics,
    spans,
    events,
    schedules,
    alerts,
    slos,
    ...(sampling && {
      sampling: {
        sampler: sampling.sampler,
        ratio: sampling.ratio,
        perEnv: sampling.per_env ?? {},
        ...(sampling.tail && {
          tail: {
            latencyThresholdMs: sampling.tail.latency_threshold_ms,
            keepErrors: sampling.tail.keep_errors,
            basePercentage: sampling.tail.base_percentage,
            decisionWait: sampling.tail.decision_wait,
          },
        }),
      },
    }),
    ...(redaction && {
      redaction: { replacement: redaction.replacement, keyPatterns: redaction.key_patterns, valuePatterns: redaction.value_patterns },
    }),
  };
}

/** ", did you mean 'x'?" for the closest known name, when one is close. */
export function suggest(name: string, known: Iterable<string>): string {
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    const d = editDistance(name, k);
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(name.length / 3)) ? `; did you mean '${best}'?` : '';
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}
