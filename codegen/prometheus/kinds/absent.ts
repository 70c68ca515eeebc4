// absent: a metric with no samples, or one that stopped moving, over a window.
import { durationMs } from '../../names.js';
import { eventSeries, selector } from '../promql.js';
import { changes, extrapolatedRate, sum } from '../rule-sim.js';
import { alertLabels } from '../scenario.js';
import { exactOnWindowProblem, windowOf, type AlertKindDef } from './kind.js';

/** Counters and histograms stop increasing; gauges and up-down counters stop changing. */
const increases = (instrument: string): boolean => instrument === 'counter' || instrument === 'histogram';

export const absent: AlertKindDef = {
  brief: 'no samples or no increase over window',
  instruments: ['counter', 'updowncounter', 'gauge', 'histogram'],
  fields: { window: 'required' },
  opProblem: exactOnWindowProblem,
  range: () => undefined,
  expr: (a) => {
    const s = `${eventSeries(a.metric)}${selector(a.matchers)}`;
    const w = windowOf(a);
    const idle = increases(a.metric.instrument) ? `sum(increase(${s}[${w}])) == 0` : `max(changes(${s}[${w}])) == 0`;
    return `(${idle} or absent_over_time(${s}[${w}]))`;
  },
  probe: (a) => `sum(increase(${eventSeries(a.metric)}${selector(a.matchers)}[${windowOf(a)}]))`,
  simulate: (a, series, stepMs) => {
    const w = durationMs(windowOf(a));
    const name = eventSeries(a.metric);
    return (t) => {
      const s = series.filter((x) => x.name === name);
      if (s.length === 0) return 1;
      const moved = increases(a.metric.instrument)
        ? sum(s.map((x) => extrapolatedRate(x, stepMs, t, w, false)))
        : Math.max(...s.map((x) => changes(x, stepMs, t, w) ?? 0));
      return moved === 0 ? 0 : undefined;
    };
  },
  // Firing: the counter stops moving; quiet: it keeps increasing.
  scenario: (a, firing) => [
    { name: eventSeries(a.metric), labels: alertLabels(a.metric, a), start: 5, slope: firing ? 0 : 1 },
  ],
  describe: (a) => `no increase over ${a.window}${a.during ? ` during ${a.during.id}` : ''}`,
};
