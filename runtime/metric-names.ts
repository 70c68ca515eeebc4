// The names a metric is known by, and the spec metrics this process records, so that the escape hatch
// can refuse an ad-hoc metric that would share one (README, "The escape hatch"). Two metrics under one
// OpenTelemetry name (compared without case, as OpenTelemetry compares instrument names) are one metric
// to a backend; two under one Prometheus name are one family described twice, which Prometheus rejects.
import { prometheusName } from '../conventions/index.js';
import { INSTRUMENTED_METRICS } from './generated/instrumented-metrics.js';

/** A metric as its names identify it. */
export interface MetricNames {
  readonly name: string;
  /** counter, updowncounter, gauge or histogram: what the Prometheus name depends on. */
  readonly instrument: string;
  /** The name of its family in the Prometheus exposition. */
  readonly exposed: string;
}

/** The names of a metric called `name`, of this instrument. */
export function metricNames(name: string, instrument: string): MetricNames {
  return { name, instrument, exposed: prometheusName(name, instrument) };
}

/** Metrics by their names: which one already holds a name another would take. */
export class NameRegistry<M extends MetricNames> {
  private readonly byName = new Map<string, M>();
  private readonly byExposed = new Map<string, M>();

  add(m: M): void {
    this.byName.set(m.name.toLowerCase(), m);
    this.byExposed.set(m.exposed, m);
  }

  /** The metric holding the OpenTelemetry name or the Prometheus name of `m`, if one does. */
  holder(m: MetricNames): M | undefined {
    return this.byName.get(m.name.toLowerCase()) ?? this.byExposed.get(m.exposed);
  }
}

/** What is wrong with `m` taking a name `other` holds, `what` and `whose` saying which each is. */
export function nameClash(what: string, m: MetricNames, whose: string, other: MetricNames): string {
  return m.name.toLowerCase() === other.name.toLowerCase()
    ? `${what} '${m.name}' has the name of ${whose} ${other.instrument} '${other.name}'`
    : `${what} '${m.name}' would be exposed to Prometheus as ${m.exposed}, as ${whose} ${other.instrument} '${other.name}' is`;
}

const spec = new NameRegistry<MetricNames>();
for (const m of INSTRUMENTED_METRICS) spec.add(metricNames(m.name, m.instrument));
let onDefined: ((m: MetricNames) => void) | undefined;

/**
 * Notes a spec metric this process records (its helper is defined: the runtime's own at import, a
 * service's when its generated helpers are imported; the instrumented ones always are).
 */
export function noteSpecMetric(name: string, instrument: string): void {
  const m = metricNames(name, instrument);
  spec.add(m);
  onDefined?.(m);
}

/** The spec metric holding a name `m` would take, if one does. */
export function specMetricHolding(m: MetricNames): MetricNames | undefined {
  return spec.holder(m);
}

/** Calls `f` with each spec metric defined from now on (the escape hatch checks what it registered before). */
export function onSpecMetricDefined(f: (m: MetricNames) => void): void {
  onDefined = f;
}
