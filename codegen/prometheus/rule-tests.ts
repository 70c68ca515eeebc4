import { promString } from '../escape/promql.js';
import { toYaml } from '../escape/yaml.js';
import type { Alert, AttributeUse, Metric, Model, Slo } from '../model.js';
import { durationMs } from '../names.js';
import { compareText } from '../order.js';
import { eventSeries, SLI_ABSENT_FOR, selector } from './promql.js';
import { clock, extrapolatedRate, firingStates, histogramQuantile, instant, sum, type SimSeries } from './rule-sim.js';
import { crossesMidnight, scheduleOpen } from '../schedule.js';
import { burnThreshold, burnTiers, fmt, formatDuration, sloRecordNames, sloWindows } from './slo-windows.js';
import { alertDefinition, burnAlertName, expectedAlert, sliAbsentAlertName, sloAlertDefinitions } from './rules.js';
import { header } from '../emit/ts-common.js';

const MINUTE = 60e3;
const HOUR = 3600e3;

/** A linear counter or a constant: value = start + slope × step. */
interface Linear {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly start: number;
  readonly slope: number;
  /** Optional second phase: from this step on, the slope changes. */
  readonly change?: { readonly step: number; readonly slope: number };
}

function toSim(l: Linear): SimSeries {
  return {
    name: l.name,
    labels: l.labels,
    at: (i) => (l.change && i > l.change.step ? l.start + l.slope * l.change.step + l.change.slope * (i - l.change.step) : l.start + l.slope * i),
  };
}

function seriesText(l: Linear): string {
  const labels = Object.entries(l.labels)
    .map(([k, v]) => `${k}=${promString(v)}`)
    .join(', ');
  return `${l.name}${labels ? `{${labels}}` : ''}`;
}

/** promtool's expanding notation for a linear series over `steps` steps. */
function valuesText(l: Linear, steps: number): string {
  if (!l.change) return `${fmt(l.start)}+${fmt(l.slope)}x${steps}`;
  const at = toSim(l).at;
  return `${fmt(l.start)}+${fmt(l.slope)}x${l.change.step} ${fmt(at(l.change.step + 1))}+${fmt(l.change.slope)}x${steps - l.change.step - 1}`;
}

const inputSeries = (series: readonly Linear[], steps: number) => series.map((l) => ({ series: seriesText(l), values: valuesText(l, steps) }));

/** A value an attribute's label can take in a test: a member, a spec example, or a made-up bounded string. */
function sampleValue(use: AttributeUse, avoid: readonly string[] = []): string {
  const a = use.attr;
  const candidates = a.type === 'enum' ? a.members.map((m) => m.value) : a.type === 'bool' ? ['true', 'false'] : [...a.examples.filter((e): e is string => typeof e === 'string'), `${use.name}-a`, `${use.name}-b`];
  return candidates.find((c) => !avoid.includes(c)) ?? `${use.name}-other`;
}

/** Labels of the synthetic series of an alert: matcher values (first of each) and a value per by-label. */
function alertLabels(m: Metric, a: { matchers: Alert['matchers']; by: readonly string[] }): Record<string, string> {
  const out: Record<string, string> = {};
  for (const mt of a.matchers) out[mt.label] = mt.values[0]!;
  for (const b of a.by) if (!(b in out)) out[b] = sampleValue(m.labels.find((l) => l.name === b)!);
  return out;
}

/** Whether a value meets the alert's comparison. */
function meets(a: Alert, v: number, th: number): boolean {
  return { '>': v > th, '>=': v >= th, '<': v < th, '<=': v <= th, '==': v === th }[a.op];
}

