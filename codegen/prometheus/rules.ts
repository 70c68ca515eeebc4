import { literal, parseTemplate, prometheusTemplate, expandTemplate, type Template } from './alert-template.js';
import { templateText } from '../escape/go-template.js';
import { toYaml } from '../escape/yaml.js';
import type { Alert, Model, Slo } from '../model.js';
import { pascal } from '../names.js';
import { compareText } from '../order.js';
import { absentLabels, alertExpr, burnExpr, SLI_ABSENT_FOR, sliSelector, sloRates, sloResourceLabels, selector } from './promql.js';
import { burnThreshold, burnTiers, fmt, sloRecordNames, sloWindows } from './slo-windows.js';
import { header } from '../emit/ts-common.js';

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

/**
 * An alerting rule before it is written: labels as their values, annotations as templates. The rule
 * file gets them as Go templates (spec text escaped), the rule tests get them expanded.
 */
export interface AlertDefinition {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: { readonly summary: Template; readonly description: Template; readonly runbook_url: Template };
}

/** The rule as Prometheus reads it: label values and annotations are templates, so spec text is escaped. */
export function renderAlert(d: AlertDefinition): AlertingRule {
  return {
    alert: d.alert,
    expr: d.expr,
    for: d.for,
    labels: Object.fromEntries(Object.entries(d.labels).map(([k, v]) => [k, templateText(v)])),
    annotations: {
      summary: prometheusTemplate(d.annotations.summary),
      description: prometheusTemplate(d.annotations.description),
      runbook_url: prometheusTemplate(d.annotations.runbook_url),
    },
  };
}

/** What promtool must see for a firing alert of this definition with these series labels and value. */
export function expectedAlert(d: AlertDefinition, labels: Readonly<Record<string, string>>, value: number) {
  return {
    exp_labels: { ...d.labels, ...labels },
    exp_annotations: {
      summary: expandTemplate(d.annotations.summary, labels, value),
      description: expandTemplate(d.annotations.description, labels, value),
      runbook_url: expandTemplate(d.annotations.runbook_url, labels, value),
    },
  };
}

/** The rule of a semantic alert from the spec. */
export function alertRule(a: Alert): AlertingRule {
  return renderAlert(alertDefinition(a));
}

/** The rules of an SLO's alerts. */
export function sloAlertRules(slo: Slo): AlertingRule[] {
  return sloAlertDefinitions(slo).map(renderAlert);
}

/** The definition of a semantic alert from the spec. */
export function alertDefinition(a: Alert): AlertDefinition {
  return {
    alert: a.name,
    expr: alertExpr(a),
    for: a.for,
    labels: { severity: a.severity, ...a.labels },
    annotations: { summary: literal(a.summary), description: parseTemplate(a.description), runbook_url: literal(a.runbook) },
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
  const bySlo = selector([{ label: 'slo', values: [slo.name] }]);
  return sloWindows(slo).flatMap((w) => {
    const names = sloRecordNames(w);
    const rates = sloRates(slo, w, resourceLabels);
    const labels = { slo: slo.name };
    return [
      { record: names.events, expr: rates.events, labels },
      { record: names.errors, expr: rates.errors, labels },
      { record: names.errorRatio, expr: `${names.errors}${bySlo} / ${names.events}${bySlo}`, labels },
    ];
  });
}

/**
 * Multi-window multi-burn-rate alerts of an SLO (the tiers an error ratio can reach), labelled for
 * inhibition, then its absent-SLI alert.
 */
export function sloAlertDefinitions(slo: Slo): AlertDefinition[] {
  const pct = fmt((1 - slo.objective) * 100);
  const tiers = burnTiers(slo).map(
    (t): AlertDefinition => ({
      alert: burnAlertName(slo),
      expr: burnExpr(slo, t),
      for: t.for,
      labels: { severity: t.severity, slo: slo.name, tier: `${t.long}-${t.short}` },
      annotations: {
        summary: literal(`SLO ${slo.name} is burning its error budget too fast.`),
        description: [
          { kind: 'text', text: 'Error ratio ' },
          { kind: 'value', format: 'humanizePercentage' },
          { kind: 'text', text: ` over ${t.long} (and over ${t.short}) burns the ${slo.period} budget of ${pct}% at ${fmt(t.factor)}x or faster (above ${fmt(burnThreshold(slo, t))}). ${slo.brief}` },
        ],
        runbook_url: literal(slo.runbook),
      },
    }),
  );
  const sli = sliSelector(slo);
  return [
    ...tiers,
    {
      alert: sliAbsentAlertName(slo),
      expr: `absent(${sli.series})`,
      for: SLI_ABSENT_FOR,
      labels: { severity: 'warning', slo: slo.name, ...absentLabels(sli.matchers) },
      annotations: {
        summary: literal(`The SLI of SLO ${slo.name} has no data.`),
        description: literal(`No ${sli.series} series for ${SLI_ABSENT_FOR}: the SLO cannot be evaluated. Is the service down or not instrumented?`),
        runbook_url: literal(slo.runbook),
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
  const slos = [...model.slos].sort((a, b) => compareText(a.name, b.name));
  const alerts = [...model.alerts].sort((a, b) => compareText(a.name, b.name));
  return [
    ...slos.map((slo) => ({
      name: `ampy-slo-${slo.name}`,
      rules: [...sloRecordingRules(slo, sloResourceLabels(model)), ...sloAlertRules(slo)],
    })),
    ...(alerts.length ? [{ name: 'ampy-alerts', rules: alerts.map(alertRule) }] : []),
  ];
}

/** generated/prometheus/ampyobs.rules.yaml */
export function emitRules(model: Model): string {
  return `${header(model, '#')}\n${toYaml({ groups: ruleGroups(model) }, { lineWidth: 0 })}`;
}
