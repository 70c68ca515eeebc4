// An SLO as Prometheus rules: events, errors and error-ratio recordings per window, multi-window
// multi-burn-rate alerts and an absent-SLI alert.
import type { SloDefinition } from '../../runtime/slo/definition.js';
import type { Matcher, Model, Selector, Slo } from '../model.js';
import { durationMs, pascal } from '../names.js';
import { literal } from './alert-template.js';
import { renderAlert, type AlertDefinition, type AlertingRule, type RecordingRule } from './definition.js';
import { absentLabels, byClause, selector } from './promql.js';
import {
  burnThreshold,
  burnTiers,
  fmt,
  formatDuration,
  sloRecordNames,
  sloWindows,
  type BurnTier,
} from './slo-windows.js';

/**
 * Resource labels SLOs are kept per (service and environment: budgets are never shared across them),
 * as the spec maps them onto series.
 */
export function sloResourceLabels(model: {
  readonly resource: readonly { readonly attr: { readonly id: string }; readonly metricLabel?: string }[];
}): string[] {
  return model.resource
    .filter((r) => r.metricLabel && (r.attr.id === 'service.name' || r.attr.id === 'deployment.environment'))
    .map((r) => r.metricLabel!);
}

/** Events and errors per second of an SLO over a window (before the recording rules name them). */
export function sloRates(
  slo: Slo,
  window: string,
  resourceLabels: readonly string[] = [],
): { events: string; errors: string } {
  const sli = slo.sli;
  const group = byClause([...resourceLabels, ...slo.by]);
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
  if (sli.kind === 'latency')
    return { series: `${sli.metric.promName}_count${selector(sli.matchers)}`, matchers: sli.matchers };
  return { series: `${sli.total.metric.promName}${selector(sli.total.matchers)}`, matchers: sli.total.matchers };
}

/**
 * Labels an SLO's rules set themselves: `slo` on its recordings and alerts, `tier` and `severity` on its
 * burn-rate alerts. An SLO cannot group by them (codegen/prometheus/checks.ts).
 */
export const SLO_RULE_LABELS = ['slo', 'tier', 'severity'] as const;

/** How long an SLI may be absent before the absent alert fires. */
export const SLI_ABSENT_FOR = '10m';

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
  const tiers = burnTiers(slo).map((t): AlertDefinition => ({
    alert: burnAlertName(slo),
    expr: burnExpr(slo, t),
    for: t.for,
    labels: {
      severity: t.severity,
      slo: slo.name,
      tier: `${t.long}-${t.short}`,
    } satisfies Record<(typeof SLO_RULE_LABELS)[number], string>,
    annotations: {
      summary: literal(`SLO ${slo.name} is burning its error budget too fast.`),
      description: [
        { kind: 'text', text: 'Error ratio ' },
        { kind: 'value', format: 'humanizePercentage' },
        {
          kind: 'text',
          text: ` over ${t.long} (and over ${t.short}) burns the ${slo.period} budget of ${pct}% at ${fmt(t.factor)}x or faster (above ${fmt(burnThreshold(slo, t))}). ${slo.brief}`,
        },
      ],
      runbook_url: literal(slo.runbook),
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
        summary: literal(`The SLI of SLO ${slo.name} has no data.`),
        description: literal(
          `No ${sli.series} series for ${SLI_ABSENT_FOR}: the SLO cannot be evaluated. Is the service down or not instrumented?`,
        ),
        runbook_url: literal(slo.runbook),
      },
    },
  ];
}

/** The rules of an SLO's alerts. */
export function sloAlertRules(slo: Slo): AlertingRule[] {
  return sloAlertDefinitions(slo).map(renderAlert);
}

/** An SLO's rule group: recordings before the alerts that read them. */
export function sloRuleGroup(
  model: Pick<Model, 'resource'>,
  slo: Slo,
): { name: string; rules: (AlertingRule | RecordingRule)[] } {
  return {
    name: `ampy-slo-${slo.name}`,
    rules: [...sloRecordingRules(slo, sloResourceLabels(model)), ...sloAlertRules(slo)],
  };
}

/**
 * An SLO as the runtime evaluates it in process (GET /slos): the same SLI, windows, tiers, thresholds and
 * alert names as its recording rules and alerts, so the two agree.
 */
export function sloDefinition(slo: Slo): SloDefinition {
  const selector = (s: Selector) => ({
    metric: s.metric.name,
    matchers: s.matchers.map((m) => ({ label: m.label, values: [...m.values] })),
  });
  const sli = slo.sli;
  return {
    name: slo.name,
    brief: slo.brief,
    objective: slo.objective,
    period: formatDuration(durationMs(slo.period)),
    periodMs: durationMs(slo.period),
    by: [...slo.by],
    sli:
      sli.kind === 'latency'
        ? {
            kind: 'latency',
            metric: sli.metric.name,
            matchers: sli.matchers.map((m) => ({ label: m.label, values: [...m.values] })),
            threshold: sli.threshold,
          }
        : {
            kind: 'ratio',
            total: selector(sli.total),
            ...(sli.good && { good: selector(sli.good) }),
            ...(sli.bad && { bad: selector(sli.bad) }),
          },
    windows: sloWindows(slo).map((w) => ({ name: w, ms: durationMs(w) })),
    tiers: burnTiers(slo).map((t) => ({
      long: t.long,
      longMs: durationMs(t.long),
      short: t.short,
      shortMs: durationMs(t.short),
      factor: t.factor,
      threshold: burnThreshold(slo, t),
      severity: t.severity,
      for: t.for,
      forMs: durationMs(t.for),
      alert: burnAlertName(slo),
    })),
  };
}
