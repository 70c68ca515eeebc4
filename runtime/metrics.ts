import type { Counter, Gauge, Histogram, UpDownCounter } from '@opentelemetry/api';
import { fastMetricFor, fastPathActive } from './fast-metrics.js';
import { invalidInput } from './hooks.js';
import { LabelIndex } from './label-index.js';
import { noteSpecMetric } from './metric-names.js';
import { meter, providerEpoch } from './providers.js';
import type { MetricDescriptor } from './types.js';

/** A monotonic counter helper; labels are checked at compile time by the generated type `L`. */
export interface CounterHelper<L> {
  /** Adds a non-negative amount. */
  add(value: number, labels: L): void;
  readonly descriptor: MetricDescriptor;
}
/** A counter that may go down. */
export interface UpDownCounterHelper<L> {
  /** Adds a positive or negative amount. */
  add(value: number, labels: L): void;
  readonly descriptor: MetricDescriptor;
}
/** A histogram helper with the spec's bucket boundaries. */
export interface HistogramHelper<L> {
  /** Records one observation. */
  record(value: number, labels: L): void;
  readonly descriptor: MetricDescriptor;
}
/** A gauge helper: the last value set per label set is exported. */
export interface GaugeHelper<L> {
  /** Sets the current value. */
  set(value: number, labels: L): void;
  readonly descriptor: MetricDescriptor;
}

type AnyInstrument = Counter | UpDownCounter | Histogram | Gauge;

function create(d: MetricDescriptor): AnyInstrument {
  const m = meter();
  const opts = { description: d.description, unit: d.unit };
  switch (d.instrument) {
    case 'counter':
      return m.createCounter(d.name, opts);
    case 'updowncounter':
      return m.createUpDownCounter(d.name, opts);
    case 'gauge':
      return m.createGauge(d.name, opts);
    case 'histogram':
      return m.createHistogram(d.name, {
        ...opts,
        ...(d.buckets && { advice: { explicitBucketBoundaries: [...d.buckets] } }),
      });
  }
}

/**
 * Binds a generated metric helper to an OpenTelemetry instrument. The instrument is created on first
 * use and again after providers change, so helpers declared at import time work once init runs.
 */
function bind(d: MetricDescriptor): (value: number, labels: unknown) => void {
  noteSpecMetric(d.name, d.instrument);
  let epoch = -1;
  let inst: AnyInstrument | undefined;
  // One index of the metric's labels serves both paths, so they repair and count the same way.
  const labelIndex = new LabelIndex(d);
  const monotonic = d.instrument === 'counter' || d.instrument === 'histogram';
  const fast = fastMetricFor(d, labelIndex);
  return (value, labels) => {
    try {
      if (typeof value !== 'number' || !Number.isFinite(value) || (monotonic && value < 0)) {
        invalidInput('invalid_value');
        return;
      }
      // Metrics whose labels are all bounded aggregate in preallocated arrays; readers collect them
      // through the producer.
      if (fast && fastPathActive()) {
        const slot = labelIndex.slot(labels);
        if (d.instrument === 'histogram') fast.record(slot, value);
        else if (d.instrument === 'gauge') fast.set(slot, value);
        else fast.add(slot, value);
        return;
      }
      if (epoch !== providerEpoch() || !inst) {
        inst = create(d);
        epoch = providerEpoch();
      }
      const attrs = labelIndex.attributes(labels);
      if ('add' in inst) inst.add(value, attrs);
      else if ('record' in inst) inst.record(value, attrs);
    } catch {
      // A telemetry call must never throw into application code. Only labels from untyped code throw
      // here (a throwing getter or Proxy): the point is not recorded, and counted.
      invalidInput('invalid_label');
    }
  };
}

/** Defines a counter helper from its spec descriptor (called by generated code). */
export function defineCounter<L>(d: MetricDescriptor): CounterHelper<L> {
  const emit = bind(d);
  return { descriptor: d, add: (v, l) => emit(v, l) };
}
/** Defines an up-down counter helper from its spec descriptor (called by generated code). */
export function defineUpDownCounter<L>(d: MetricDescriptor): UpDownCounterHelper<L> {
  const emit = bind(d);
  return { descriptor: d, add: (v, l) => emit(v, l) };
}
/** Defines a histogram helper from its spec descriptor (called by generated code). */
export function defineHistogram<L>(d: MetricDescriptor): HistogramHelper<L> {
  const emit = bind(d);
  return { descriptor: d, record: (v, l) => emit(v, l) };
}
/** Defines a gauge helper from its spec descriptor (called by generated code). */
export function defineGauge<L>(d: MetricDescriptor): GaugeHelper<L> {
  const emit = bind(d);
  return { descriptor: d, set: (v, l) => emit(v, l) };
}
