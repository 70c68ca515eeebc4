import { ValueType, type Attributes, type HrTime } from '@opentelemetry/api';
import { millisToHrTime } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  DataPointType,
  type CollectionResult,
  type DataPoint,
  type Histogram,
  type MetricData,
  type MetricProducer,
} from '@opentelemetry/sdk-metrics';
import { OVERFLOW_VALUE, SCOPE } from '../conventions/index.js';
import { invalidInput } from './hooks.js';
import type { MetricDescriptor } from './types.js';

/**
 * Pre-aggregation of a metric whose labels are all enums: every label set the spec allows has a dense
 * slot, computed from the label object with one map lookup per label, and values accumulate in typed
 * arrays. Nothing is allocated per call. The OpenTelemetry readers get the same points the SDK would
 * have produced, at collection time, through FastMetricProducer.
 */
export class FastMetric {
  readonly size: number;
  private readonly names: readonly string[];
  private readonly maps: readonly Map<unknown, number>[];
  /** Per label: its declared bound when it is a bounded string (values get indices on first sight). */
  private readonly bounded: readonly (number | undefined)[];
  private readonly strides: readonly number[];
  /** Per label, its values by index: members, then the overflow value; the last index means absent. */
  private readonly decode: readonly (string | undefined)[][];
  private readonly bounds: Float64Array;
  private readonly nBuckets: number;
  private readonly sums: Float64Array;
  private readonly counts: Float64Array;
  private readonly mins: Float64Array;
  private readonly maxs: Float64Array;
  private readonly buckets: Float64Array;
  private readonly touched: Uint8Array;
  private readonly attrs: (Attributes | undefined)[];

  constructor(readonly d: MetricDescriptor) {
    this.names = d.labels.map((l) => l.name);
    this.maps = d.labels.map((l) => new Map<unknown, number>((l.values ?? []).map((v, i) => [v, i])));
    this.bounded = d.labels.map((l) => (l.values ? undefined : l.maxValues));
    // Members (or room for the declared bound), then the overflow value, then "absent".
    this.decode = d.labels.map((l) => [...(l.values ?? new Array<string | undefined>(l.maxValues ?? 0).fill(undefined)), OVERFLOW_VALUE, undefined]);
    let size = 1;
    const strides: number[] = [];
    for (let i = d.labels.length - 1; i >= 0; i--) {
      strides[i] = size;
      size *= this.decode[i]!.length;
    }
    this.strides = strides;
    this.size = size;
    this.bounds = Float64Array.from(d.buckets ?? []);
    this.nBuckets = d.instrument === 'histogram' ? this.bounds.length + 1 : 0;
    this.sums = new Float64Array(size);
    this.counts = new Float64Array(size);
    this.mins = new Float64Array(size).fill(Infinity);
    this.maxs = new Float64Array(size).fill(-Infinity);
    this.buckets = new Float64Array(size * this.nBuckets);
    this.touched = new Uint8Array(size);
    this.attrs = new Array<Attributes | undefined>(size);
  }

  /** Whether a descriptor qualifies: every label an enum or a bounded string (what the spec allows). */
  static eligible(d: MetricDescriptor): boolean {
    return d.labels.every((l) => (l.values !== undefined && l.values.length > 0) || (l.maxValues !== undefined && l.maxValues <= 10_000));
  }

  /** The slot of a label object; values outside the spec go to the overflow value and are counted. */
  slot(labels: unknown): number {
    if (labels === undefined || labels === null) return this.absentSlot();
    if (typeof labels !== 'object') {
      invalidInput('invalid_label');
      return this.absentSlot();
    }
    const given = labels as Record<string, unknown>;
    let slot = 0;
    let seen = 0;
    for (let i = 0; i < this.names.length; i++) {
      const v = given[this.names[i]!];
      let idx: number;
      if (v === undefined) idx = this.decode[i]!.length - 1;
      else {
        seen++;
        const found = this.maps[i]!.get(v);
        if (found !== undefined) idx = found;
        else idx = this.assign(i, v);
      }
      slot += idx * this.strides[i]!;
    }
    // Keys the spec does not have (symbol, client ids…) are dropped, and counted like the SDK path does.
    let keys = 0;
    for (const k in given) if (Object.prototype.hasOwnProperty.call(given, k) && given[k] !== undefined) keys++;
    for (let n = keys - seen; n > 0; n--) invalidInput('invalid_label');
    return slot;
  }

