// PromQL for the spec's semantic alerts and SLOs, written against the names the SDK really exposes.
import { labelMatcher } from '../escape/promql.js';
import type { Alert, Matcher, Metric, Schedule, Selector, Slo } from '../model.js';
import { crossesMidnight, DAY_NUMBERS, minuteOfDay } from '../schedule.js';
import { burnThreshold, fmt, sloRecordNames, type BurnTier } from './slo-windows.js';

/** `{a="x", b=~"y|z"}` (empty string when there are no matchers); values are quoted for PromQL and RE2. */
export function selector(matchers: readonly Matcher[], extra: readonly Matcher[] = []): string {
  const all = [...matchers, ...extra].map((m) => labelMatcher(m.label, m.values));
  return all.length ? `{${all.join(', ')}}` : '';
}

/** Labels `absent()` returns for a selector: its single-value equality matchers. */
export function absentLabels(matchers: readonly Matcher[]): Record<string, string> {
  return Object.fromEntries(matchers.filter((m) => m.values.length === 1).map((m) => [m.label, m.values[0]!]));
}

const by = (labels: readonly string[]): string => (labels.length ? ` by (${labels.join(', ')})` : '');

/** The counter series of a metric (the exporter's `_total` name), or a histogram's `_count`. */
export function eventSeries(m: Metric): string {
  return m.instrument === 'histogram' ? `${m.promName}_count` : m.promName;
}

/**
 * PromQL that is non-empty exactly while the schedule is open (UTC; day_of_week() is 0 on Sunday). A
 * window crossing midnight is open from `start` on a listed day, or before `end` on the day after one.
 */
export function scheduleExpr(s: Schedule): string {
  const days = [...s.days].map((d) => DAY_NUMBERS[d]).sort((a, b) => a - b);
  const contiguous = days.every((d, i) => i === 0 || d === days[i - 1]! + 1);
  const onDays = (day: string): string => (contiguous ? `${day} >= ${days[0]} <= ${days[days.length - 1]}` : days.map((d) => `${day} == ${d}`).join(' or '));
  const t = 'hour() * 60 + minute()';
  const start = minuteOfDay(s.start);
  const end = minuteOfDay(s.end);
  if (!crossesMidnight(s)) return `(${onDays('day_of_week()')}) and (${t} >= ${start}) and (${t} < ${end})`;
  return `((${onDays('day_of_week()')}) and (${t} >= ${start})) or ((${onDays('((day_of_week() + 6) % 7)')}) and (${t} < ${end}))`;
}

/** The expression of a semantic alert. */
export function alertExpr(a: Alert): string {
  const m = a.metric;
  const sel = selector(a.matchers);
  const w = a.window ?? '5m';
  const op = a.op;
  let expr: string;
  switch (a.kind) {
    case 'rate':
      expr = `sum${by(a.by)} (rate(${m.promName}${sel}[${w}])) ${op} ${fmt(a.threshold!)}`;
      break;
    case 'ratio': {
      const total = a.total ?? { metric: m, matchers: [] };
      expr = `sum${by(a.by)} (rate(${m.promName}${sel}[${w}])) / sum${by(a.by)} (rate(${total.metric.promName}${selector(total.matchers)}[${w}])) ${op} ${fmt(a.threshold!)}`;
      break;
    }
    case 'quantile':
      expr = `histogram_quantile(${fmt(a.quantile!)}, sum by (${['le', ...a.by].join(', ')}) (rate(${m.promName}_bucket${sel}[${w}]))) ${op} ${fmt(a.threshold!)}`;
      break;
    case 'value':
      expr = `max${by(a.by)} (${m.promName}${sel}) ${op} ${fmt(a.threshold!)}`;
      break;
    case 'baseline': {
      const now = `sum${by(a.by)} (rate(${m.promName}${sel}[${w}]))`;
      expr = `${now} > ${fmt(a.factor!)} * sum${by(a.by)} (rate(${m.promName}${sel}[${a.baselineWindow}])) and ${now} > ${fmt(a.threshold!)}`;
      break;
    }
    case 'absent': {
      const s = `${eventSeries(m)}${sel}`;
      const idle = m.instrument === 'counter' || m.instrument === 'histogram' ? `sum(increase(${s}[${w}])) == 0` : `max(changes(${s}[${w}])) == 0`;
      expr = `(${idle} or absent_over_time(${s}[${w}]))`;
      break;
    }
  }
  return a.during ? `(${expr}) and on() (${scheduleExpr(a.during)})` : expr;
}

