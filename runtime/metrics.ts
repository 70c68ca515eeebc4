import type { Attributes, Counter, Gauge, Histogram, UpDownCounter } from '@opentelemetry/api';
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
  let epoch = -1;
  let inst: AnyInstrument | undefined;
  return (value, labels) => {
    try {
      if (epoch !== providerEpoch() || !inst) {
        inst = create(d);
        epoch = providerEpoch();
      }
      if ('add' in inst) inst.add(value, labels as Attributes);
      else if ('record' in inst) inst.record(value, labels as Attributes);
    } catch {
      // A telemetry call must never throw into application code.
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
