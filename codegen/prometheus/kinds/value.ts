// value: the current value of a gauge or up-down counter against a threshold.
import { byClause, selector } from '../promql.js';
import { instant } from '../rule-sim.js';
import { alertLabels } from '../scenario.js';
import { fmt } from '../slo-windows.js';
import { compare, docSelector, firesHigh, type AlertKindDef } from './kind.js';

export const value: AlertKindDef = {
  brief: 'gauge value',
  instruments: ['gauge', 'updowncounter'],
  fields: { threshold: 'required' },
  // A value is read as it is, so every comparison, == included, can hold.
  opProblem: () => undefined,
  range: () => undefined,
  expr: (a) => `${value.probe(a)} ${a.op} ${fmt(a.threshold!)}`,
  probe: (a) => `max${byClause(a.by)} (${a.metric.promName}${selector(a.matchers)})`,
  simulate: (a, series, stepMs) => (t) => {
    const values = series
      .filter((s) => s.name === a.metric.promName)
      .map((s) => instant(s, stepMs, t))
      .filter((v): v is number => v !== undefined);
    return compare(a, values.length ? Math.max(...values) : undefined, a.threshold!);
  },
  scenario: (a, firing) => {
    const labels = alertLabels(a.metric, a);
    const t = a.threshold ?? 0;
    if (a.op === '==') return [{ name: a.metric.promName, labels, start: firing ? t : t + 1, slope: 0 }];
    return [
      {
        name: a.metric.promName,
        labels,
        start: firesHigh(a, firing) ? Math.max(2 * t, t + 1) : Math.min(t / 2, t - 1),
        slope: 0,
      },
    ];
  },
  describe: (a) => `value ${a.op} ${a.threshold}${docSelector(a).by}`,
};
