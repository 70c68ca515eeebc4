import { stringify } from 'yaml';
import type { Alert, Model, Slo } from '../model.js';
import { pascal } from '../names.js';
import { absentLabels, alertExpr, burnExpr, SLI_ABSENT_FOR, sliSelector, sloRates, sloResourceLabels } from '../promql.js';
import { burnTiers, fmt, sloRecordNames, sloWindows } from '../slo-windows.js';
import { header } from './ts-common.js';

export interface AlertingRule {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly labels: Record<string, string>;
  readonly annotations: { summary: string; description: string; runbook_url: string };
}
export interface RecordingRule {
  readonly record: string;
  readonly expr: string;
  readonly labels?: Record<string, string>;
}
export interface RuleGroup {
  readonly name: string;
  readonly rules: (AlertingRule | RecordingRule)[];
}

/** The rule of a semantic alert from the spec. */
export function alertRule(a: Alert): AlertingRule {
  return {
    alert: a.name,
    expr: alertExpr(a),
    for: a.for,
    labels: { severity: a.severity, ...a.labels },
    annotations: { summary: a.summary, description: a.description, runbook_url: a.runbook },
  };
}

/** Name of an SLO's burn-rate alert (one rule per tier, told apart by the `tier` label). */
export function burnAlertName(slo: Slo): string {
  return `AmpySLO${pascal(slo.name.replace(/-/g, '_'))}ErrorBudgetBurn`;
}
export function sliAbsentAlertName(slo: Slo): string {
  return `AmpySLO${pascal(slo.name.replace(/-/g, '_'))}SLIAbsent`;
}

/** Recording rules of an SLO: events, errors and their ratio for every window (totals, not only ratios). */
export function sloRecordingRules(slo: Slo, resourceLabels: readonly string[] = []): RecordingRule[] {
  return sloWindows(slo).flatMap((w) => {
    const names = sloRecordNames(w);
    const rates = sloRates(slo, w, resourceLabels);
    const labels = { slo: slo.name };
    return [
      { record: names.events, expr: rates.events, labels },
      { record: names.errors, expr: rates.errors, labels },
      { record: names.errorRatio, expr: `${names.errors}{slo="${slo.name}"} / ${names.events}{slo="${slo.name}"}`, labels },
    ];
  });
}

/** Multi-window multi-burn-rate alerts of an SLO, tiers labelled for inhibition, plus its absent-SLI alert. */
export function sloAlertRules(slo: Slo): AlertingRule[] {
  const pct = fmt((1 - slo.objective) * 100);
  const tiers = burnTiers(slo).map((t) => ({
    alert: burnAlertName(slo),
    expr: burnExpr(slo, t),
    for: t.for,
    labels: { severity: t.severity, slo: slo.name, tier: `${t.long}-${t.short}` },
    annotations: {
      summary: `SLO ${slo.name} is burning its error budget too fast.`,
      description: `Error ratio {{ $value | humanizePercentage }} over ${t.long} (and over ${t.short}) burns the ${slo.period} budget of ${pct}% at ${fmt(t.factor)}x or faster. ${slo.brief}`,
      runbook_url: slo.runbook,
    },
  }));
  const sli = sliSelector(slo);
  return [
    ...tiers,
    {
      alert: sliAbsentAlertName(slo),
      expr: `absent(${sli.series})`,
      for: SLI_ABSENT_FOR,
      labels: { severity: 'warning', slo: slo.name, ...absentLabels(sli.matchers) },
      annotations: {
        summary: `The SLI of SLO ${slo.name} has no data.`,
        description: `No ${sli.series} series for ${SLI_ABSENT_FOR}: the SLO cannot be evaluated. Is the service down or not instrumented?`,
        runbook_url: slo.runbook,
      },
    },
  ];
}

/**
 * All rule groups. Each SLO is one group, recordings before the alerts that read them: rules of a group
 * run in order, while groups have no order between them, so an alert in another group could read the
 * previous evaluation's recording.
 */
export function ruleGroups(model: Model): RuleGroup[] {
  const slos = [...model.slos].sort((a, b) => a.name.localeCompare(b.name));
  const alerts = [...model.alerts].sort((a, b) => a.name.localeCompare(b.name));
  return [
    ...slos.map((slo) => ({ name: `ampy-slo-${slo.name}`, rules: [...sloRecordingRules(slo, sloResourceLabels(model)), ...sloAlertRules(slo)] })),
    ...(alerts.length ? [{ name: 'ampy-alerts', rules: alerts.map(alertRule) }] : []),
  ];
}

/** generated/prometheus/ampyobs.rules.yaml */
export function emitRules(model: Model): string {
  return `${header(model, '#')}\n${stringify({ groups: ruleGroups(model) }, { lineWidth: 0 })}`;
}
