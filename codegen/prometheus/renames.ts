// A renamed metric's transition: recording rules that keep its old series, computed from the new ones,
// until the day its rename declares. Dashboards and alerts outside this repository that still read the
// old name keep their data meanwhile; after that day the rules record nothing.
import { prometheusSeries } from '../../conventions/index.js';
import { promString } from '../escape/promql.js';
import type { Metric, Model, RenamedMetric } from '../model.js';
import { compareText } from '../order.js';
import { renamedLabel } from '../validate/metrics.js';
import type { RecordingRule, RuleGroup } from './definition.js';
import { inputSeries, sampleValue, type TestCase } from './scenario.js';

/** The label every recorded old series carries: the metric that really holds the data. */
export const RENAMED_TO_LABEL = 'renamed_to';

/** The series names Prometheus holds for a metric: a histogram's three, else its one. */
export function exposedSeries(m: Metric): string[] {
  return prometheusSeries(m.name, m.instrument);
}

/** The end of a transition as a Unix time in seconds: 00:00 UTC of the `until` day. */
export function transitionEnd(r: RenamedMetric): number {
  return Date.parse(`${r.until ?? '1970-01-01'}T00:00:00Z`) / 1000;
}

/** An old series, from the new one: new label names given back their old names, and only until the end. */
function oldFromNew(r: RenamedMetric, newSeries: string): string {
  let expr = `${newSeries} and on() (vector(time()) < ${transitionEnd(r)})`;
  for (const l of r.from.labels) {
    const n = renamedLabel(l, r.to.labels);
    if (n && n.name !== l.name)
      expr = `label_replace(${expr}, ${promString(l.name)}, "$1", ${promString(n.name)}, "(.*)")`;
  }
  return expr;
}

/** The recording rules of every rename, or no group when nothing is renamed. */
export function renameRuleGroups(model: Model): RuleGroup[] {
  const renames = [...model.renamedMetrics].sort((a, b) => compareText(a.from.name, b.from.name));
  if (!renames.length) return [];
  const rules: RecordingRule[] = renames.flatMap((r) => {
    const olds = exposedSeries(r.from);
    return exposedSeries(r.to).map((s, i) => ({
      record: olds[i]!,
      expr: oldFromNew(r, s),
      labels: { [RENAMED_TO_LABEL]: r.to.name },
    }));
  });
  return [{ name: 'ampy-renamed-metrics', rules }];
}

/** promtool tests: during the transition each old series holds the new one's value under the old label names. */
export function renameTests(model: Model): TestCase[] {
  return [...model.renamedMetrics]
    .sort((a, b) => compareText(a.from.name, b.from.name))
    .map((r) => {
      const labels: Record<string, string> = {};
      for (const l of r.to.labels) labels[l.name] = sampleValue(l);
      if (r.to.instrument === 'histogram') labels['le'] = '+Inf';
      const oldLabels: Record<string, string> = { ...labels, [RENAMED_TO_LABEL]: r.to.name };
      for (const l of r.from.labels) {
        const n = renamedLabel(l, r.to.labels);
        if (n) oldLabels[l.name] = labels[n.name]!;
      }
      const newName = exposedSeries(r.to)[0]!;
      const oldName = exposedSeries(r.from)[0]!;
      const text = (name: string, ls: Record<string, string>): string =>
        `${name}{${Object.entries(ls)
          .sort(([a], [b]) => compareText(a, b))
          .map(([k, v]) => `${k}=${promString(v)}`)
          .join(', ')}}`;
      return {
        name: `${r.from.name} is recorded from ${r.to.name} during its transition`,
        interval: '1m',
        input_series: inputSeries([{ name: newName, labels, start: 0, slope: 1 }], 10),
        promql_expr_test: [
          { expr: oldName, eval_time: '5m', exp_samples: [{ labels: text(oldName, oldLabels), value: 5 }] },
        ],
      };
    });
}
