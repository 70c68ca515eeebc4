// What generated rule tests are made of: synthetic series in promtool's expanding notation, the label
// values they carry, and the shape of promtool's test cases.
import { promString } from '../escape/promql.js';
import type { AttributeUse, Matcher, Metric } from '../model.js';
import { own } from '../own.js';
import type { SimSeries } from './rule-sim.js';
import { fmt, formatDuration } from './slo-windows.js';

export const MINUTE = 60e3;
export const HOUR = 3600e3;

/** A linear counter or a constant: value = start + slope × step. */
export interface Linear {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly start: number;
  readonly slope: number;
  /** Optional second phase: from this step on, the slope changes. */
  readonly change?: { readonly step: number; readonly slope: number };
}

/** The series as the rule simulation reads it. */
export function toSim(l: Linear): SimSeries {
  return {
    name: l.name,
    labels: l.labels,
    at: (i) =>
      l.change && i > l.change.step
        ? l.start + l.slope * l.change.step + l.change.slope * (i - l.change.step)
        : l.start + l.slope * i,
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

/** A test case's input_series for these series over `steps` steps. */
export const inputSeries = (series: readonly Linear[], steps: number): { series: string; values: string }[] =>
  series.map((l) => ({ series: seriesText(l), values: valuesText(l, steps) }));

/** A value an attribute's label can take in a test: a member, a spec example, or a made-up bounded string. */
export function sampleValue(use: AttributeUse, avoid: readonly string[] = []): string {
  const a = use.attr;
  const candidates =
    a.type === 'enum'
      ? a.members.map((m) => m.value)
      : a.type === 'bool'
        ? ['true', 'false']
        : [...a.examples.filter((e): e is string => typeof e === 'string'), `${use.name}-a`, `${use.name}-b`];
  return candidates.find((c) => !avoid.includes(c)) ?? `${use.name}-other`;
}

/** Labels of the synthetic series of an alert: matcher values (first of each) and a value per by-label. */
export function alertLabels(
  m: Metric,
  a: { readonly matchers: readonly Matcher[]; readonly by: readonly string[] },
): Record<string, string> {
  const out = new Map(a.matchers.map((mt) => [mt.label, mt.values[0]!]));
  for (const b of a.by) if (!out.has(b)) out.set(b, sampleValue(m.labels.find((l) => l.name === b)!));
  return Object.fromEntries(out);
}

/** The `by` labels of those series: what each alert (or an SLO's recordings) of that group carries. */
export function groupLabels(
  m: Metric,
  a: { readonly matchers: readonly Matcher[]; readonly by: readonly string[] },
): Record<string, string> {
  const all = alertLabels(m, a);
  return Object.fromEntries(a.by.map((b) => [b, all[b]!]));
}

/**
 * The matcher that tells a ratio's counted events from the rest of its total (over the same metric): the
 * first one the total does not share. The rest of the total carries another value of its label.
 */
export function countedMatcher(counted: readonly Matcher[], total: readonly Matcher[]): Matcher | undefined {
  return counted.find(
    (m) =>
      !total.some(
        (t) =>
          t.label === m.label && t.values.length === m.values.length && t.values.every((v) => m.values.includes(v)),
      ),
  );
}

/** Whether a simulated series has this name and meets every matcher. */
export function matches(s: SimSeries, name: string, matchers: readonly Matcher[]): boolean {
  return s.name === name && matchers.every((m) => m.values.includes(own(s.labels, m.label) ?? ''));
}

export interface ExpectedAlert {
  exp_labels: Record<string, string>;
  exp_annotations: Record<string, string>;
}
export interface AlertTest {
  readonly eval_time: string;
  readonly alertname: string;
  readonly exp_alerts: ExpectedAlert[];
}
/** One promtool test case. */
export interface TestCase {
  readonly name: string;
  readonly interval: string;
  readonly input_series: { series: string; values: string }[];
  readonly alert_rule_test?: AlertTest[];
  readonly promql_expr_test?: { expr: string; eval_time: string; exp_samples: { labels: string; value: number }[] }[];
}

/** promtool's eval_time for a time in milliseconds. */
export const evalTime = (ms: number): string => (ms === 0 ? '0s' : formatDuration(ms));
