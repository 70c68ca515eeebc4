// quantile: a histogram quantile (histogram_quantile over bucket rates) against a threshold.
import { durationMs } from '../../names.js';
import { selector } from '../promql.js';
import { extrapolatedRate, histogramQuantile } from '../rule-sim.js';
import { alertLabels } from '../scenario.js';
import { fmt } from '../slo-windows.js';
import { compare, docSelector, exactOnWindowProblem, firesHigh, windowOf, type AlertKindDef } from './kind.js';

export const quantile: AlertKindDef = {
  brief: 'histogram quantile',
  instruments: ['histogram'],
  fields: { threshold: 'required', window: 'required', quantile: 'required' },
  minWindow: '1m',
  opProblem: exactOnWindowProblem,
  range: (a) => {
    const b = a.metric.buckets?.boundaries;
    if (!b?.length) return undefined;
    // All observations in the first bucket give q × its bound; in +Inf, histogram_quantile gives the top bound.
    const lo = b[0]! > 0 ? b[0]! * a.quantile! : b[0]!;
    const hi = b[b.length - 1]!;
    return {
      lo,
      hi,
      what: `histogram_quantile(${fmt(a.quantile!)}) over buckets ${b.join(', ')} lies between ${fmt(lo)} and ${fmt(hi)}`,
    };
  },
  expr: (a) => `${quantile.probe(a)} ${a.op} ${fmt(a.threshold!)}`,
  probe: (a) =>
    `histogram_quantile(${fmt(a.quantile!)}, sum by (${['le', ...a.by].join(', ')}) (rate(${a.metric.promName}_bucket${selector(a.matchers)}[${windowOf(a)}])))`,
  simulate: (a, series, stepMs) => {
    const w = durationMs(windowOf(a));
    return (t) => {
      const buckets = new Map<number, number>();
      for (const s of series.filter((x) => x.name === `${a.metric.promName}_bucket`)) {
        const r = extrapolatedRate(s, stepMs, t, w, true);
        if (r !== undefined) buckets.set(s.labels['le'] === '+Inf' ? Infinity : Number(s.labels['le']), r);
      }
      return compare(a, histogramQuantile(a.quantile!, buckets), a.threshold!);
    };
  },
  scenario: (a, firing) => {
    const m = a.metric;
    const labels = alertLabels(m, a);
    const t = a.threshold ?? 0;
    const bounds = m.buckets!.boundaries;
    // Every observation in one bucket: the quantile is that bucket's lower bound plus q of its width;
    // in the +Inf bucket it is the highest boundary.
    const lower = (i: number): number => (i === 0 ? 0 : bounds[i - 1]!);
    const valueIn = (i: number): number =>
      i === bounds.length ? bounds[i - 1]! : lower(i) + (bounds[i]! - lower(i)) * a.quantile!;
    const buckets = [...bounds.keys(), bounds.length];
    const index = firesHigh(a, firing) ? (buckets.find((i) => valueIn(i) > t) ?? bounds.length) : 0;
    const upper = index === bounds.length ? Infinity : bounds[index]!;
    return [
      ...[...bounds, Infinity].map((b) => ({
        name: `${m.promName}_bucket`,
        labels: { ...labels, le: b === Infinity ? '+Inf' : String(b) },
        start: 0,
        slope: b >= upper ? 60 : 0,
      })),
      { name: `${m.promName}_count`, labels, start: 0, slope: 60 },
    ];
  },
  describe: (a) => {
    const { sel, by } = docSelector(a);
    return `p${Math.round((a.quantile ?? 0) * 100)}${sel} over ${a.window} ${a.op} ${a.threshold}${by}`;
  },
};
