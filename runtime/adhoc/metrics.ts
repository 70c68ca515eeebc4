// Ad-hoc metrics registered at run time, for what the spec lists no metric for yet: counter(),
// histogram() and gauge() with declared label keys, a cap on label sets and default buckets. They record
// under the ad-hoc instrumentation scope (the marker `ampyobs live-check` lists them by), and never
// throw once registered: a label that is not declared, a value that is not a number, or a label set past
// the cap is counted in ampy.obs.dropped instead.
import type { Attributes, Counter, Gauge, Histogram } from '@opentelemetry/api';
import { OVERFLOW_VALUE } from '../../conventions/index.js';
import { INSTRUMENTED_METRICS } from '../generated/instrumented-metrics.js';
import { selfMetrics, type AdhocKind } from '../generated/self-metrics.js';
import { invalidInput } from '../hooks.js';
import {
  metricNames,
  nameClash,
  NameRegistry,
  onSpecMetricDefined,
  specMetricHolding,
  type MetricNames,
} from '../metric-names.js';
import { adhocMeter, providerEpoch } from '../providers.js';
import { countAdhoc } from './count.js';

/** How an ad-hoc metric is declared. */
export interface AdhocMetricOptions<L extends string> {
  readonly description?: string;
  /** A UCUM unit: ms, s, By, 1, {request}… */
  readonly unit?: string;
  /** The label keys it may be recorded with; others are dropped (and counted). */
  readonly labels?: readonly L[];
  /** The most label sets it keeps (default 1000); later new sets are recorded with every label _other. */
  readonly maxSeries?: number;
  /** Histogram bucket boundaries; default by unit (ms and s: the spec's latency buckets; else OpenTelemetry's). */
  readonly buckets?: readonly number[];
}

/** The labels of one measurement: a value per declared key, any of them left out. */
export type AdhocLabels<L extends string> = Readonly<Partial<Record<L, string | number | boolean>>>;

export interface AdhocCounter<L extends string = never> {
  readonly name: string;
  /** Adds a non-negative amount. */
  add(value: number, labels?: AdhocLabels<L>): void;
}
export interface AdhocHistogram<L extends string = never> {
  readonly name: string;
  /** Records one non-negative observation. */
  record(value: number, labels?: AdhocLabels<L>): void;
}
export interface AdhocGauge<L extends string = never> {
  readonly name: string;
  /** Sets the current value. */
  set(value: number, labels?: AdhocLabels<L>): void;
}

/**
 * A registration that cannot be honoured: a bad name, label key, cap or buckets, options that cannot be
 * read, a conflicting earlier one, or a name (or Prometheus name) a spec metric or another ad-hoc one has.
 */
export class AdhocMetricError extends Error {
  constructor(message: string) {
    super(`ampyobs: ${message}`);
    this.name = 'AdhocMetricError';
  }
}

/** OpenTelemetry's instrument name syntax. */
const NAME = /^[A-Za-z][A-Za-z0-9_.\-/]{0,254}$/;
/** A Prometheus label name, not one the exporter, a scrape or the histogram sets. */
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const RESERVED_LABELS = new Set(['le', 'quantile', 'job', 'instance']);
const DEFAULT_MAX_SERIES = 1000;
const MAX_MAX_SERIES = 100_000;

/** Default buckets by unit: the spec's own duration buckets, so ad-hoc latencies line up with the spec's. */
function defaultBuckets(unit: string | undefined): readonly number[] | undefined {
  if (unit === 'ms') return selfMetrics.api.requestLatencyMs.descriptor.buckets;
  if (unit === 's') return INSTRUMENTED_METRICS.find((m) => m.name === 'http.server.request.duration')?.buckets;
  return undefined;
}

interface Definition {
  readonly kind: Exclude<AdhocKind, 'span' | 'log'>;
  readonly name: string;
  readonly description: string;
  readonly unit: string | undefined;
  readonly labels: readonly string[];
  readonly maxSeries: number;
  readonly buckets: readonly number[] | undefined;
}

/** An untyped value as an error message shows it, never throwing. */
function shown(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return `a value of type ${typeof v}`;
  }
}

/**
 * The registration's options checked, with defaults applied; throws AdhocMetricError naming what is
 * wrong, also for options plain JavaScript passes that cannot be read (a throwing getter, a Proxy).
 */
function define(kind: Definition['kind'], name: unknown, options: unknown): Definition {
  if (typeof name !== 'string' || !NAME.test(name))
    throw new AdhocMetricError(
      `ad-hoc ${kind} name ${shown(name)} is not a metric name (a letter, then up to 254 letters, digits, _ . - /)`,
    );
  const unreadable = new AdhocMetricError(
    `the options of ad-hoc ${kind} '${name}' cannot be read: give an object of description, unit, labels, maxSeries and buckets`,
  );
  if (typeof (options ?? {}) !== 'object') throw unreadable;
  try {
    return checked(kind, name, (options ?? {}) as AdhocMetricOptions<string>);
  } catch (e) {
    throw e instanceof AdhocMetricError ? e : unreadable;
  }
}

