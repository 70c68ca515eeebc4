// PromQL building blocks, written against the names the SDK really exposes.
import { labelMatcher } from '../escape/promql.js';
import type { Matcher, Metric, Schedule } from '../model.js';
import { crossesMidnight, DAY_NUMBERS, minuteOfDay } from '../schedule.js';

/** `{a="x", b=~"y|z"}` (empty string when there are no matchers); values are quoted for PromQL and RE2. */
export function selector(matchers: readonly Matcher[], extra: readonly Matcher[] = []): string {
  const all = [...matchers, ...extra].map((m) => labelMatcher(m.label, m.values));
  return all.length ? `{${all.join(', ')}}` : '';
}

/** Labels `absent()` returns for a selector: its single-value equality matchers. */
export function absentLabels(matchers: readonly Matcher[]): Record<string, string> {
  return Object.fromEntries(matchers.filter((m) => m.values.length === 1).map((m) => [m.label, m.values[0]!]));
}

/** ` by (a, b)` for an aggregation, or nothing when there are no labels to keep. */
export const byClause = (labels: readonly string[]): string => (labels.length ? ` by (${labels.join(', ')})` : '');

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
  const onDays = (day: string): string =>
    contiguous ? `${day} >= ${days[0]} <= ${days[days.length - 1]}` : days.map((d) => `${day} == ${d}`).join(' or ');
  const t = 'hour() * 60 + minute()';
  const start = minuteOfDay(s.start);
  const end = minuteOfDay(s.end);
  if (!crossesMidnight(s)) return `(${onDays('day_of_week()')}) and (${t} >= ${start}) and (${t} < ${end})`;
  return `((${onDays('day_of_week()')}) and (${t} >= ${start})) or ((${onDays('((day_of_week() + 6) % 7)')}) and (${t} < ${end}))`;
}
