// baseline: a counter's rate over a window above factor × its rate over a longer baseline window, and
// above a floor threshold.
import { durationMs } from '../../names.js';
import { byClause, selector } from '../promql.js';
import { alertLabels } from '../scenario.js';
import { fmt } from '../slo-windows.js';
import { docSelector, exactOnWindowProblem, sumRate, windowOf, type AlertKindDef } from './kind.js';

export const baseline: AlertKindDef = {
  brief: 'rate over window above factor x rate over baseline_window',
  instruments: ['counter'],
  fields: { threshold: 'required', window: 'required', factor: 'required', baseline_window: 'required' },
  minWindow: '1m',
  opProblem: (a) =>
    exactOnWindowProblem(a) ??
    (a.op !== '>'
      ? `a baseline alert fires when the rate is above factor × its baseline and above threshold: 'op' can only be '>'`
      : undefined),
  range: () => ({ lo: 0, hi: Infinity, what: 'a rate is never negative', quietAnyway: true }),
  expr: (a) => {
    const now = baseline.probe(a);
    return `${now} > ${fmt(a.factor!)} * sum${byClause(a.by)} (rate(${a.metric.promName}${selector(a.matchers)}[${a.baselineWindow}])) and ${now} > ${fmt(a.threshold!)}`;
  },
  probe: (a) => `sum${byClause(a.by)} (rate(${a.metric.promName}${selector(a.matchers)}[${windowOf(a)}]))`,
  simulate: (a, series, stepMs) => {
    const w = durationMs(windowOf(a));
    const long = durationMs(a.baselineWindow!);
    const mine = (s: { name: string }): boolean => s.name === a.metric.promName;
    return (t) => {
      const now = sumRate(series, mine, stepMs, t, w);
      const base = sumRate(series, mine, stepMs, t, long);
      return now !== undefined && base !== undefined && now > a.factor! * base && now > a.threshold! ? now : undefined;
    };
  },
  scenario: (a, firing) => {
    const labels = alertLabels(a.metric, a);
    const t = a.threshold ?? 0;
    return firing
      ? [
          {
            name: a.metric.promName,
            labels,
            start: 0,
            slope: (t / 2) * 60,
            change: { step: 60, slope: Math.max(2, Math.ceil(t * 2 * 60)) },
          },
        ]
      : [{ name: a.metric.promName, labels, start: 0, slope: (t / 2) * 60 }];
  },
  describe: (a) =>
    `rate over ${a.window} > ${a.factor}× its ${a.baselineWindow} average and > ${a.threshold}/s${docSelector(a).by}`,
};
