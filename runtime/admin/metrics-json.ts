import { DataPointType, type DataPoint, type Histogram, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { exemplarsOf, type PointExemplar } from '../exemplars/exemplar.js';

/** One series of GET /metrics/json. */
export interface JsonSeries {
  readonly labels: Readonly<Record<string, unknown>>;
  /** Counters, up-down counters and gauges. */
  readonly value?: number;
  /** Histograms: count, sum, min, max, and cumulative counts per upper bound (`+Inf` last). */
  readonly count?: number;
  readonly sum?: number;
  readonly min?: number;
  readonly max?: number;
  readonly buckets?: readonly { readonly le: string; readonly count: number }[];
  readonly exemplars?: readonly {
    readonly value: number;
    readonly time: string;
    readonly traceId: string;
    readonly spanId: string;
    readonly le?: string;
  }[];
}

/** One metric of GET /metrics/json. */
export interface JsonMetric {
  readonly name: string;
  readonly type: 'counter' | 'updowncounter' | 'gauge' | 'histogram' | 'exponential_histogram';
  readonly unit: string;
  readonly description: string;
  readonly scope: string;
  readonly series: readonly JsonSeries[];
}

function exemplars(list: readonly PointExemplar[], bounds?: readonly number[]): JsonSeries['exemplars'] {
  if (!list.length) return undefined;
  return list.map((e) => ({
    value: e.value,
    time: new Date(e.timeMs).toISOString(),
    traceId: e.traceId,
    spanId: e.spanId,
    ...(bounds && e.bucket !== undefined && { le: e.bucket < bounds.length ? String(bounds[e.bucket]) : '+Inf' }),
  }));
}

/** The current series of every metric as JSON: what a dashboard-less look at a running process needs. */
export function metricsJson(rm: ResourceMetrics): JsonMetric[] {
  return rm.scopeMetrics.flatMap((sm) =>
    sm.metrics.map((m): JsonMetric => {
      const base = {
        name: m.descriptor.name,
        unit: m.descriptor.unit,
        description: m.descriptor.description,
        scope: sm.scope.name,
      };
      if (m.dataPointType === DataPointType.HISTOGRAM)
        return {
          ...base,
          type: 'histogram',
          series: (m.dataPoints as DataPoint<Histogram>[]).map((dp) => {
            const h = dp.value;
            let n = 0;
            const ex = exemplars(exemplarsOf(dp), h.buckets.boundaries);
            return {
              labels: dp.attributes,
              count: h.count,
              ...(h.sum !== undefined && { sum: h.sum }),
              ...(h.min !== undefined && { min: h.min }),
              ...(h.max !== undefined && { max: h.max }),
              buckets: h.buckets.counts.map((c, i) => ({
                le: i < h.buckets.boundaries.length ? String(h.buckets.boundaries[i]) : '+Inf',
                count: (n += c),
              })),
              ...(ex && { exemplars: ex }),
            };
          }),
        };
      if (m.dataPointType === DataPointType.EXPONENTIAL_HISTOGRAM)
        return {
          ...base,
          type: 'exponential_histogram',
          series: m.dataPoints.map((dp) => ({
            labels: dp.attributes,
            count: dp.value.count,
            ...(dp.value.sum !== undefined && { sum: dp.value.sum }),
          })),
        };
      const type = m.dataPointType === DataPointType.GAUGE ? 'gauge' : m.isMonotonic ? 'counter' : 'updowncounter';
      return {
        ...base,
        type,
        series: (m.dataPoints as DataPoint<number>[]).map((dp) => {
          const ex = exemplars(exemplarsOf(dp));
          return { labels: dp.attributes, value: dp.value, ...(ex && { exemplars: ex }) };
        }),
      };
    }),
  );
}
