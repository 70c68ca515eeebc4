// References from alerts and SLOs to metrics: a metric by name and label matchers on it.
import type { SourceRef } from '../load.js';
import type { Matcher, Metric, Selector } from '../model.js';
import type { RawMatchers, RawSelector } from '../spec-types.js';
import { sub, type Missing } from './refs.js';
import { suggest } from '../suggest.js';

/** Follows references to metrics. */
export interface MetricRefs {
  /** The metric of this name, or undefined (reported) when there is none. */
  metric(name: string, src: SourceRef): Metric | undefined;
  /** A metric and matchers on it, or undefined when the metric is missing (reported) or none is given. */
  selector(raw: RawSelector | undefined, src: SourceRef): Selector | undefined;
}

/** Label matchers as the model holds them: values as strings. */
export function matchers(raw: RawMatchers | undefined): Matcher[] {
  return Object.entries(raw ?? {}).map(([label, values]) => ({ label, values: values.map(String) }));
}

export function metricRefs(metrics: readonly Metric[], missing: Missing): MetricRefs {
  const metricByName = new Map(metrics.map((m) => [m.name, m]));
  const metric = (name: string, src: SourceRef): Metric | undefined => {
    const m = metricByName.get(name);
    if (!m) missing(src, 'metric', name, suggest(name, metricByName.keys()));
    return m;
  };
  const selector = (raw: RawSelector | undefined, src: SourceRef): Selector | undefined => {
    if (!raw) return undefined;
    const m = metric(raw.metric, sub(src, 'metric'));
    return m && { metric: m, matchers: matchers(raw.matchers) };
  };
  return { metric, selector };
}