/** The value of a semantic alert's expression at time t over the given series (one output group). */
function alertValue(a: Alert, series: readonly SimSeries[], stepMs: number): (t: number) => number | undefined {
  const w = durationMs(a.window ?? '5m');
  const cmp = (v: number | undefined, th: number): number | undefined => (v !== undefined && meets(a, v, th) ? v : undefined);
  const rateOf = (name: string, t: number, range = w) => sum(series.filter((s) => s.name === name).map((s) => extrapolatedRate(s, stepMs, t, range, true)));
  const m = a.metric;
  const value = (t: number): number | undefined => {
    switch (a.kind) {
      case 'rate':
        return cmp(rateOf(m.promName, t), a.threshold!);
      case 'ratio': {
        const num = sum(series.filter((s) => s.name === m.promName && a.matchers.every((x) => x.values.includes(s.labels[x.label] ?? ''))).map((s) => extrapolatedRate(s, stepMs, t, w, true)));
        const total = a.total ?? { metric: m, matchers: [] };
        const den = sum(series.filter((s) => s.name === total.metric.promName && total.matchers.every((x) => x.values.includes(s.labels[x.label] ?? ''))).map((s) => extrapolatedRate(s, stepMs, t, w, true)));
        return num === undefined || den === undefined || den === 0 ? undefined : cmp(num / den, a.threshold!);
      }
      case 'quantile': {
        const buckets = new Map<number, number>();
        for (const s of series.filter((x) => x.name === `${m.promName}_bucket`)) {
          const r = extrapolatedRate(s, stepMs, t, w, true);
          if (r !== undefined) buckets.set(s.labels['le'] === '+Inf' ? Infinity : Number(s.labels['le']), r);
        }
        return cmp(histogramQuantile(a.quantile!, buckets), a.threshold!);
      }
      case 'value':
        return cmp(sum(series.filter((s) => s.name === m.promName).map((s) => instant(s, stepMs, t))), a.threshold!);
      case 'baseline': {
        const now = rateOf(m.promName, t);
        const base = rateOf(m.promName, t, durationMs(a.baselineWindow!));
        return now !== undefined && base !== undefined && now > a.factor! * base && now > a.threshold! ? now : undefined;
      }
      case 'absent': {
        const s = series.filter((x) => x.name === eventSeries(m));
        const idle = m.instrument === 'gauge' || m.instrument === 'updowncounter' ? undefined : sum(s.map((x) => extrapolatedRate(x, stepMs, t, w, false)));
        return s.length === 0 ? 1 : idle === 0 ? 0 : undefined;
      }
    }
  };
  const during = a.during;
  if (!during) return value;
  return (t) => {
    const { dayOfWeek, minuteOfDay } = clock(t);
    return scheduleOpen(during, dayOfWeek, minuteOfDay) ? value(t) : undefined;
  };
}

/**
 * Synthetic series for an alert: `firing` ones that meet its condition, or ones that do not. Which side
 * of the threshold fires depends on the comparison; the validator has made sure both sides exist.
 */
function alertScenario(a: Alert, firing: boolean): Linear[] {
  const m = a.metric;
  const labels = alertLabels(m, a);
  const t = a.threshold ?? 0;
  const high = firing === (a.op !== '<' && a.op !== '<=');
  switch (a.kind) {
    case 'rate':
      return [{ name: m.promName, labels, start: 0, slope: high ? Math.max(1, t * 2 * 60) : (t / 2) * 60 }];
    case 'ratio': {
      const total = a.total ?? { metric: m, matchers: [] };
      let above = Math.min(0.9, Math.max(0.5, t * 2));
      if (!(above > t)) above = (t + 1) / 2;
      const wanted = high ? above : t / 2;
      const numSlope = 600 * wanted;
      if (total.metric !== m) return [{ name: m.promName, labels, start: 0, slope: numSlope }, { name: total.metric.promName, labels: alertLabels(total.metric, { matchers: total.matchers, by: a.by }), start: 0, slope: 600 }];
      // Same metric: the rest of the total carries another value of the first matcher's label.
      const first = a.matchers[0]!;
      const other = { ...labels, [first.label]: sampleValue(m.labels.find((l) => l.name === first.label)!, first.values) };
      return [{ name: m.promName, labels, start: 0, slope: numSlope }, { name: m.promName, labels: other, start: 0, slope: 600 - numSlope }];
    }
    case 'quantile': {
      const bounds = m.buckets!.boundaries;
      // Every observation in one bucket: the quantile is that bucket's lower bound plus q of its width;
      // in the +Inf bucket it is the highest boundary.
      const lower = (i: number): number => (i === 0 ? 0 : bounds[i - 1]!);
      const valueIn = (i: number): number => (i === bounds.length ? bounds[i - 1]! : lower(i) + (bounds[i]! - lower(i)) * a.quantile!);
      const buckets = [...bounds.keys(), bounds.length];
      const index = high ? (buckets.find((i) => valueIn(i) > t) ?? bounds.length) : 0;
      const upper = index === bounds.length ? Infinity : bounds[index]!;
      return [
        ...[...bounds, Infinity].map((b) => ({ name: `${m.promName}_bucket`, labels: { ...labels, le: b === Infinity ? '+Inf' : String(b) }, start: 0, slope: b >= upper ? 60 : 0 })),
        { name: `${m.promName}_count`, labels, start: 0, slope: 60 },
      ];
    }
    case 'value':
      if (a.op === '==') return [{ name: m.promName, labels, start: firing ? t : t + 1, slope: 0 }];
      return [{ name: m.promName, labels, start: high ? Math.max(2 * t, t + 1) : Math.min(t / 2, t - 1), slope: 0 }];
    case 'baseline':
      return firing
        ? [{ name: m.promName, labels, start: 0, slope: (t / 2) * 60, change: { step: 60, slope: Math.max(2, Math.ceil(t * 2 * 60)) } }]
        : [{ name: m.promName, labels, start: 0, slope: (t / 2) * 60 }];
    case 'absent':
      // Firing: the counter stops moving; quiet: it keeps increasing.
      return [{ name: eventSeries(m), labels, start: 5, slope: firing ? 0 : 1 }];
  }
}

