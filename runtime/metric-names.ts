// The names a metric is known by, and the spec metrics this process records, so that the escape hatch
// can refuse an ad-hoc metric that would share one (README, "The escape hatch"), and the validator two
// spec metrics that would. Two metrics under one OpenTelemetry name (compared without case, as
// OpenTelemetry compares instrument names) are one metric to a backend; two under one Prometheus name are
// one family described twice, which Prometheus rejects; a metric named as a histogram's series (a gauge
// x_count beside a histogram x) mixes its samples into that series.
import { prometheusName, prometheusSeries } from '../conventions/index.js';
import { INSTRUMENTED_METRICS } from './generated/instrumented-metrics.js';

/** A metric as its names identify it. */
export interface MetricNames {
  readonly name: string;
  /** counter, updowncounter, gauge or histogram: what the Prometheus name depends on. */
  readonly instrument: string;
  /** The name of its family in the Prometheus exposition. */
  readonly exposed: string;
  /** The names of the series it writes there: a histogram's _bucket, _sum and _count, else `exposed`. */
  readonly series: readonly string[];
}

/** The names of a metric called `name`, of this instrument. */
export function metricNames(name: string, instrument: string): MetricNames {
  return { name, instrument, exposed: prometheusName(name, instrument), series: prometheusSeries(name, instrument) };
}

/** Every Prometheus name of a metric: its family's and its series'. */
const prometheusNames = (m: MetricNames): readonly string[] =>
  m.series.includes(m.exposed) ? m.series : [m.exposed, ...m.series];

/** Metrics by their names: which one already holds a name another would take. */
export class NameRegistry<M extends MetricNames> {
  private readonly byName = new Map<string, M>();
  private readonly byExposed = new Map<string, M>();

  add(m: M): void {
    this.byName.set(m.name.toLowerCase(), m);
    for (const n of prometheusNames(m)) this.byExposed.set(n, m);
  }

  /** The metric holding the OpenTelemetry name, or a Prometheus name (family or series) of `m`, if one does. */
  holder(m: MetricNames): M | undefined {
    const held = this.byName.get(m.name.toLowerCase());
    if (held) return held;
    for (const n of prometheusNames(m)) {
      const other = this.byExposed.get(n);
      if (other) return other;
    }
    return undefined;
  }
}

/** What is wrong with `m` taking a name `other` holds, `what` and `whose` saying which each is. */
export function nameClash(what: string, m: MetricNames, whose: string, other: MetricNames): string {
  const them = `${whose} ${other.instrument} '${other.name}'`;
  if (m.name.toLowerCase() === other.name.toLowerCase()) return `${what} '${m.name}' has the name of ${them}`;
  if (m.exposed === other.exposed)
    return `${what} '${m.name}' would be exposed to Prometheus as ${m.exposed}, as ${them} is`;
  const theirs = prometheusNames(other);
  const shared = prometheusNames(m).find((n) => theirs.includes(n)) ?? m.exposed;
  // One of them is a histogram, and the name is one of its series.
  return shared === m.exposed
    ? `${what} '${m.name}' would be exposed to Prometheus as ${shared}, the ${shared.slice(other.exposed.length)} series of ${them}`
    : `${what} '${m.name}' would write its ${shared.slice(m.exposed.length)} series as ${shared}, the Prometheus name of ${them}`;
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
