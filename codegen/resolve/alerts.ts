// Schedules and alerts: the metric, total and schedule each alert names.
import type { Diagnostic } from '../diagnostics.js';
import type { MergedSpec } from '../merge.js';
import type { Alert, Schedule } from '../model.js';
import { indexUnique, sub, type Missing } from './refs.js';
import { suggest } from '../suggest.js';
import { matchers, type MetricRefs } from './selectors.js';

export function resolveSchedules(merged: MergedSpec, diags: Diagnostic[]): Schedule[] {
  const scheduleIndex = indexUnique(merged.lists.schedules, (r) => r.id, 'schedule', diags);
  return [...scheduleIndex.values()].map(({ raw, src }) => ({ ...raw, src }));
}

export function resolveAlerts(
  merged: MergedSpec,
  schedules: readonly Schedule[],
  refs: MetricRefs,
  missing: Missing,
  diags: Diagnostic[],
): Alert[] {
  const scheduleById = new Map(schedules.map((s) => [s.id, s]));
  const alertIndex = indexUnique(merged.lists.alerts, (r) => r.name, 'alert', diags);
  const alerts: Alert[] = [];
  for (const { raw, src } of alertIndex.values()) {
    const metric = refs.metric(raw.metric, sub(src, 'metric'));
    const total = refs.selector(raw.total, sub(src, 'total'));
    let during: Schedule | undefined;
    if (raw.during !== undefined) {
      during = scheduleById.get(raw.during);
      if (!during) missing(sub(src, 'during'), 'schedule', raw.during, suggest(raw.during, scheduleById.keys()));
    }
    if (!metric || (raw.total && !total) || (raw.during !== undefined && !during)) continue;
    alerts.push({
      name: raw.name,
      kind: raw.kind,
      metric,
      matchers: matchers(raw.matchers),
      ...(total && { total }),
      by: raw.by ?? [],
      ...(raw.quantile !== undefined && { quantile: raw.quantile }),
      op: raw.op ?? '>',
      ...(raw.threshold !== undefined && { threshold: raw.threshold }),
      ...(raw.factor !== undefined && { factor: raw.factor }),
      ...(raw.baseline_window !== undefined && { baselineWindow: raw.baseline_window }),
      ...(raw.window !== undefined && { window: raw.window }),
      for: raw.for ?? '0s',
      ...(during && { during }),
      severity: raw.severity,
      summary: raw.summary,
      description: raw.description,
      runbook: raw.runbook,
      labels: raw.labels ?? {},
      src,
    });
  }
  return alerts;
}