  /**
   * A value not seen before: for a bounded string, the next free index until the declared bound is
   * reached (then the overflow value, counted); for an enum, always the overflow value, counted.
   */
  private assign(i: number, v: unknown): number {
    const overflow = this.decode[i]!.length - 2;
    const bound = this.bounded[i];
    if (bound !== undefined && (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')) {
      const text = String(v);
      const map = this.maps[i]!;
      const known = map.get(text);
      if (known !== undefined) {
        map.set(v, known);
        return known;
      }
      const next = this.assigned(i);
      if (next < bound) {
        map.set(text, next);
        if (v !== text) map.set(v, next);
        this.decode[i]![next] = text;
        return next;
      }
    }
    invalidInput('invalid_label');
    return overflow;
  }

  private readonly assignedCount: number[] = [];
  private assigned(i: number): number {
    const n = this.assignedCount[i] ?? 0;
    this.assignedCount[i] = n + 1;
    return n;
  }

  private absentSlot(): number {
    let slot = 0;
    for (let i = 0; i < this.names.length; i++) slot += (this.decode[i]!.length - 1) * this.strides[i]!;
    return slot;
  }

  /** Counter, up-down counter: add. */
  add(slot: number, value: number): void {
    this.sums[slot]! += value;
    this.touched[slot] = 1;
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
    this.buckets[slot * this.nBuckets + i]! += 1;
    this.sums[slot]! += value;
    this.counts[slot]! += 1;
    if (value < this.mins[slot]!) this.mins[slot] = value;
    if (value > this.maxs[slot]!) this.maxs[slot] = value;
    this.touched[slot] = 1;
  }

  private attributesOf(slot: number): Attributes {
    let a = this.attrs[slot];
    if (!a) {
      a = {};
      let rest = slot;
      for (let i = 0; i < this.names.length; i++) {
        const idx = Math.floor(rest / this.strides[i]!);
        rest -= idx * this.strides[i]!;
        const v = this.decode[i]![idx];
        if (v !== undefined) a[this.names[i]!] = v;
      }
      this.attrs[slot] = a;
    }
    return a;
  }

  /** The metric as the SDK would report it (cumulative), or undefined when nothing was recorded. */
  collect(startTime: HrTime, endTime: HrTime): MetricData | undefined {
    const descriptor = { name: this.d.name, description: this.d.description, unit: this.d.unit, valueType: ValueType.DOUBLE };
    const slots: number[] = [];
    for (let s = 0; s < this.size; s++) if (this.touched[s]) slots.push(s);
    if (!slots.length) return undefined;
    const base = { descriptor, aggregationTemporality: AggregationTemporality.CUMULATIVE };
    if (this.d.instrument === 'histogram') {
      const dataPoints: DataPoint<Histogram>[] = slots.map((s) => ({
        startTime,
        endTime,
        attributes: this.attributesOf(s),
        value: {
          buckets: { boundaries: [...this.bounds], counts: Array.from(this.buckets.subarray(s * this.nBuckets, (s + 1) * this.nBuckets)) },
          sum: this.sums[s]!,
          count: this.counts[s]!,
          min: this.mins[s]!,
          max: this.maxs[s]!,
        },
      }));
      return { ...base, dataPointType: DataPointType.HISTOGRAM, dataPoints };
    }
    const dataPoints: DataPoint<number>[] = slots.map((s) => ({ startTime, endTime, attributes: this.attributesOf(s), value: this.sums[s]! }));
    if (this.d.instrument === 'gauge') return { ...base, dataPointType: DataPointType.GAUGE, dataPoints };
    return { ...base, dataPointType: DataPointType.SUM, dataPoints, isMonotonic: this.d.instrument === 'counter' };
  }

  reset(): void {
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

/** Creates (and registers) the fast store of a descriptor, when it qualifies. */
export function fastMetricFor(d: MetricDescriptor): FastMetric | undefined {
  if (!FastMetric.eligible(d)) return undefined;
  const m = new FastMetric(d);
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
    return { resourceMetrics: { resource: this.resource, scopeMetrics: metrics.length ? [{ scope: { name: SCOPE.name, version: SCOPE.version }, metrics }] : [] }, errors: [] };
  }
}

/** Turns the fast path on (init) or off (shutdown); turning it on starts from empty stores. */
export function setFastPath(on: boolean): void {
  for (const m of registry) m.reset();
  active = on;
}
