// ratio: the rate of a counter (with matchers) over the rate of a total, against a threshold.
import type { Alert, Selector } from '../../model.js';
import { durationMs } from '../../names.js';
import { byClause, selector } from '../promql.js';
import { alertLabels, countedMatcher, matches, sampleValue } from '../scenario.js';
import { fmt } from '../slo-windows.js';
import { compare, docSelector, exactOnWindowProblem, firesHigh, sumRate, windowOf, type AlertKindDef } from './kind.js';

/** The denominator: the declared total, or the same metric without matchers. */
export const totalOf = (a: Alert): Selector => a.total ?? { metric: a.metric, matchers: [] };

export const ratio: AlertKindDef = {
  brief: 'counter rate over a total',
  instruments: ['counter'],
  fields: { threshold: 'required', window: 'required', total: 'optional' },
  minWindow: '1m',
  opProblem: exactOnWindowProblem,
  range: () => ({ lo: 0, hi: 1, what: 'a ratio lies between 0 and 1' }),
  expr: (a) => `${ratio.probe(a)} ${a.op} ${fmt(a.threshold!)}`,
  probe: (a) => {
    const w = windowOf(a);
    const total = totalOf(a);
    return `sum${byClause(a.by)} (rate(${a.metric.promName}${selector(a.matchers)}[${w}])) / sum${byClause(a.by)} (rate(${total.metric.promName}${selector(total.matchers)}[${w}]))`;
  },
  simulate: (a, series, stepMs) => {
    const w = durationMs(windowOf(a));
    const total = totalOf(a);
    return (t) => {
      const num = sumRate(series, (s) => matches(s, a.metric.promName, a.matchers), stepMs, t, w);
      const den = sumRate(series, (s) => matches(s, total.metric.promName, total.matchers), stepMs, t, w);
      return num === undefined || den === undefined || den === 0 ? undefined : compare(a, num / den, a.threshold!);
    };
  },
  scenario: (a, firing) => {
    const m = a.metric;
    const labels = alertLabels(m, a);
    const t = a.threshold ?? 0;
    const total = totalOf(a);
    let above = Math.min(0.9, Math.max(0.5, t * 2));
    if (!(above > t)) above = (t + 1) / 2;
    const wanted = firesHigh(a, firing) ? above : t / 2;
    const numSlope = 600 * wanted;
    if (total.metric !== m)
      return [
        { name: m.promName, labels, start: 0, slope: numSlope },
        {
          name: total.metric.promName,
          labels: alertLabels(total.metric, { matchers: total.matchers, by: a.by }),
          start: 0,
          slope: 600,
        },
      ];
    // Same metric: the rest of the total carries another value of the counted events' own matcher.
    const first = countedMatcher(a.matchers, total.matchers) ?? a.matchers[0]!;
    const other = {
      ...labels,
      [first.label]: sampleValue(
        m.labels.find((l) => l.name === first.label)!,
        first.values,
      ),
    };
    return [
      { name: m.promName, labels, start: 0, slope: numSlope },
      { name: m.promName, labels: other, start: 0, slope: 600 - numSlope },
    ];
  },
  describe: (a) => {
    const { sel, by } = docSelector(a);
    return `ratio${sel} of ${a.total?.metric.name ?? a.metric.name} over ${a.window} ${a.op} ${a.threshold}${by}`;
  },
};
