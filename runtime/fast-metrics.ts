import { ValueType, type HrTime } from '@opentelemetry/api';
import { millisToHrTime } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  DataPointType,
  type CollectionResult,
  type Histogram,
  type MetricData,
  type MetricProducer,
} from '@opentelemetry/sdk-metrics';
import { SCOPE } from '../conventions/index.js';
import {
  exemplarsEnabled,
  sampledSpanContext,
  type ExemplarDataPoint,
  type PointExemplar,
} from './exemplars/exemplar.js';
import { ExemplarStore } from './exemplars/store.js';
import type { LabelIndex } from './label-index.js';
import type { MetricDescriptor } from './types.js';

/**
 * Pre-aggregation of a metric whose labels are all bounded (enums, and strings with a declared bound):
 * every label set has a dense slot, numbered by the metric's LabelIndex with one map lookup per label,
 * and values accumulate in typed arrays. Nothing is allocated per call. The OpenTelemetry readers get the
 * same points the SDK would have produced, at collection time, through FastMetricProducer.
 */
export class FastMetric {
  readonly size: number;
  private readonly bounds: Float64Array;
  private readonly nBuckets: number;
  private readonly sums: Float64Array;
  private readonly counts: Float64Array;
  private readonly mins: Float64Array;
  private readonly maxs: Float64Array;
  private readonly buckets: Float64Array;
  private readonly touched: Uint8Array;
  /** Exemplars of counters and histograms while they are on (see runtime/exemplars/). */
  private exemplars: ExemplarStore | undefined;

  constructor(
    readonly d: MetricDescriptor,
    private readonly labels: LabelIndex,
  ) {
    const size = labels.size;
    this.size = size;
    this.bounds = Float64Array.from(d.buckets ?? []);
    this.nBuckets = d.instrument === 'histogram' ? this.bounds.length + 1 : 0;
    this.sums = new Float64Array(size);
    this.counts = new Float64Array(size);
    this.mins = new Float64Array(size).fill(Infinity);
    this.maxs = new Float64Array(size).fill(-Infinity);
    this.buckets = new Float64Array(size * this.nBuckets);
    this.touched = new Uint8Array(size);
    this.keepExemplars(exemplarsEnabled());
  }

  /** Starts (or stops) keeping exemplars: one per series of a counter, one per bucket of a histogram. */
  keepExemplars(on: boolean): void {
    const kind = this.d.instrument;
    this.exemplars =
      on && (kind === 'counter' || kind === 'histogram')
        ? (this.exemplars ?? new ExemplarStore(kind === 'histogram' ? this.size * this.nBuckets : this.size))
        : undefined;
  }

  /** Counter, up-down counter: add. */
  add(slot: number, value: number): void {
    this.sums[slot]! += value;
    this.touched[slot] = 1;
    const ex = this.exemplars;
    if (ex !== undefined) {
      const sc = sampledSpanContext();
      if (sc !== undefined) ex.offer(slot, value, sc);
    }
  }

  /** Gauge: last value wins. */
  set(slot: number, value: number): void {
    this.sums[slot] = value;
    this.touched[slot] = 1;
  }

  /** Histogram: bucket (upper bound inclusive), sum, count, min, max. */
  record(slot: number, value: number): void {
    const b = this.bounds;
    let i = 0;
    while (i < b.length && value > b[i]!) i++;
    const place = slot * this.nBuckets + i;
    this.buckets[place]! += 1;
    this.sums[slot]! += value;
    this.counts[slot]! += 1;
    if (value < this.mins[slot]!) this.mins[slot] = value;
    if (value > this.maxs[slot]!) this.maxs[slot] = value;
    this.touched[slot] = 1;
    const ex = this.exemplars;
    if (ex !== undefined) {
      const sc = sampledSpanContext();
      if (sc !== undefined) ex.offer(place, value, sc);
    }
  }

  /** The exemplars of a series, bucket by bucket for a histogram. */
  private exemplarsAt(slot: number): readonly PointExemplar[] | undefined {
    const ex = this.exemplars;
    if (ex === undefined) return undefined;
    if (this.nBuckets === 0) {
      const e = ex.at(slot);
      return e && [e];
    }
    const out: PointExemplar[] = [];
    for (let b = 0; b < this.nBuckets; b++) {
      const e = ex.at(slot * this.nBuckets + b, b);
      if (e) out.push(e);
    }
    return out.length ? out : undefined;
  }

