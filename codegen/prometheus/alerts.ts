// A spec alert as a Prometheus rule, whatever its kind: the kind's expression, gated by the alert's
// schedule, with its labels and annotations.
import type { Alert } from '../model.js';
import { literal, parseTemplate } from './alert-template.js';
import { renderAlert, type AlertDefinition, type AlertingRule } from './definition.js';
import { kindOf } from './kinds/index.js';
import type { Evaluation } from './kinds/kind.js';
import { scheduleExpr } from './promql.js';
import { clock, type SimSeries } from './rule-sim.js';
import { scheduleOpen } from '../schedule.js';

/** The expression of a semantic alert. */
export function alertExpr(a: Alert): string {
  const expr = kindOf(a).expr(a);
  return a.during ? `(${expr}) and on() (${scheduleExpr(a.during)})` : expr;
}

/**
 * What an alert measures, without its threshold: the expression an integration test can expect data
 * from whether or not the alert fires.
 */
export function alertProbe(a: Alert): string {
  return kindOf(a).probe(a);
}

/** The value of an alert's expression over synthetic series, silent while its schedule is closed. */
export function alertValue(a: Alert, series: readonly SimSeries[], stepMs: number): Evaluation {
  const value = kindOf(a).simulate(a, series, stepMs);
  const during = a.during;
  if (!during) return value;
  return (t) => {
    const { dayOfWeek, minuteOfDay } = clock(t);
    return scheduleOpen(during, dayOfWeek, minuteOfDay) ? value(t) : undefined;
  };
}

/** The definition of a semantic alert from the spec. */
export function alertDefinition(a: Alert): AlertDefinition {
  return {
    alert: a.name,
    expr: alertExpr(a),
    for: a.for,
    labels: { severity: a.severity, ...a.labels },
    annotations: {
      summary: literal(a.summary),
      description: parseTemplate(a.description),
      runbook_url: literal(a.runbook),
    },
  };
}

/** The rule of a semantic alert from the spec. */
export function alertRule(a: Alert): AlertingRule {
  return renderAlert(alertDefinition(a));
}