function checked(kind: Definition['kind'], name: string, o: AdhocMetricOptions<string>): Definition {
  if (o.unit !== undefined && typeof o.unit !== 'string')
    throw new AdhocMetricError(`unit of ad-hoc ${kind} '${name}' is ${shown(o.unit)}; give a UCUM unit as a string`);
  if (o.labels !== undefined && !Array.isArray(o.labels))
    throw new AdhocMetricError(
      `labels of ad-hoc ${kind} '${name}' is ${shown(o.labels)}; give an array of label names`,
    );
  const labels = [...(o.labels ?? [])];
  for (const l of labels)
    if (
      typeof l !== 'string' ||
      !LABEL.test(l) ||
      RESERVED_LABELS.has(l) ||
      l.startsWith('__') ||
      l.startsWith('otel_scope_')
    )
      throw new AdhocMetricError(
        `label ${shown(l)} of ad-hoc ${kind} '${name}' is not a label name Prometheus keeps (letters, digits and _, not le, quantile, job, instance, __… or otel_scope_…)`,
      );
  if (new Set(labels).size !== labels.length)
    throw new AdhocMetricError(`ad-hoc ${kind} '${name}' declares a label twice: ${labels.join(', ')}`);
  const maxSeries = o.maxSeries ?? DEFAULT_MAX_SERIES;
  if (!Number.isInteger(maxSeries) || maxSeries < 1 || maxSeries > MAX_MAX_SERIES)
    throw new AdhocMetricError(
      `maxSeries of ad-hoc ${kind} '${name}' is ${shown(maxSeries)}; give a whole number from 1 to ${MAX_MAX_SERIES}`,
    );
  if (o.buckets !== undefined && kind !== 'histogram')
    throw new AdhocMetricError(`buckets are for histograms; '${name}' is a ${kind}`);
  const buckets = o.buckets ? [...o.buckets] : defaultBuckets(o.unit);
  if (
    buckets &&
    (buckets.length === 0 ||
      buckets.some((b, i) => typeof b !== 'number' || !Number.isFinite(b) || (i > 0 && !(b > buckets[i - 1]!))))
  )
    throw new AdhocMetricError(
      `buckets of ad-hoc histogram '${name}' must be finite numbers in strictly increasing order`,
    );
  return { kind, name, description: String(o.description ?? ''), unit: o.unit, labels, maxSeries, buckets };
}

/** A registration: its names, its definition, its metric, and whether a spec metric took its name since. */
interface Registration extends MetricNames {
  readonly definition: Definition;
  metric: unknown;
  refused: boolean;
}

const registered = new NameRegistry<Registration>();
const RENAME = "give this one another name, or record the spec's metric instead";

/**
 * The same registration again gives the same metric; one that would share a name (or the Prometheus
 * name) with a spec metric, or with another ad-hoc one, is refused.
 */
function register<M>(d: Definition, make: (d: Definition, registration: Registration) => M): M {
  const names = metricNames(d.name, d.kind);
  const what = `ad-hoc ${d.kind}`;
  const spec = specMetricHolding(names);
  if (spec) throw new AdhocMetricError(`${nameClash(what, names, "the spec's", spec)}; ${RENAME}`);
  const prev = registered.holder(names);
  if (prev && prev.name !== d.name)
    throw new AdhocMetricError(
      `${nameClash(what, names, 'the ad-hoc', prev)}; register that one again, or give this one another name`,
    );
  if (prev) {
    const a = prev.definition;
    if (
      a.kind !== d.kind ||
      a.labels.join() !== d.labels.join() ||
      a.unit !== d.unit ||
      a.maxSeries !== d.maxSeries ||
      a.buckets?.join() !== d.buckets?.join()
    )
      throw new AdhocMetricError(
        `ad-hoc metric '${d.name}' is already registered as a ${a.kind} with labels [${a.labels.join(', ')}]${a.unit ? ` in ${a.unit}` : ''}; register it again the same way, or give this one another name`,
      );
    return prev.metric as M;
  }
  const registration: Registration = { ...names, definition: d, metric: undefined, refused: false };
  const metric = make(d, registration);
  registration.metric = metric;
  registered.add(registration);
  return metric;
}

// A spec metric defined after an ad-hoc one took its name (the service's generated helpers imported
// after the registration): recording both would describe one Prometheus family twice, and Prometheus
// would reject every scrape of the service. The ad-hoc one stops, and says so once.
onSpecMetricDefined((spec) => {
  const r = registered.holder(spec);
  if (!r || r.refused) return;
  r.refused = true;
  try {
    process.stderr.write(
      `ampyobs: ${nameClash(`ad-hoc ${r.instrument}`, r, "the spec's", spec)}; it was registered before the spec's helpers were imported, and is no longer recorded: ${RENAME} (README, "The escape hatch")\n`,
    );
  } catch {
    // Saying so must not be what throws.
  }
});