interface ExpectedAlert {
  exp_labels: Record<string, string>;
  exp_annotations: Record<string, string>;
}
interface AlertTest {
  readonly eval_time: string;
  readonly alertname: string;
  readonly exp_alerts: ExpectedAlert[];
}
interface TestCase {
  readonly name: string;
  readonly interval: string;
  readonly input_series: { series: string; values: string }[];
  readonly alert_rule_test?: AlertTest[];
  readonly promql_expr_test?: { expr: string; eval_time: string; exp_samples: { labels: string; value: number }[] }[];
}

const at = (ms: number): string => (ms === 0 ? '0s' : formatDuration(ms));
const DAY_STEPS = 24 * 60;

/** A test generator that cannot test an alert: a bug, since the validator rejects alerts that cannot fire. */
function cannotTest(a: Alert, why: string): Error {
  return new Error(`rule test generator: alert ${a.name} ${why}`);
}

/**
 * Tests of one spec alert: silent below the threshold, silent until `for` elapses, then firing exactly.
 * An alert with a schedule also goes silent when the schedule closes, and one whose schedule crosses
 * midnight keeps firing across it.
 */
function alertTests(a: Alert): TestCase[] {
  const def = alertDefinition(a);
  const forMs = durationMs(a.for);
  // A weekly schedule opens within eight days of promtool's time 0 (a Thursday, 00:00 UTC).
  const horizon = Math.max(a.during ? 8 * DAY_STEPS : DAY_STEPS, Math.ceil((forMs + durationMs(a.window ?? '5m')) / MINUTE) + 120);
  const up = alertScenario(a, true);
  const states = firingStates(alertValue(a, up.map(toSim), MINUTE), forMs, MINUTE, horizon * MINUTE);
  const fire = states.findIndex((v) => v !== undefined);
  if (fire < 0) throw cannotTest(a, 'never fires on its own firing series');
  const labels = Object.fromEntries(a.by.map((b) => [b, alertLabels(a.metric, a)[b]!]));
  const expected = (step: number): ExpectedAlert[] => (states[step] === undefined ? [] : [expectedAlert(def, labels, states[step])]);
  const checks: number[] = [...(fire > 0 ? [fire - 1] : []), fire];
  if (a.during) {
    const closesAfter = (step: number): number => {
      const c = states.findIndex((v, i) => i > step && v === undefined);
      if (c < 0) throw cannotTest(a, `never goes silent when its schedule ${a.during!.id} closes`);
      return c;
    };
    if (crossesMidnight(a.during)) {
      const midnight = states.findIndex((v, i) => i > fire && i % DAY_STEPS === 0 && v !== undefined && states[i - 1] !== undefined && states[i + 1] !== undefined);
      if (midnight < 0) throw cannotTest(a, `never fires across midnight in its schedule ${a.during.id}`);
      checks.push(midnight - 1, midnight, midnight + 1, closesAfter(midnight));
    } else checks.push(closesAfter(fire));
  }
  const steps = Math.max(...checks) + 10;
  const down = alertScenario(a, false);
  const quiet = firingStates(alertValue(a, down.map(toSim), MINUTE), forMs, MINUTE, steps * MINUTE);
  if (quiet.some((v) => v !== undefined)) throw cannotTest(a, 'fires on its quiet series');
  const schedule = a.during ? `, only while ${a.during.id} is open${crossesMidnight(a.during) ? ', across midnight' : ''}` : '';
  return [
    {
      name: `${a.name}: fires once its condition held for ${a.for}${schedule}`,
      interval: '1m',
      input_series: inputSeries(up, steps),
      alert_rule_test: checks.map((step) => ({ eval_time: at(step * MINUTE), alertname: a.name, exp_alerts: expected(step) })),
    },
    {
      name: `${a.name}: stays silent ${a.op === '==' ? 'away from' : a.op.startsWith('<') ? 'above' : 'below'} its threshold`,
      interval: '1m',
      input_series: inputSeries(down, steps),
      alert_rule_test: [{ eval_time: at(fire * MINUTE), alertname: a.name, exp_alerts: [] }],
    },
  ];
}

