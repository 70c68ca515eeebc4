// Prometheus rules as the codegen builds them: alerting rules as definitions (labels and templates)
// that become the rule file's entries and the exact alerts promtool must see in the rule tests.
import { expandTemplate, prometheusTemplate, type Template } from './alert-template.js';
import { templateText } from '../escape/go-template.js';
import type { ExpectedAlert } from './scenario.js';

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
export function expectedAlert(
  d: AlertDefinition,
  labels: Readonly<Record<string, string>>,
  value: number,
): ExpectedAlert {
  return {
    exp_labels: { ...d.labels, ...labels },
    exp_annotations: {
      summary: expandTemplate(d.annotations.summary, labels, value),
      description: expandTemplate(d.annotations.description, labels, value),
      runbook_url: expandTemplate(d.annotations.runbook_url, labels, value),
    },
  };
}
