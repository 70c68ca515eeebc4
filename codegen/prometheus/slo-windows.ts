import type { Slo } from '../model.js';
import { durationMs } from '../names.js';

/** A Prometheus duration for a number of milliseconds, in the largest unit that divides it exactly. */
export function formatDuration(ms: number): string {
  const units: [string, number][] = [
    ['d', 86400e3],
    ['h', 3600e3],
    ['m', 60e3],
    ['s', 1e3],
  ];
  for (const [u, size] of units) if (ms >= size && ms % size === 0) return `${ms / size}${u}`;
  return `${Math.max(1, Math.round(ms / 1e3))}s`;
}

/** A number printed without float noise: 0.001, not 0.0009999999999999. */
export function fmt(n: number): string {
  return String(Number(n.toPrecision(12)));
}

/** One tier of multi-window multi-burn-rate alerting (Google SRE workbook). */
export interface BurnTier {
  readonly long: string;
  readonly short: string;
  /** Burn rate: how many times faster than the budget allows. */
  readonly factor: number;
  readonly severity: 'critical' | 'warning';
  /** How long the condition must hold. */
  readonly for: string;
}

// Budget fraction consumed, and the long window as a fraction of the period: for 30d these are the
// workbook's 2% in 1h (x14.4), 5% in 6h (x6), 10% in 1d (x3) and 10% in 3d (x1); short windows are 1/12.
// `for` is Pyrra's 2m, 15m, 1h, 3h at 30d, scaled with the period.
const TIERS = [
  { budget: 0.02, longFraction: 1 / 720, severity: 'critical', forFraction: 2 / 43200 },
  { budget: 0.05, longFraction: 1 / 120, severity: 'critical', forFraction: 15 / 43200 },
  { budget: 0.1, longFraction: 1 / 30, severity: 'warning', forFraction: 60 / 43200 },
  { budget: 0.1, longFraction: 1 / 10, severity: 'warning', forFraction: 180 / 43200 },
] as const;
const MINUTE = 60e3;
const roundMinutes = (ms: number, min: number): number => Math.max(min, Math.round(ms / MINUTE) * MINUTE);

/**
 * The burn-rate tiers of an SLO, derived from its period: the four of the workbook, less those an error
 * ratio can never reach (see unreachableBurnTiers).
 */
export function burnTiers(slo: Slo): BurnTier[] {
  return allBurnTiers(slo).filter((t) => burnThreshold(slo, t) < 1);
}

/**
 * Tiers whose threshold, factor × error budget, is 1 or more: an error ratio is at most 1, so they
 * could never fire. They are left out of the rules, their tests and the dashboards, with a warning.
 */
export function unreachableBurnTiers(slo: Slo): BurnTier[] {
  return allBurnTiers(slo).filter((t) => burnThreshold(slo, t) >= 1);
}

/** The error ratio above which a tier fires. */
export function burnThreshold(slo: Pick<Slo, 'objective'>, tier: Pick<BurnTier, 'factor'>): number {
  return Number((tier.factor * (1 - slo.objective)).toPrecision(12));
}

function allBurnTiers(slo: Slo): BurnTier[] {
  const period = durationMs(slo.period);
  return TIERS.map((t) => {
    // Short windows need several scrapes; long windows are at least twelve of them.
    const shortMs = roundMinutes((period * t.longFraction) / 12, 5 * MINUTE);
    const longMs = roundMinutes(period * t.longFraction, 12 * shortMs);
    return {
      long: formatDuration(longMs),
      short: formatDuration(shortMs),
      factor: Number(((t.budget * period) / longMs).toPrecision(12)),
      severity: t.severity,
      for: formatDuration(roundMinutes(period * t.forFraction, MINUTE)),
    };
  });
}

/** Every window an SLO's recording rules are kept for: the tiers' windows plus the whole period. */
export function sloWindows(slo: Slo): string[] {
  const ws = new Set<string>();
  for (const t of burnTiers(slo)) {
    ws.add(t.short);
    ws.add(t.long);
  }
  ws.add(formatDuration(durationMs(slo.period)));
  return [...ws].sort((a, b) => durationMs(a) - durationMs(b));
}

/** Recording rule names of an SLO window: events and errors per second, and their ratio. */
export function sloRecordNames(window: string): { events: string; errors: string; errorRatio: string } {
  return {
    events: `ampy_slo:events:rate${window}`,
    errors: `ampy_slo:errors:rate${window}`,
    errorRatio: `ampy_slo:error_ratio:rate${window}`,
  };
}
