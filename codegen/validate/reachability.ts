// Alerts that can fire, and go quiet: thresholds inside the range of what they compare, schedules that
// open, SLO burn-rate tiers an error ratio can reach.
import type { Diagnostic } from '../diagnostics.js';
import { at, type SourceRef } from '../load.js';
import type { Alert, Model } from '../model.js';
import { minuteOfDay } from '../schedule.js';
import { burnThreshold, fmt, unreachableBurnTiers } from '../prometheus/slo-windows.js';

function sub(src: SourceRef, ...p: (string | number)[]): SourceRef {
  return { file: src.file, path: [...src.path, ...p] };
}

/** The values an alert's expression can take, and what they are, for messages. */
function valueRange(a: Alert): { lo: number; hi: number; what: string } | undefined {
  switch (a.kind) {
    case 'rate':
    case 'baseline':
      return { lo: 0, hi: Infinity, what: 'a rate is never negative' };
    case 'ratio':
      return { lo: 0, hi: 1, what: 'a ratio lies between 0 and 1' };
    case 'quantile': {
      const b = a.metric.buckets?.boundaries;
      if (!b?.length) return undefined;
      // All observations in the first bucket give q × its bound; in +Inf, histogram_quantile gives the top bound.
      const lo = b[0]! > 0 ? b[0]! * a.quantile! : b[0]!;
      const hi = b[b.length - 1]!;
      return { lo, hi, what: `histogram_quantile(${fmt(a.quantile!)}) over buckets ${b.join(', ')} lies between ${fmt(lo)} and ${fmt(hi)}` };
    }
    case 'value':
    case 'absent':
      return undefined;
  }
}

function checkThreshold(a: Alert, diags: Diagnostic[]): void {
  const here = (...p: (string | number)[]) => sub(a.src, ...p);
  if (a.op === '==' && a.kind !== 'value') {
    diags.push(at(here('op'), 'error', 'alert-threshold', `'==' compares exactly, and a ${a.kind} computed over a window almost never equals a threshold: use >, >=, < or <=`));
    return;
  }
  if (a.kind === 'baseline' && a.op !== '>') {
    diags.push(at(here('op'), 'error', 'alert-threshold', `a baseline alert fires when the rate is above factor × its baseline and above threshold: 'op' can only be '>'`));
    return;
  }
  const t = a.threshold;
  const range = valueRange(a);
  if (t === undefined || !range) return;
  const { lo, hi, what } = range;
  // The condition must be able to hold (or the alert never fires) and to fail (or it always fires).
  const can = { '>': [t < hi, t >= lo], '>=': [t <= hi, t > lo], '<': [t > lo, t <= hi], '<=': [t >= lo, t < hi], '==': [true, true] }[a.op];
  const [fires, quietToo] = can as [boolean, boolean];
  // A baseline alert is quiet while the rate stays near its baseline, whatever the threshold.
  const quiet = quietToo || a.kind === 'baseline';
  if (!fires) diags.push(at(here('threshold'), 'error', 'alert-threshold', `${a.name} can never fire: ${what}, so it is never ${a.op} ${fmt(t)}`));
  else if (!quiet) diags.push(at(here('threshold'), 'error', 'alert-threshold', `${a.name} fires whenever there is data: ${what}, so it is always ${a.op} ${fmt(t)}`));
}

/** Alert thresholds and schedules that make sense, and SLO tiers an error ratio can reach. */
export function checkReachability(model: Model, diags: Diagnostic[]): void {
  for (const a of model.alerts) checkThreshold(a, diags);

  for (const s of model.schedules)
    if (minuteOfDay(s.start) === minuteOfDay(s.end))
      diags.push(at(sub(s.src, 'end'), 'error', 'schedule', `schedule '${s.id}' starts and ends at ${s.start}, so it is never open; a window may cross midnight (22:00 to 02:00), but not last 24 hours`));

  for (const slo of model.slos)
    for (const t of unreachableBurnTiers(slo)) {
      const keep = 1 - 1 / t.factor;
      diags.push(
        at(
          sub(slo.src, 'objective'),
          'warning',
          'slo-burn-tier',
          `SLO ${slo.name}: burn tier ${t.long}/${t.short} (${fmt(t.factor)}x) is left out: it would fire above an error ratio of ${fmt(burnThreshold(slo, t))}, and an error ratio never exceeds 1; an objective above ${fmt(Number(keep.toPrecision(6)))} keeps it`,
        ),
      );
    }
}