/**
 * Resource labels SLOs are kept per (service and environment: budgets are never shared across them),
 * as the spec maps them onto series.
 */
export function sloResourceLabels(model: { readonly resource: readonly { readonly attr: { readonly id: string }; readonly metricLabel?: string }[] }): string[] {
  return model.resource.filter((r) => r.metricLabel && (r.attr.id === 'service.name' || r.attr.id === 'deployment.environment')).map((r) => r.metricLabel!);
}

/** Events and errors per second of an SLO over a window (before the recording rules name them). */
export function sloRates(slo: Slo, window: string, resourceLabels: readonly string[] = []): { events: string; errors: string } {
  const sli = slo.sli;
  const group = by([...resourceLabels, ...slo.by]);
  if (sli.kind === 'latency') {
    const m = sli.metric;
    const sel = selector(sli.matchers);
    const good = selector(sli.matchers, [{ label: 'le', values: [String(sli.threshold)] }]);
    const events = `sum${group} (rate(${m.promName}_count${sel}[${window}]))`;
    return { events, errors: `${events} - sum${group} (rate(${m.promName}_bucket${good}[${window}]))` };
  }
  const rate = (s: Selector): string => `sum${group} (rate(${s.metric.promName}${selector(s.matchers)}[${window}]))`;
  const events = rate(sli.total);
  return { events, errors: sli.bad ? rate(sli.bad) : `${events} - ${rate(sli.good!)}` };
}

/** The expression of one burn-rate tier: both windows above factor × budget. */
export function burnExpr(slo: Slo, tier: BurnTier): string {
  const limit = fmt(burnThreshold(slo, tier));
  const sel = selector([{ label: 'slo', values: [slo.name] }]);
  return `${sloRecordNames(tier.long).errorRatio}${sel} > ${limit} and ${sloRecordNames(tier.short).errorRatio}${sel} > ${limit}`;
}

/** The SLI series whose absence the SLO's absent alert watches. */
export function sliSelector(slo: Slo): { series: string; matchers: readonly Matcher[] } {
  const sli = slo.sli;
  if (sli.kind === 'latency') return { series: `${sli.metric.promName}_count${selector(sli.matchers)}`, matchers: sli.matchers };
  return { series: `${sli.total.metric.promName}${selector(sli.total.matchers)}`, matchers: sli.total.matchers };
}

/** How long an SLI may be absent before the absent alert fires. */
export const SLI_ABSENT_FOR = '10m';

/**
 * What an alert measures, without its threshold: the expression an integration test can expect data
 * from whether or not the alert fires.
 */
export function alertProbe(a: Alert): string {
  const m = a.metric;
  const sel = selector(a.matchers);
  const w = a.window ?? '5m';
  switch (a.kind) {
    case 'rate':
    case 'baseline':
      return `sum${by(a.by)} (rate(${m.promName}${sel}[${w}]))`;
    case 'ratio': {
      const total = a.total ?? { metric: m, matchers: [] };
      return `sum${by(a.by)} (rate(${m.promName}${sel}[${w}])) / sum${by(a.by)} (rate(${total.metric.promName}${selector(total.matchers)}[${w}]))`;
    }
    case 'quantile':
      return `histogram_quantile(${fmt(a.quantile!)}, sum by (${['le', ...a.by].join(', ')}) (rate(${m.promName}_bucket${sel}[${w}])))`;
    case 'value':
      return `max${by(a.by)} (${m.promName}${sel})`;
    case 'absent':
      return `sum(increase(${eventSeries(m)}${sel}[${w}]))`;
  }
}