  /** The metric as the SDK would report it (cumulative), or undefined when nothing was recorded. */
  collect(startTime: HrTime, endTime: HrTime): MetricData | undefined {
    const descriptor = {
      name: this.d.name,
      description: this.d.description,
      unit: this.d.unit,
      valueType: ValueType.DOUBLE,
    };
    const slots: number[] = [];
    for (let s = 0; s < this.size; s++) if (this.touched[s]) slots.push(s);
    if (!slots.length) return undefined;
    const base = { descriptor, aggregationTemporality: AggregationTemporality.CUMULATIVE };
    if (this.d.instrument === 'histogram') {
      const dataPoints: ExemplarDataPoint<Histogram>[] = slots.map((s) => ({
        ...this.exemplarField(s),
        startTime,
        endTime,
        attributes: this.labels.slotAttributesOf(s),
        value: {
          buckets: {
            boundaries: [...this.bounds],
            counts: Array.from(this.buckets.subarray(s * this.nBuckets, (s + 1) * this.nBuckets)),
          },
          sum: this.sums[s]!,
          count: this.counts[s]!,
          min: this.mins[s]!,
          max: this.maxs[s]!,
        },
      }));
      return { ...base, dataPointType: DataPointType.HISTOGRAM, dataPoints };
    }
    const dataPoints: ExemplarDataPoint<number>[] = slots.map((s) => ({
      ...this.exemplarField(s),
      startTime,
      endTime,
      attributes: this.labels.slotAttributesOf(s),
      value: this.sums[s]!,
    }));
    if (this.d.instrument === 'gauge') return { ...base, dataPointType: DataPointType.GAUGE, dataPoints };
    return { ...base, dataPointType: DataPointType.SUM, dataPoints, isMonotonic: this.d.instrument === 'counter' };
  }

  private exemplarField(slot: number): { exemplars?: readonly PointExemplar[] } {
    const exemplars = this.exemplarsAt(slot);
    return exemplars ? { exemplars } : {};
  }

  reset(): void {
    this.exemplars?.clear();
    this.sums.fill(0);
    this.counts.fill(0);
    this.mins.fill(Infinity);
    this.maxs.fill(-Infinity);
    this.buckets.fill(0);
    this.touched.fill(0);
  }
}

const registry: FastMetric[] = [];
let active = false;

/** Creates (and registers) the fast store of a descriptor, when its labels are all bounded. */
export function fastMetricFor(d: MetricDescriptor, labels: LabelIndex): FastMetric | undefined {
  if (!labels.dense) return undefined;
  const m = new FastMetric(d, labels);
  registry.push(m);
  return m;
}

/** Whether helpers record into the fast stores (init turns it on together with the producer). */
export function fastPathActive(): boolean {
  return active;
}

/**
 * Hands the fast stores' data to OpenTelemetry readers at collection time (pass it as a reader's
 * metricProducers): every exporter and the Prometheus endpoint see the points the SDK path would produce.
 */
export class FastMetricProducer implements MetricProducer {
  private readonly startTime: HrTime = millisToHrTime(Date.now());
  constructor(private readonly resource: Resource) {}

  async collect(): Promise<CollectionResult> {
    const now = millisToHrTime(Date.now());
    const metrics = registry.map((m) => m.collect(this.startTime, now)).filter((x): x is MetricData => x !== undefined);
    return {
      resourceMetrics: {
        resource: this.resource,
        scopeMetrics: metrics.length ? [{ scope: { name: SCOPE.name, version: SCOPE.version }, metrics }] : [],
      },
      errors: [],
    };
  }
}

/**
 * Turns the fast path on (init) or off (shutdown); turning it on starts from empty stores. Exemplars are
 * kept while the exemplar source is set (runtime/exemplars/exemplar.ts).
 */
export function setFastPath(on: boolean): void {
  for (const m of registry) {
    m.reset();
    m.keepExemplars(on && exemplarsEnabled());
  }
  active = on;
}
