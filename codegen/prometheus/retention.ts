// How long Prometheus must keep samples for the generated rules to see every sample they read.
import type { RuleGroup } from './definition.js';
import { durationMs } from '../names.js';
import { formatDuration } from './slo-windows.js';

/**
 * Kept beyond the longest range a rule reads: the SLO overview dashboard plots each SLO window over its
 * default 7-day time range, so the 30-day ratio at the left edge of the plot reads 37 days back.
 */
export const RETENTION_MARGIN = '7d';

/**
 * The furthest back, in milliseconds, any rule expression reads: its longest range selector (or subquery
 * range) plus its longest `offset`. Both are taken per expression, an upper bound that is exact for the
 * generated rules (one range per selector).
 */
export function longestRuleLookback(groups: readonly RuleGroup[]): number {
  let longest = 0;
  for (const g of groups) {
    for (const r of g.rules) {
      const ranges = [...r.expr.matchAll(/\[([0-9a-z]+)(?::[0-9a-z]*)?\]/g)].map((m) => durationMs(m[1]!));
      const offsets = [...r.expr.matchAll(/\boffset\s+([0-9a-z]+)/g)].map((m) => durationMs(m[1]!));
      longest = Math.max(longest, Math.max(0, ...ranges) + Math.max(0, ...offsets));
    }
  }
  return longest;
}

/** `--storage.tsdb.retention.time` for the generated rules: the longest lookback plus the margin. */
export function prometheusRetention(groups: readonly RuleGroup[]): string {
  return formatDuration(longestRuleLookback(groups) + durationMs(RETENTION_MARGIN));
}