/** SLI series whose error ratio is exactly `ratio` (events per step `events`). */
function sloSeries(slo: Slo, events: number, ratio: number): Linear[] {
  const errors = events * ratio;
  const sli = slo.sli;
  if (sli.kind === 'latency') {
    const labels = Object.fromEntries(sli.matchers.map((m) => [m.label, m.values[0]!]));
    const p = sli.metric.promName;
    return [
      { name: `${p}_count`, labels, start: 0, slope: events },
      { name: `${p}_bucket`, labels: { ...labels, le: String(sli.threshold) }, start: 0, slope: events - errors },
    ];
  }
  const total = sli.total;
  const pick = sli.good ?? sli.bad!;
  const pickSlope = sli.good ? events - errors : errors;
  const pickLabels = Object.fromEntries([...total.matchers, ...pick.matchers].map((m) => [m.label, m.values[0]!]));
  if (pick.metric !== total.metric)
    return [
      { name: total.metric.promName, labels: Object.fromEntries(total.matchers.map((m) => [m.label, m.values[0]!])), start: 0, slope: events },
      { name: pick.metric.promName, labels: pickLabels, start: 0, slope: pickSlope },
    ];
  const first = pick.matchers[0]!;
  const use = total.metric.labels.find((l) => l.name === first.label)!;
  return [
    { name: total.metric.promName, labels: pickLabels, start: 0, slope: pickSlope },
    { name: total.metric.promName, labels: { ...pickLabels, [first.label]: sampleValue(use, first.values) }, start: 0, slope: events - pickSlope },
  ];
}

function burnExpected(slo: Slo, tierIndex: number, value: number): ExpectedAlert {
  return expectedAlert(sloAlertDefinitions(slo)[tierIndex]!, {}, value);
}

/** Expected recording values of an SLO at tMs, computed the way Prometheus computes them. */
function recordingTests(slo: Slo, windows: readonly string[], tMs: number, series: readonly Linear[], stepMs: number) {
  const sims = series.map(toSim);
  const rateOf = (pred: (s: SimSeries) => boolean, w: number): number => sum(sims.filter(pred).map((s) => extrapolatedRate(s, stepMs, tMs, w, true)))!;
  const sli = slo.sli;
  const matches = (sel: { metric: { promName: string }; matchers: Alert['matchers'] }, name = sel.metric.promName) => (s: SimSeries) =>
    s.name === name && sel.matchers.every((m) => m.values.includes(s.labels[m.label] ?? ''));
  return windows.flatMap((w) => {
    const ms = durationMs(w);
    let events: number;
    let errors: number;
    if (sli.kind === 'latency') {
      events = rateOf(matches({ metric: sli.metric, matchers: sli.matchers }, `${sli.metric.promName}_count`), ms);
      errors = events - rateOf((s) => matches({ metric: sli.metric, matchers: sli.matchers }, `${sli.metric.promName}_bucket`)(s) && s.labels['le'] === String(sli.threshold), ms);
    } else {
      events = rateOf(matches(sli.total), ms);
      errors = sli.bad ? rateOf(matches(sli.bad), ms) : events - rateOf(matches(sli.good!), ms);
    }
    const n = sloRecordNames(w);
    const lbl = selector([{ label: 'slo', values: [slo.name] }]);
    const sample = (name: string, value: number) => ({ expr: `${name}${lbl}`, eval_time: at(tMs), exp_samples: [{ labels: `${name}${lbl}`, value }] });
    return [sample(n.events, events), sample(n.errors, errors), sample(n.errorRatio, errors / events)];
  });
}

