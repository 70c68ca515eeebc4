// promtool tests of an SLO's rules: recordings of every window, fast and slow burn, an absent SLI.
import type { Matcher, Slo } from '../model.js';
import { durationMs } from '../names.js';
import { expectedAlert } from './definition.js';
import { extrapolatedRate, sum, type SimSeries } from './rule-sim.js';
import {
  countedMatcher,
  evalTime,
  groupLabels,
  HOUR,
  inputSeries,
  matches,
  MINUTE,
  sampleValue,
  toSim,
  type AlertTest,
  type ExpectedAlert,
  type Linear,
  type TestCase,
} from './scenario.js';
import { burnAlertName, SLI_ABSENT_FOR, sliAbsentAlertName, sloAlertDefinitions } from './slo.js';
import { selector } from './promql.js';
import { burnThreshold, burnTiers, fmt, sloRecordNames, sloWindows } from './slo-windows.js';

/**
 * The `by` labels of an SLO's synthetic series, and so of its recordings and alerts: the value its SLI
 * selects (the counted events', for a ratio), else a value of the label.
 */
function sloGroup(slo: Slo): Record<string, string> {
  const sli = slo.sli;
  if (sli.kind === 'latency') return groupLabels(sli.metric, { matchers: sli.matchers, by: slo.by });
  const matchers = [...sli.total.matchers, ...(sli.good ?? sli.bad!).matchers];
  return groupLabels(sli.total.metric, { matchers, by: slo.by });
}

/** SLI series whose error ratio is exactly `ratio` (events per step `events`). */
function sloSeries(slo: Slo, events: number, ratio: number): Linear[] {
  const errors = events * ratio;
  const sli = slo.sli;
  const group = sloGroup(slo);
  if (sli.kind === 'latency') {
    const labels = { ...Object.fromEntries(sli.matchers.map((m) => [m.label, m.values[0]!])), ...group };
    const p = sli.metric.promName;
    return [
      { name: `${p}_count`, labels, start: 0, slope: events },
      { name: `${p}_bucket`, labels: { ...labels, le: String(sli.threshold) }, start: 0, slope: events - errors },
    ];
  }
  const total = sli.total;
  const pick = sli.good ?? sli.bad!;
  const pickSlope = sli.good ? events - errors : errors;
  const pickLabels = {
    ...Object.fromEntries([...total.matchers, ...pick.matchers].map((m) => [m.label, m.values[0]!])),
    ...group,
  };
  if (pick.metric !== total.metric)
    return [
      {
        name: total.metric.promName,
        labels: { ...Object.fromEntries(total.matchers.map((m) => [m.label, m.values[0]!])), ...group },
        start: 0,
        slope: events,
      },
      { name: pick.metric.promName, labels: pickLabels, start: 0, slope: pickSlope },
    ];
  const first = countedMatcher(pick.matchers, total.matchers) ?? pick.matchers[0]!;
  const use = total.metric.labels.find((l) => l.name === first.label)!;
  return [
    { name: total.metric.promName, labels: pickLabels, start: 0, slope: pickSlope },
    {
      name: total.metric.promName,
      labels: { ...pickLabels, [first.label]: sampleValue(use, first.values) },
      start: 0,
      slope: events - pickSlope,
    },
  ];
}

function burnExpected(slo: Slo, tierIndex: number, value: number): ExpectedAlert {
  return expectedAlert(sloAlertDefinitions(slo)[tierIndex]!, sloGroup(slo), value);
}

/** Expected recording values of an SLO at tMs, computed the way Prometheus computes them. */
function recordingTests(slo: Slo, windows: readonly string[], tMs: number, series: readonly Linear[], stepMs: number) {
  const sims = series.map(toSim);
  const rateOf = (pred: (s: SimSeries) => boolean, w: number): number =>
    sum(sims.filter(pred).map((s) => extrapolatedRate(s, stepMs, tMs, w, true)))!;
  const sli = slo.sli;
  const of =
    (
      sel: { readonly metric: { readonly promName: string }; readonly matchers: readonly Matcher[] },
      name = sel.metric.promName,
    ) =>
    (s: SimSeries) =>
      matches(s, name, sel.matchers);
  return windows.flatMap((w) => {
    const ms = durationMs(w);
    let events: number;
    let errors: number;
    if (sli.kind === 'latency') {
      events = rateOf(of({ metric: sli.metric, matchers: sli.matchers }, `${sli.metric.promName}_count`), ms);
      errors =
        events -
        rateOf(
          (s) =>
            of({ metric: sli.metric, matchers: sli.matchers }, `${sli.metric.promName}_bucket`)(s) &&
            s.labels['le'] === String(sli.threshold),
          ms,
        );
    } else {
      events = rateOf(of(sli.total), ms);
      errors = sli.bad ? rateOf(of(sli.bad), ms) : events - rateOf(of(sli.good!), ms);
    }
    const n = sloRecordNames(w);
    const lbl = selector([{ label: 'slo', values: [slo.name] }]);
    const got = selector([
      { label: 'slo', values: [slo.name] },
      ...Object.entries(sloGroup(slo)).map(([label, v]) => ({ label, values: [v] })),
    ]);
    const sample = (name: string, value: number) => ({
      expr: `${name}${lbl}`,
      eval_time: evalTime(tMs),
      exp_samples: [{ labels: `${name}${got}`, value }],
    });
    return [sample(n.events, events), sample(n.errors, errors), sample(n.errorRatio, errors / events)];
  });
}

