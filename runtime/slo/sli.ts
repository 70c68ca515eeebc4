import {
  DataPointType,
  type DataPoint,
  type Histogram,
  type MetricData,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import type { SloDefinition, SloSelector } from './definition.js';

/** Cumulative events and errors of one group of an SLO (its `by` labels), since the process started. */
export interface SliCounts {
  readonly labels: Readonly<Record<string, string>>;
  readonly events: number;
  readonly errors: number;
}

function metricsNamed(rm: ResourceMetrics, name: string): MetricData[] {
  return rm.scopeMetrics.flatMap((s) => s.metrics.filter((m) => m.descriptor.name === name));
}

function matches(dp: DataPoint<unknown>, sel: SloSelector): boolean {
  return sel.matchers.every((m) => m.values.includes(String(dp.attributes[m.label] ?? '')));
}

function groupOf(dp: DataPoint<unknown>, by: readonly string[]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const b of by) labels[b] = String(dp.attributes[b] ?? '');
  return labels;
}

/** Sum of a counter's matching points per group. */
function counterSums(
  rm: ResourceMetrics,
  sel: SloSelector,
  by: readonly string[],
  into: Map<string, { labels: Record<string, string>; n: number }>,
): void {
  for (const m of metricsNamed(rm, sel.metric)) {
    if (m.dataPointType !== DataPointType.SUM) continue;
    for (const dp of m.dataPoints as DataPoint<number>[])
      if (matches(dp, sel)) {
        const labels = groupOf(dp, by);
        const key = JSON.stringify(labels);
        const g = into.get(key) ?? { labels, n: 0 };
        g.n += dp.value;
        into.set(key, g);
      }
  }
}

/**
 * The SLI's cumulative events and errors per group in a collection, the way the generated recording
 * rules count them: for a latency SLI the histogram's count and the count above the threshold bucket;
 * for a ratio SLI the total and the bad (or total minus good) counters.
 */
export function sliCounts(slo: SloDefinition, rm: ResourceMetrics): SliCounts[] {
  const sli = slo.sli;
  const out = new Map<string, { labels: Record<string, string>; events: number; errors: number }>();
  const at = (labels: Record<string, string>) => {
    const key = JSON.stringify(labels);
    let g = out.get(key);
    if (!g) out.set(key, (g = { labels, events: 0, errors: 0 }));
    return g;
  };
  if (sli.kind === 'latency') {
    for (const m of metricsNamed(rm, sli.metric)) {
      if (m.dataPointType !== DataPointType.HISTOGRAM) continue;
      for (const dp of m.dataPoints as DataPoint<Histogram>[]) {
        if (!matches(dp, sli)) continue;
        const { boundaries, counts } = dp.value.buckets;
        let good = 0;
        for (let i = 0; i < boundaries.length && boundaries[i]! <= sli.threshold; i++) good += counts[i] ?? 0;
        const g = at(groupOf(dp, slo.by));
        g.events += dp.value.count;
        g.errors += dp.value.count - good;
      }
    }
  } else {
    const total = new Map<string, { labels: Record<string, string>; n: number }>();
    counterSums(rm, sli.total, slo.by, total);
    const part = new Map<string, { labels: Record<string, string>; n: number }>();
    counterSums(rm, sli.bad ?? sli.good!, slo.by, part);
    for (const [key, t] of total) {
      const g = at(t.labels);
      const p = part.get(key)?.n ?? 0;
      g.events += t.n;
      g.errors += sli.bad ? p : t.n - p;
    }
  }
  return [...out.values()];
}
