// rate: the per-second rate of a counter against a threshold.
import { durationMs } from '../../names.js';
import { byClause, selector } from '../promql.js';
import { alertLabels } from '../scenario.js';
import { fmt } from '../slo-windows.js';
import { compare, docSelector, exactOnWindowProblem, firesHigh, sumRate, windowOf, type AlertKindDef } from './kind.js';

export const rate: AlertKindDef = {
  brief: 'per-second rate of a counter',
  instruments: ['counter'],
  fields: { threshold: 'required', window: 'required' },
  minWindow: '1m',
  opProblem: exactOnWindowProblem,
  range: () => ({ lo: 0, hi: Infinity, what: 'a rate is never negative' }),
  expr: (a) => `${rate.probe(a)} ${a.op} ${fmt(a.threshold!)}`,
  probe: (a) => `sum${byClause(a.by)} (rate(${a.metric.promName}${selector(a.matchers)}[${windowOf(a)}]))`,
  simulate: (a, series, stepMs) => {
    const w = durationMs(windowOf(a));
    return (t) =>
      compare(
        a,
        sumRate(series, (s) => s.name === a.metric.promName, stepMs, t, w),
        a.threshold!,
      );
  },
  scenario: (a, firing) => {
    const t = a.threshold ?? 0;
    return [
      {
        name: a.metric.promName,
        labels: alertLabels(a.metric, a),
        start: 0,
        slope: firesHigh(a, firing) ? Math.max(1, t * 2 * 60) : (t / 2) * 60,
      },
    ];
  },
  describe: (a) => {
    const { sel, by } = docSelector(a);
    return `rate${sel} over ${a.window} ${a.op} ${a.threshold}/s${by}`;
  },
};
