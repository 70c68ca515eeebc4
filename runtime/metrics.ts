import type { Attributes, Counter, Gauge, Histogram, UpDownCounter } from '@opentelemetry/api';
import { OVERFLOW_VALUE } from '../conventions/index.js';
import { fastMetricFor, fastPathActive } from './fast-metrics.js';
import { invalidInput } from './hooks.js';
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
 * Holds one call to the spec, whatever an untyped caller passed: unknown keys are dropped, an enum value
 * outside its members or a bounded string past its declared number of values becomes OVERFLOW_VALUE,
 * and each such repair is counted. Typed callers always pass the fast check.
 */
function labelGuard(d: MetricDescriptor): (labels: unknown) => Attributes {
  const specs = d.labels.map((l) => ({
    name: l.name,
    values: l.values ? new Set<unknown>(l.values) : undefined,
    max: l.maxValues,
    seen: new Set<string>(),
  }));
  const names = new Set(d.labels.map((l) => l.name));
  return (labels) => {
    const out: Attributes = {};
    if (labels === undefined || labels === null || typeof labels !== 'object') {
      if (labels !== undefined && labels !== null) invalidInput('invalid_label');
      return out;
    }
    const given = labels as Record<string, unknown>;
    for (const s of specs) {
      const v = given[s.name];
      if (v === undefined) continue;
      if (s.values) {
        if (s.values.has(v)) out[s.name] = v as string;
        else {
          out[s.name] = OVERFLOW_VALUE;
          invalidInput('invalid_label');
        }
      } else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
        const text = String(v);
        if (s.max !== undefined && !s.seen.has(text)) {
          if (s.seen.size >= s.max) {
            out[s.name] = OVERFLOW_VALUE;
            invalidInput('invalid_label');
            continue;
          }
          s.seen.add(text);
        }
        out[s.name] = text;
      } else {
        out[s.name] = OVERFLOW_VALUE;
        invalidInput('invalid_label');
      }
    }
    for (const k of Object.keys(given)) if (!names.has(k)) invalidInput('invalid_label');
    return out;
  };
}

/**
 * Binds a generated metric helper to an OpenTelemetry instrument. The instrument is created on first
 * use and again after providers change, so helpers declared at import time work once init runs.
 */
function bind(d: MetricDescriptor): (value: number, labels: unknown) => void {
  let epoch = -1;
  let inst: AnyInstrument | undefined;
  const guard = labelGuard(d);
  const monotonic = d.instrument === 'counter' || d.instrument === 'histogram';
  const fast = fastMetricFor(d);
  return (value, labels) => {
    try {
      if (typeof value !== 'number' || !Number.isFinite(value) || (monotonic && value < 0)) {
        invalidInput('invalid_value');
        return;
      }
      // Enum-only metrics aggregate in preallocated arrays; readers collect them through the producer.
      if (fast && fastPathActive()) {
        const slot = fast.slot(labels);
        if (d.instrument === 'histogram') fast.record(slot, value);
        else if (d.instrument === 'gauge') fast.set(slot, value);
        else fast.add(slot, value);
        return;
      }
      if (epoch !== providerEpoch() || !inst) {
        inst = create(d);
        epoch = providerEpoch();
      }
      const attrs = guard(labels);
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
