// Alerts, schedules and SLOs that make sense: naming and annotation conventions, the fields and
// comparisons each alert kind takes, labels that exist, thresholds an alert can cross both ways,
// schedules that open, burn-rate tiers an error ratio can reach.
import type { Diagnostic } from '../diagnostics.js';
import { locator, type SourceRef } from '../load.js';
import type { Alert, Matcher, Metric, Model, Selector } from '../model.js';
import { durationMs } from '../names.js';
import { minuteOfDay } from '../schedule.js';
import { parseTemplate } from './alert-template.js';
import { kindOf } from './kinds/index.js';
import { KIND_FIELDS, type KindField } from './kinds/kind.js';
import { totalOf } from './kinds/ratio.js';
import { countedMatcher } from './scenario.js';
import { SLO_RULE_LABELS } from './slo.js';
import { burnThreshold, fmt, unreachableBurnTiers } from './slo-windows.js';

const at = locator('codegen/prometheus/checks.ts');

const CAMEL = /^[A-Z][a-z0-9]*([A-Z][A-Za-z0-9]*)*$/;
const DAY = 86400e3;
/** An http(s) URL written with the characters RFC 3986 allows: what alert routers and browsers accept as a link. */
const RUNBOOK_URL = /^https?:\/\/[A-Za-z0-9._~:/?#[\]@!$&'()*+,;=%-]+$/;

function sub(src: SourceRef, ...p: (string | number)[]): SourceRef {
  return { file: src.file, path: [...src.path, ...p] };
}

/** Matchers and by-labels must name labels of the metric, and values must be legal for them. */
function checkLabels(
  metric: Metric,
  matchers: readonly Matcher[],
  by: readonly string[],
  src: SourceRef,
  what: string,
  diags: Diagnostic[],
): void {
  const labels = new Map(metric.labels.map((l) => [l.name, l]));
  const known = [...labels.keys()].join(', ') || 'none';
  for (const m of matchers) {
    const l = labels.get(m.label);
    const where = sub(src, 'matchers', m.label);
    if (!l) {
      diags.push(
        at(where, 'label-unknown', `${what}: '${metric.name}' has no label '${m.label}' (labels: ${known})`, true),
      );
      continue;
    }
    const a = l.attr;
    const legal = a.type === 'enum' ? a.members.map((x) => x.value) : a.type === 'bool' ? ['true', 'false'] : undefined;
    if (legal)
      for (const v of m.values)
        if (!legal.includes(v))
          diags.push(
            at(
              where,
              'label-value',
              `${what}: '${v}' is not a value of label '${m.label}' of '${metric.name}' (${legal.join(', ')})`,
            ),
          );
  }
  by.forEach((b, i) => {
    if (!labels.has(b))
      diags.push(
        at(
          sub(src, 'by', i),
          'label-unknown',
          `${what}: cannot group by '${b}', '${metric.name}' has no such label (labels: ${known})`,
        ),
      );
  });
}

/**
 * A label an alert groups by is not one the alert sets itself: Prometheus applies a rule's labels over
 * its series', so every group's alert would carry the rule's value, and two groups firing at once would
 * be one label set twice, which fails the rule's evaluation.
 */
function checkGroupingKept(a: Alert, what: string, diags: Diagnostic[]): void {
  a.by.forEach((b, i) => {
    if (b === 'severity')
      diags.push(
        at(
          sub(a.src, 'by', i),
          'by-label',
          `${what} cannot group by 'severity': the alert sets severity="${a.severity}" itself, over each group's value; group by another label`,
        ),
      );
    else if (Object.hasOwn(a.labels, b))
      diags.push(
        at(
          sub(a.src, 'labels', b),
          'by-label',
          `${what} groups by '${b}', and this label would overwrite it: every alert would carry ${b}="${a.labels[b]}", and two groups firing at once fail the rule in Prometheus; rename the label or drop '${b}' from by`,
        ),
      );
  });
}

/**
 * A ratio over one metric whose counted events are picked by no matcher its total lacks: they are the whole
 * total, so the ratio is 1 whatever happens (an alert on it always fires or never does, an SLO on `good`
 * never burns and on `bad` always does). Returns whether it said so.
 */
function checkCountedApart(
  counted: Selector,
  total: Selector,
  src: SourceRef,
  what: string,
  diags: Diagnostic[],
): boolean {
  if (counted.metric !== total.metric || countedMatcher(counted.matchers, total.matchers)) return false;
  const picked = counted.matchers.map((m) => `${m.label}: ${m.values.join(', ')}`).join('; ') || 'no matcher';
  diags.push(
    at(
      src,
      'ratio-total',
      `${what} counts its whole total: its events of '${counted.metric.name}' are picked by ${picked}, which its total has too, so the ratio is always 1; pick the counted events by a matcher the total does not have`,
    ),
  );
  return true;
}

/**
 * A ratio over one metric grouped by the only label that tells its counted events from the rest of its
 * total: each group then holds counted events only, or none, so its ratio is fixed whatever happens.
 */
function checkGroupingPicked(
  by: readonly string[],
  counted: Selector,
  total: Selector,
  src: SourceRef,
  what: string,
  diags: Diagnostic[],
): void {
  if (counted.metric !== total.metric) return;
  const picking = counted.matchers.filter((m) => by.includes(m.label) && countedMatcher([m], total.matchers));
  const rest = counted.matchers.filter((m) => !by.includes(m.label));
  if (countedMatcher(rest, total.matchers)) return;
  for (const m of picking)
    diags.push(
      at(
        sub(src, 'matchers', m.label),
        'by-label',
        `${what} groups by '${m.label}', the only label that tells the events it counts (${m.label}: ${m.values.join(', ')}) from the rest of its total: each group would hold only counted events or none, so its ratio could never change; group by another label`,
      ),
    );
}

/** Runbooks of alerts and SLOs are links a router and a browser accept. */
function checkRunbook(runbook: string, src: SourceRef, diags: Diagnostic[]): void {
  if (!RUNBOOK_URL.test(runbook))
    diags.push(
      at(
        src,
        'alert-runbook',
        `runbook must be an http(s) URL (RFC 3986 characters only, no spaces, quotes or braces), got '${runbook}'`,
      ),
    );
}

const FIELD_PRESENT: Readonly<Record<KindField, (a: Alert) => boolean>> = {
  threshold: (a) => a.threshold !== undefined,
  window: (a) => a.window !== undefined,
  quantile: (a) => a.quantile !== undefined,
  factor: (a) => a.factor !== undefined,
  baseline_window: (a) => a.baselineWindow !== undefined,
  total: (a) => a.total !== undefined,
};

/** The metric suits the kind, and the alert has the fields its kind needs and no others. */
function checkKind(a: Alert, diags: Diagnostic[]): void {
  const here = (...p: (string | number)[]) => sub(a.src, ...p);
  const kind = kindOf(a);
  const inst = a.metric.instrument;
  if (!kind.instruments.includes(inst))
    diags.push(
      at(
        here('metric'),
        'alert-kind',
        `a ${a.kind} alert needs a ${kind.instruments.join(' or ')}; '${a.metric.name}' is a ${inst}`,
      ),
    );
  if (a.total && a.total.metric.instrument !== 'counter')
    diags.push(
      at(
        here('total', 'metric'),
        'alert-kind',
        `a ratio's total must be a counter; '${a.total.metric.name}' is a ${a.total.metric.instrument}`,
      ),
    );

  for (const key of Object.keys(KIND_FIELDS) as KindField[]) {
    const use = kind.fields[key];
    const present = FIELD_PRESENT[key](a);
    if (use === 'required' && !present)
      diags.push(at(here(), 'alert-fields', `${a.kind} alert needs '${key}' (${KIND_FIELDS[key]})`));
    if (use === undefined && present)
      diags.push(at(here(key), 'alert-fields', `'${key}' has no meaning for a ${a.kind} alert`, true));
  }
}

/** Windows long enough for a rate and short enough for an alert (longer budgets are what SLOs are for). */
function checkWindows(a: Alert, diags: Diagnostic[]): void {
  const here = (...p: (string | number)[]) => sub(a.src, ...p);
  const min = kindOf(a).minWindow;
  if (a.baselineWindow && a.window && durationMs(a.baselineWindow) <= durationMs(a.window))
    diags.push(
      at(
        here('baseline_window'),
        'alert-window',
        `baseline_window ${a.baselineWindow} must be longer than window ${a.window}`,
      ),
    );
  if (a.window && min !== undefined && durationMs(a.window) < durationMs(min))
    diags.push(
      at(here('window'), 'alert-window', `window ${a.window} is shorter than ${min}: rates need at least four scrapes`),
    );
  // Longer horizons are what SLOs are for; they also bound the rule tests, which step minute by minute.
  if (a.window && durationMs(a.window) > DAY)
    diags.push(
      at(here('window'), 'alert-window', `window ${a.window} is longer than 1d: for budgets over days, declare an SLO`),
    );
  if (durationMs(a.for) > DAY)
    diags.push(
      at(here('for'), 'alert-window', `for ${a.for} is longer than 1d: for budgets over days, declare an SLO`),
    );
  if (a.baselineWindow && durationMs(a.baselineWindow) > 30 * DAY)
    diags.push(at(here('baseline_window'), 'alert-window', `baseline_window ${a.baselineWindow} is longer than 30d`));
}

/** The comparison suits the kind, and the threshold lets the alert both fire and go quiet. */
function checkThreshold(a: Alert, diags: Diagnostic[]): void {
  const here = (...p: (string | number)[]) => sub(a.src, ...p);
  const kind = kindOf(a);
  const opProblem = kind.opProblem(a);
  if (opProblem) {
    diags.push(at(here('op'), 'alert-threshold', opProblem));
    return;
  }
  const t = a.threshold;
  const range = kind.range(a);
  if (t === undefined || !range) return;
  const { lo, hi, what } = range;
  // The condition must be able to hold (or the alert never fires) and to fail (or it always fires).
  const can = {
    '>': [t < hi, t >= lo],
    '>=': [t <= hi, t > lo],
    '<': [t > lo, t <= hi],
    '<=': [t >= lo, t < hi],
    '==': [true, true],
  }[a.op];
  const [fires, quietToo] = can as [boolean, boolean];
  const quiet = quietToo || range.quietAnyway === true;
  if (!fires)
    diags.push(
      at(here('threshold'), 'alert-threshold', `${a.name} can never fire: ${what}, so it is never ${a.op} ${fmt(t)}`),
    );
  else if (!quiet)
    diags.push(
      at(
        here('threshold'),
        'alert-threshold',
        `${a.name} fires whenever there is data: ${what}, so it is always ${a.op} ${fmt(t)}`,
      ),
    );
}

/** Alerts: naming and annotation conventions, kind vs instrument, fields per kind, windows, labels, thresholds; schedules. */
function checkAlerts(model: Model, diags: Diagnostic[]): void {
  for (const a of model.alerts) {
    const here = (...p: (string | number)[]) => sub(a.src, ...p);
    const what = `alert ${a.name}`;
    if (!CAMEL.test(a.name))
      diags.push(at(here('name'), 'alert-name', `alert name '${a.name}' must be CamelCase, e.g. AmpyOMSRejectsHigh`));
    if (!a.summary.trim().endsWith('.'))
      diags.push(at(here('summary'), 'alert-summary', `summary must be one static sentence ending in a period`));
    if (a.summary.includes('{{'))
      diags.push(
        at(
          here('summary'),
          'alert-summary',
          `summary must be static; put {{ $labels }} and {{ $value }} in description`,
        ),
      );
    checkRunbook(a.runbook, here('runbook'), diags);
    checkKind(a, diags);
    checkWindows(a, diags);

    checkLabels(a.metric, a.matchers, a.by, a.src, what, diags);
    checkGroupingKept(a, what, diags);
    if (a.kind === 'ratio' && !checkCountedApart(a, totalOf(a), a.src, what, diags))
      checkGroupingPicked(a.by, a, totalOf(a), a.src, what, diags);
    for (const part of parseTemplate(a.description)) {
      if (part.kind === 'label' && !a.by.includes(part.label))
        diags.push(
          at(
            here('description'),
            'alert-template',
            `{{ $labels.${part.label} }} is empty: the alert's series carry only its 'by' labels (${a.by.join(', ') || 'none'})`,
          ),
        );
      else if (part.kind === 'unsupported')
        diags.push(
          at(
            here('description'),
            'alert-template',
            `{{ ${part.inner} }} is not supported: use {{ $labels.<by label> }}, {{ $value | humanize }} or {{ $value | humanizePercentage }}`,
          ),
        );
    }
    if (a.total) {
      const totalLabels = new Set(a.total.metric.labels.map((l) => l.name));
      checkLabels(a.total.metric, a.total.matchers, [], sub(a.src, 'total'), what, diags);
      a.by.forEach((b, i) => {
        if (!totalLabels.has(b))
          diags.push(
            at(
              here('by', i),
              'label-unknown',
              `${what}: total '${a.total!.metric.name}' has no label '${b}' to group by`,
            ),
          );
      });
    }
    checkThreshold(a, diags);
  }

  for (const s of model.schedules)
    if (minuteOfDay(s.start) === minuteOfDay(s.end))
      diags.push(
        at(
          sub(s.src, 'end'),
          'schedule',
          `schedule '${s.id}' starts and ends at ${s.start}, so it is never open; a window may cross midnight (22:00 to 02:00), but not last 24 hours`,
        ),
      );
}

/** SLOs: runbook, period, a latency threshold on a bucket boundary, labels, and burn tiers an error ratio can reach. */
function checkSlos(model: Model, diags: Diagnostic[]): void {
  for (const s of model.slos) {
    const here = (...p: (string | number)[]) => sub(s.src, ...p);
    const what = `SLO ${s.name}`;
    checkRunbook(s.runbook, here('runbook'), diags);
    const days = durationMs(s.period) / 86400e3;
    if (days < 1 || days > 90)
      diags.push(at(here('period'), 'slo-period', `period ${s.period} must be between 1d and 90d`));
    if (s.sli.kind === 'latency') {
      const m = s.sli.metric;
      // A latency SLI on another instrument is reported when it is resolved.
      if (m.instrument === 'histogram' && m.buckets && !m.buckets.boundaries.includes(s.sli.threshold))
        diags.push(
          at(
            here('sli', 'threshold'),
            'slo-threshold-bucket',
            `threshold ${s.sli.threshold} is not a bucket boundary of '${m.name}' (${m.buckets.boundaries.join(', ')}): good events are counted from the le="${s.sli.threshold}" bucket`,
          ),
        );
      checkLabels(m, s.sli.matchers, s.by, sub(s.src, 'sli'), what, diags);
    } else {
      for (const key of ['good', 'bad', 'total'] as const) {
        const sel = s.sli[key];
        if (sel) checkLabels(sel.metric, sel.matchers, s.by, sub(s.src, 'sli', key), what, diags);
      }
      const key = s.sli.good ? 'good' : 'bad';
      const counted = s.sli[key];
      if (counted && !checkCountedApart(counted, s.sli.total, here('sli', key), what, diags))
        checkGroupingPicked(s.by, counted, s.sli.total, here('sli', key), what, diags);
    }
    s.by.forEach((b, i) => {
      if ((SLO_RULE_LABELS as readonly string[]).includes(b))
        diags.push(
          at(
            here('by', i),
            'by-label',
            `${what} cannot group by '${b}': its recordings and alerts set ${SLO_RULE_LABELS.join(', ')} themselves, over each group's value; group by another label`,
          ),
        );
    });
    for (const t of unreachableBurnTiers(s)) {
      const keep = 1 - 1 / t.factor;
      diags.push(
        at(
          here('objective'),
          'slo-burn-tier',
          `SLO ${s.name}: burn tier ${t.long}/${t.short} (${fmt(t.factor)}x) is left out: it would fire above an error ratio of ${fmt(burnThreshold(s, t))}, and an error ratio never exceeds 1; an objective above ${fmt(Number(keep.toPrecision(6)))} keeps it`,
        ),
      );
    }
  }
}

/** Alerts, schedules and SLOs. */
export function checkAlerting(model: Model, diags: Diagnostic[]): void {
  checkAlerts(model, diags);
  checkSlos(model, diags);
}