/** Events per step of the fast-burn series. */
const FAST_EVENTS = 120;

/** SLO tests at minute resolution: recordings up to 6h, the fast-burn tiers, the absent SLI. */
export function sloFastTests(slo: Slo): TestCase[] {
  const tiers = burnTiers(slo);
  const short = sloWindows(slo).filter((w) => durationMs(w) <= 6 * HOUR);
  const horizon = Math.max(...short.map(durationMs));
  const fast = tiers.map((t, i) => ({ t, i })).filter(({ t }) => durationMs(t.long) <= 6 * HOUR);
  // An error ratio above every fast tier's threshold: 50%, unless a low objective puts one above it.
  // Then a whole number of errors per step: promtool builds a series by adding its slope step after step,
  // the simulation multiplies, and only whole numbers (exact in floating point) give both the same values.
  const top = Math.max(0, ...fast.map(({ t }) => burnThreshold(slo, t)));
  const ratio = top < 0.5 ? 0.5 : Math.ceil(((top + 1) / 2) * FAST_EVENTS) / FAST_EVENTS;
  const fires = fast.map(({ t, i }) => ({ i, at: MINUTE + durationMs(t.for) }));
  const alertTests: AlertTest[] = [];
  for (const f of fires) {
    const firing = fires.filter((g) => g.at <= f.at).map((g) => burnExpected(slo, g.i, ratio));
    const before = fires.filter((g) => g.at <= f.at - MINUTE).map((g) => burnExpected(slo, g.i, ratio));
    alertTests.push(
      { eval_time: evalTime(f.at - MINUTE), alertname: burnAlertName(slo), exp_alerts: before },
      { eval_time: evalTime(f.at), alertname: burnAlertName(slo), exp_alerts: firing },
    );
  }
  const absentRule = sloAlertDefinitions(slo).at(-1)!;
  const fastSeries = sloSeries(slo, FAST_EVENTS, ratio);
  const forMs = durationMs(SLI_ABSENT_FOR);
  return [
    {
      name: `SLO ${slo.name}: recordings (windows up to 6h) and fast burn at a ${Number((ratio * 100).toPrecision(4))}% error ratio`,
      interval: '1m',
      input_series: inputSeries(fastSeries, horizon / MINUTE + 5),
      alert_rule_test: alertTests,
      promql_expr_test: recordingTests(slo, short, horizon, fastSeries, MINUTE),
    },
    {
      name: `SLO ${slo.name}: a healthy SLI does not burn`,
      interval: '1m',
      input_series: inputSeries(sloSeries(slo, 1000, 0), 60),
      alert_rule_test: [{ eval_time: '30m', alertname: burnAlertName(slo), exp_alerts: [] }],
    },
    {
      name: `SLO ${slo.name}: absent SLI`,
      interval: '1m',
      input_series: [{ series: 'up{job="unrelated"}', values: '1x30' }],
      alert_rule_test: [
        { eval_time: evalTime(forMs - MINUTE), alertname: sliAbsentAlertName(slo), exp_alerts: [] },
        {
          eval_time: evalTime(forMs),
          alertname: sliAbsentAlertName(slo),
          exp_alerts: [expectedAlert(absentRule, {}, 1)],
        },
      ],
    },
  ];
}

/** SLO tests at hour resolution: recordings of the long windows and the slow-burn tiers. */
export function sloSlowTests(slo: Slo): TestCase[] {
  const tiers = burnTiers(slo);
  const long = sloWindows(slo).filter((w) => durationMs(w) > 6 * HOUR);
  const periodMs = Math.max(...long.map(durationMs));
  const budget = 1 - slo.objective;
  // A slow burn: 1.5x the budget (or halfway to an error ratio of 1, when that is less). Only the slow
  // tiers whose threshold is under it fire.
  const ratio = Number(Math.min(1.5 * budget, (1 + budget) / 2).toPrecision(12));
  const slow = tiers.map((t, i) => ({ t, i })).filter(({ t }) => durationMs(t.short) >= 2 * HOUR);
  const firing = slow.filter(({ t }) => burnThreshold(slo, t) < ratio);
  const fires = firing.map(({ t, i }) => ({ i, at: HOUR + durationMs(t.for) }));
  const maxAt = Math.max(HOUR * 2, ...fires.map((f) => f.at));
  const longSeries = sloSeries(slo, 3600, 0.5);
  return [
    {
      name: `SLO ${slo.name}: recordings of the long windows`,
      interval: '1h',
      input_series: inputSeries(longSeries, periodMs / HOUR + 2),
      promql_expr_test: recordingTests(slo, long, periodMs, longSeries, HOUR),
    },
    {
      name: `SLO ${slo.name}: slow burn at ${fmt(ratio / budget)}x the budget fires the slow tiers only`,
      interval: '1h',
      input_series: inputSeries(sloSeries(slo, 2000, ratio), maxAt / HOUR + 2),
      alert_rule_test: fires.flatMap((f) => [
        {
          eval_time: evalTime(f.at - HOUR),
          alertname: burnAlertName(slo),
          exp_alerts: fires.filter((g) => g.at <= f.at - HOUR).map((g) => burnExpected(slo, g.i, ratio)),
        },
        {
          eval_time: evalTime(f.at),
          alertname: burnAlertName(slo),
          exp_alerts: fires.filter((g) => g.at <= f.at).map((g) => burnExpected(slo, g.i, ratio)),
        },
      ]),
    },
  ];
}