/**
 * The longest label value kept; a longer one is recorded as OVERFLOW_VALUE and counted. Each label set is
 * held in memory (up to maxSeries of them) and on every export and scrape.
 */
export const MAX_LABEL_VALUE = 1024;

/** Records into an SDK instrument of the ad-hoc meter, created again whenever init() changes providers. */
function recorder(d: Definition, registration: Registration): (value: number, labels: unknown) => void {
  let epoch = -1;
  let inst: Counter | Histogram | Gauge | undefined;
  const sets = new Map<string, Attributes>();
  const overflow: Attributes = Object.fromEntries(d.labels.map((l) => [l, OVERFLOW_VALUE]));
  const declared = new Set(d.labels);
  const attributesOf = (labels: unknown): Attributes => {
    if (labels === undefined) return sets.get('') ?? remember('', {});
    // null or a non-object from untyped code: no label can be read, so none is recorded, and it is counted.
    if (labels === null || typeof labels !== 'object') {
      invalidInput('invalid_label');
      return sets.get('') ?? remember('', {});
    }
    let key = '';
    let unknown = 0;
    for (const k of Object.keys(labels))
      if (!declared.has(k) && (labels as Record<string, unknown>)[k] !== undefined) unknown++;
    for (let n = unknown; n > 0; n--) invalidInput('invalid_label');
    const values: (string | undefined)[] = [];
    for (const l of d.labels) {
      const v = (labels as Record<string, unknown>)[l];
      let text = typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
      if (v !== undefined && text === undefined) invalidInput('invalid_label');
      else if (text !== undefined && text.length > MAX_LABEL_VALUE) {
        invalidInput('invalid_label');
        text = OVERFLOW_VALUE;
      }
      values.push(text);
      key += `${text === undefined ? '\u0001' : text}\u0000`;
    }
    const known = sets.get(key);
    if (known) return known;
    if (sets.size >= d.maxSeries) {
      // Past the cap every new label set shares one series: the cap holds, and the excess is counted.
      invalidInput('invalid_label');
      return overflow;
    }
    const a: Attributes = {};
    d.labels.forEach((l, i) => {
      if (values[i] !== undefined) a[l] = values[i];
    });
    return remember(key, a);
  };
  const remember = (key: string, a: Attributes): Attributes => {
    sets.set(key, a);
    return a;
  };
  const monotonic = d.kind !== 'gauge';
  return (value, labels) => {
    if (registration.refused) return;
    try {
      if (typeof value !== 'number' || !Number.isFinite(value) || (monotonic && value < 0)) {
        invalidInput('invalid_value');
        return;
      }
      if (epoch !== providerEpoch() || !inst) {
        const m = adhocMeter();
        const opts = { description: d.description, ...(d.unit !== undefined && { unit: d.unit }) };
        inst =
          d.kind === 'counter'
            ? m.createCounter(d.name, opts)
            : d.kind === 'gauge'
              ? m.createGauge(d.name, opts)
              : m.createHistogram(d.name, {
                  ...opts,
                  ...(d.buckets && { advice: { explicitBucketBoundaries: [...d.buckets] } }),
                });
        epoch = providerEpoch();
      }
      const attrs = attributesOf(labels);
      if ('add' in inst) inst.add(value, attrs);
      else if ('record' in inst) inst.record(value, attrs);
      countAdhoc(d.kind);
    } catch {
      // Labels from untyped code (a throwing getter or Proxy): not recorded, and counted.
      invalidInput('invalid_label');
    }
  };
}

/**
 * An ad-hoc counter, registered at run time (the same registration again returns it). For what the
 * spec does not list yet: `ampyobs live-check` lists it as a candidate for a metric of the spec.
 *
 * @example
 * ```ts
 * const retries = counter('quotes.retries', { unit: '{retry}', labels: ['venue'] });
 * retries.add(1, { venue: 'xnas' });
 * ```
 */
export function counter<L extends string = never>(name: string, options?: AdhocMetricOptions<L>): AdhocCounter<L> {
  return register(define('counter', name, options), (d, r) => {
    const rec = recorder(d, r);
    return { name: d.name, add: (v: number, l?: AdhocLabels<L>) => rec(v, l) };
  });
}

/** An ad-hoc histogram (buckets by unit unless given); see counter(). */
export function histogram<L extends string = never>(name: string, options?: AdhocMetricOptions<L>): AdhocHistogram<L> {
  return register(define('histogram', name, options), (d, r) => {
    const rec = recorder(d, r);
    return { name: d.name, record: (v: number, l?: AdhocLabels<L>) => rec(v, l) };
  });
}

/** An ad-hoc gauge: the last value set per label set is exported; see counter(). */
export function gauge<L extends string = never>(name: string, options?: AdhocMetricOptions<L>): AdhocGauge<L> {
  return register(define('gauge', name, options), (d, r) => {
    const rec = recorder(d, r);
    return { name: d.name, set: (v: number, l?: AdhocLabels<L>) => rec(v, l) };
  });
}
