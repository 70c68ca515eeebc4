// Values for synthetic telemetry, from the spec: enum members, examples, the values alerts and SLOs
// match on, and observations spread across a histogram's buckets.
import type { Attribute, AttributeUse, Metric, Model } from '../../codegen/model.js';
import { labelKey } from '../../codegen/resolve/metrics.js';
import type { AttributeValue } from '../../runtime/types.js';

/** Label combinations per metric at most: beyond it the first ones are sent (a budget is far larger). */
export const MAX_COMBINATIONS = 512;

/** Values alerts and SLOs match a metric's labels on: a dashboard or alert filtering on them finds data. */
function matchedValues(model: Model, m: Metric): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (
    metric: Metric | undefined,
    matchers: readonly { label: string; values: readonly string[] }[] | undefined,
  ): void => {
    if (metric?.name !== m.name) return;
    for (const x of matchers ?? []) out.set(x.label, [...(out.get(x.label) ?? []), ...x.values]);
  };
  for (const a of model.alerts) {
    add(a.metric, a.matchers);
    add(a.total?.metric, a.total?.matchers);
  }
  for (const s of model.slos) {
    if (s.sli.kind === 'latency') add(s.sli.metric, s.sli.matchers);
    else for (const sel of [s.sli.good, s.sli.bad, s.sli.total]) add(sel?.metric, sel?.matchers);
  }
  return out;
}

/** The values sent for one label: every member, both booleans, or matched values and examples within the bound. */
function labelValues(u: AttributeUse, matched: readonly string[]): (string | boolean | number)[] {
  const a = u.attr;
  if (a.type === 'enum') return a.members.map((m) => m.value);
  if (a.type === 'bool') return [true, false];
  if (a.type === 'int') {
    const ints = [...new Set([...matched.map(Number), ...a.examples].filter((e): e is number => Number.isInteger(e)))];
    const values = ints.length ? ints : [1, 2];
    return values.slice(0, Math.max(1, Math.min(values.length, a.maxCardinality ?? 2)));
  }
  const examples = a.examples.filter((e): e is string => typeof e === 'string');
  const values = [...new Set([...matched, ...examples, `${u.name}-a`, `${u.name}-b`])];
  return values.slice(0, Math.max(1, Math.min(values.length, a.maxCardinality ?? 2)));
}

/** Label sets of a metric, under the keys it is recorded with: the product of its labels' values, at most MAX_COMBINATIONS. */
export function labelSets(model: Model, m: Metric): Record<string, string | boolean | number>[] {
  const matched = matchedValues(model, m);
  let sets: Record<string, string | boolean | number>[] = [{}];
  for (const l of m.labels) {
    const values = labelValues(l, matched.get(l.name) ?? []);
    const key = labelKey(m, l);
    sets = sets.flatMap((s) => values.map((v) => ({ ...s, [key]: v }))).slice(0, MAX_COMBINATIONS);
  }
  return sets;
}

/** One observation in each bucket of a histogram, and one above the top bound. */
export function bucketValues(bounds: readonly number[]): number[] {
  if (!bounds.length) return [1];
  return [...bounds.map((b, i) => (i === 0 ? b / 2 : (bounds[i - 1]! + b) / 2)), bounds[bounds.length - 1]! * 1.5];
}

/** A value of an attribute's type, varying with `i`: members and examples in turn. */
export function attributeValue(a: Attribute, i: number): AttributeValue {
  const pick = <T>(xs: readonly T[]): T | undefined => (xs.length ? xs[i % xs.length] : undefined);
  switch (a.type) {
    case 'enum':
      return pick(a.members.map((m) => m.value)) ?? '';
    case 'bool':
      return i % 2 === 0;
    case 'int':
      return pick(a.examples.filter((e): e is number => Number.isInteger(e))) ?? 1 + (i % 5);
    case 'double':
      return pick(a.examples.filter((e): e is number => typeof e === 'number')) ?? 1.5 + (i % 5);
    case 'decimal':
      return { scaled: 1919900 + i, scale: 4 };
    case 'timestamp':
      return new Date();
    case 'string':
      return pick(a.examples.filter((e): e is string => typeof e === 'string')) ?? `${a.id}-example`;
  }
}

/** Values for every attribute of a signal (required and optional alike). */
export function attributeValues(uses: readonly AttributeUse[], i: number): Record<string, AttributeValue> {
  return Object.fromEntries(uses.map((u) => [u.name, attributeValue(u.attr, i)]));
}