/** SLO tests at minute resolution: recordings up to 6h, the fast-burn tiers, the absent SLI. */
function sloFastTests(slo: Slo): TestCase[] {
  const tiers = burnTiers(slo);
  const short = sloWindows(slo).filter((w) => durationMs(w) <= 6 * HOUR);
  const horizon = Math.max(...short.map(durationMs));
  const fast = tiers.map((t, i) => ({ t, i })).filter(({ t }) => durationMs(t.long) <= 6 * HOUR);
  // An error ratio above every fast tier's threshold: 50%, unless a low objective puts one above it.
  const top = Math.max(0, ...fast.map(({ t }) => burnThreshold(slo, t)));
  const ratio = top < 0.5 ? 0.5 : Number(((top + 1) / 2).toPrecision(12));
  const fires = fast.map(({ t, i }) => ({ i, at: MINUTE + durationMs(t.for) }));
  const alertTests: AlertTest[] = [];
  for (const f of fires) {
    const firing = fires.filter((g) => g.at <= f.at).map((g) => burnExpected(slo, g.i, ratio));
    const before = fires.filter((g) => g.at <= f.at - MINUTE).map((g) => burnExpected(slo, g.i, ratio));
    alertTests.push({ eval_time: at(f.at - MINUTE), alertname: burnAlertName(slo), exp_alerts: before }, { eval_time: at(f.at), alertname: burnAlertName(slo), exp_alerts: firing });
  }
  const absentRule = sloAlertDefinitions(slo).at(-1)!;
  const fastSeries = sloSeries(slo, 120, ratio);
  const forMs = durationMs(SLI_ABSENT_FOR);
  return [
    {
      name: `SLO ${slo.name}: recordings (windows up to 6h) and fast burn at a ${fmt(ratio * 100)}% error ratio`,
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
        { eval_time: at(forMs - MINUTE), alertname: sliAbsentAlertName(slo), exp_alerts: [] },
        {
          eval_time: at(forMs),
          alertname: sliAbsentAlertName(slo),
          exp_alerts: [expectedAlert(absentRule, {}, 1)],
        },
      ],
    },
  ];
}

/** SLO tests at hour resolution: recordings of the long windows and the slow-burn tiers. */
function sloSlowTests(slo: Slo): TestCase[] {
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
        { eval_time: at(f.at - HOUR), alertname: burnAlertName(slo), exp_alerts: fires.filter((g) => g.at <= f.at - HOUR).map((g) => burnExpected(slo, g.i, ratio)) },
        { eval_time: at(f.at), alertname: burnAlertName(slo), exp_alerts: fires.filter((g) => g.at <= f.at).map((g) => burnExpected(slo, g.i, ratio)) },
      ]),
    },
  ];
}

function testFile(model: Model, interval: string, tests: TestCase[]): string {
  return `${header(model, '#')}\n${toYaml({ rule_files: ['ampyobs.rules.yaml'], evaluation_interval: interval, tests }, { lineWidth: 0 })}`;
}

/** generated/prometheus/ampyobs.rules.test.yaml (minute resolution) and ampyobs.rules.slow.test.yaml (hour resolution). */
export function emitRuleTests(model: Model): { fast: string; slow: string } {
  const alerts = [...model.alerts].sort((x, y) => compareText(x.name, y.name));
  const slos = [...model.slos].sort((x, y) => compareText(x.name, y.name));
  return {
    fast: testFile(model, '1m', [...alerts.flatMap(alertTests), ...slos.flatMap(sloFastTests)]),
    slow: testFile(model, '1h', slos.flatMap(sloSlowTests)),
  };
}
