// Bucket sets and metrics: labels resolved to attributes, budgets and the names Prometheus exposes.
import type { Diagnostic } from '../diagnostics.js';
import type { MergedSpec } from '../merge.js';
import type { AttributeUse, BucketSet, Metric, RenamedMetric } from '../model.js';
import { prometheusName } from '../names.js';
import type { AttributeRefs } from './attributes.js';
import { indexUnique, sub, type Missing } from './refs.js';
import { suggest } from '../suggest.js';

const DEFAULT_MAX_SERIES = 10000;

/** The series budget of a metric that declares none. */
export function defaultMaxSeries(merged: MergedSpec): number {
  return merged.limits.max_series_per_metric ?? DEFAULT_MAX_SERIES;
}

/**
 * The key a label has on OTLP: its name, except for a metric recorded by instrumentation, which sends
 * the attribute id (Prometheus shows it as the name).
 */
export function labelKey(m: Pick<Metric, 'recordedBy'>, l: AttributeUse): string {
  return m.recordedBy ? l.attr.id : l.name;
}

/** The values a label may take, as the runtime and emit descriptors state them: an enum's members, and a bound for bounded strings, ints and bools. */
export function labelBound(l: AttributeUse): { values?: string[]; maxValues?: number } {
  return {
    ...(l.attr.type === 'enum' && { values: l.attr.members.map((x) => x.value) }),
    ...(l.attr.maxCardinality !== undefined
      ? { maxValues: l.attr.maxCardinality }
      : l.attr.type === 'bool'
        ? { maxValues: 2 }
        : {}),
  };
}

/** Series one label contributes: enum members, 2 for bool, declared bound for strings and ints; +1 when it may be absent. */
export function labelSize(use: AttributeUse): number {
  const a = use.attr;
  const base =
    a.type === 'enum'
      ? a.members.length
      : a.type === 'bool'
        ? 2
        : a.type === 'string' || a.type === 'int'
          ? (a.maxCardinality ?? Infinity)
          : Infinity;
  return use.requirement === 'required' ? base : base + 1;
}

export function resolveBucketSets(merged: MergedSpec, diags: Diagnostic[]): BucketSet[] {
  const bucketIndex = indexUnique(merged.lists.bucket_sets, (r) => r.id, 'bucket set', diags);
  return [...bucketIndex.values()].map(({ raw, src }) => ({ ...raw, src }));
}

export function resolveMetrics(
  merged: MergedSpec,
  bucketSets: readonly BucketSet[],
  refs: AttributeRefs,
  missing: Missing,
  diags: Diagnostic[],
): Metric[] {
  const bucketById = new Map(bucketSets.map((b) => [b.id, b]));
  const maxSeriesDefault = defaultMaxSeries(merged);
  const metricIndex = indexUnique(merged.lists.metrics, (r) => r.name, 'metric', diags);
  return [...metricIndex.values()].map(({ raw, src }) => {
    const labels = refs.uses(raw.labels, src, 'labels', 'required', `metric ${raw.name}`);
    let buckets: BucketSet | undefined;
    if (raw.buckets !== undefined) {
      buckets = bucketById.get(raw.buckets);
      if (!buckets) missing(sub(src, 'buckets'), 'bucket set', raw.buckets, suggest(raw.buckets, bucketById.keys()));
    }
    const perSeries = raw.instrument === 'histogram' && buckets ? buckets.boundaries.length + 3 : 1;
    const segments = raw.name.split('.');
    // ampy.<subsystem>.<name>; an OpenTelemetry convention name groups by its first segment (http, db).
    const first = raw.recorded_by ? 0 : 1;
    return {
      name: raw.name,
      subsystem: segments[first] ?? raw.name,
      short: segments.slice(first + 1).join('_') || raw.name,
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
      ...(raw.recorded_by && { recordedBy: raw.recorded_by }),
      src,
    };
  });
}

/**
 * Metrics renamed with `deprecated.renamed_to` leave the emitted metrics: the name they point to, which
 * must be a metric that is not renamed itself, carries their data from now on.
 */
export function splitRenamed(
  all: readonly Metric[],
  missing: Missing,
): { metrics: Metric[]; renamedMetrics: RenamedMetric[] } {
  const live = all.filter((m) => m.deprecated?.renamed_to === undefined);
  const byName = new Map(live.map((m) => [m.name, m]));
  const renamedMetrics: RenamedMetric[] = [];
  for (const from of all) {
    const target = from.deprecated?.renamed_to;
    if (target === undefined) continue;
    const to = byName.get(target);
    if (!to) {
      const hint = all.some((m) => m.name === target)
        ? `; '${target}' is renamed itself: point at the name it is renamed to`
        : suggest(target, byName.keys());
      missing(sub(from.src, 'deprecated', 'renamed_to'), 'metric', target, hint);
      continue;
    }
    renamedMetrics.push({
      from,
      to,
      ...(from.deprecated?.until !== undefined && { until: from.deprecated.until }),
      note: from.deprecated?.note ?? '',
    });
  }
  return { metrics: live, renamedMetrics };
}
