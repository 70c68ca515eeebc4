import type { SloBurnTier, SloDefinition } from './definition.js';
import type { CountHistory } from './history.js';
import type { SliCounts } from './sli.js';

/** The SLI over one window. */
export interface WindowFigures {
  readonly window: string;
  /** Events and errors counted in the window (the part of it this process has run). */
  readonly events: number;
  readonly errors: number;
  /** errors / events; null without events. */
  readonly errorRatio: number | null;
  /** 1 − errorRatio: the share of good events; null without events. */
  readonly sli: number | null;
  /** How much of the window this process has seen, in seconds (its uptime when shorter). */
  readonly coveredSeconds: number;
}

/** One burn-rate tier: its burn over both windows and whether its alert's condition holds. */
export interface TierFigures {
  readonly tier: string;
  readonly alert: string;
  readonly severity: SloBurnTier['severity'];
  readonly factor: number;
  readonly threshold: number;
  /** Error ratio over the window divided by the error budget (1 − objective); null without events. */
  readonly longBurnRate: number | null;
  readonly shortBurnRate: number | null;
  /** Both windows' error ratios exceed the threshold. */
  readonly condition: boolean;
  /** `pending` while the condition has held for less than `for`, `firing` after; the alert Prometheus would raise. */
  readonly state: 'inactive' | 'pending' | 'firing';
  readonly for: string;
  /** Since when the condition has held (ISO-8601), when it does. */
  readonly activeSince?: string;
}

export interface GroupFigures {
  readonly labels: Readonly<Record<string, string>>;
  readonly status: 'ok' | 'burning' | 'exhausted' | 'no_data';
  readonly windows: readonly WindowFigures[];
  readonly errorBudget: {
    /** The period's budget as an error ratio (1 − objective). */
    readonly allowed: number;
    /** Share of the budget the period's errors used (1 = all of it); null without events. */
    readonly consumed: number | null;
    /** 1 − consumed: negative when the objective is missed. */
    readonly remaining: number | null;
  };
  readonly burnRates: readonly TierFigures[];
  /** Tiers whose alert fires (state `firing`), and those pending. */
  readonly firing: readonly string[];
  readonly pending: readonly string[];
}

export interface SloFigures {
  readonly name: string;
  readonly brief: string;
  readonly objective: number;
  readonly period: string;
  readonly sli: SloDefinition['sli'];
  readonly status: GroupFigures['status'];
  readonly groups: readonly GroupFigures[];
}

/** A tier's identity in alerts: the `tier` label of the generated rule. */
export const tierName = (t: SloBurnTier): string => `${t.long}-${t.short}`;

/** Error ratio over a window ending now: the counts now minus the counts at the window's start. */
function windowFigures(
  name: string,
  ms: number,
  now: SliCounts,
  history: CountHistory,
  startedAt: number,
  t: number,
): WindowFigures {
  const start = history.at(t - ms);
  const events = Math.max(0, now.events - start.events);
  const errors = Math.max(0, now.errors - start.errors);
  const errorRatio = events > 0 ? errors / events : null;
  return {
    window: name,
    events,
    errors,
    errorRatio,
    sli: errorRatio === null ? null : 1 - errorRatio,
    coveredSeconds: Math.round(Math.min(ms, t - startedAt) / 100) / 10,
  };
}

/** Whether a tier's alert condition holds: both windows above its threshold (what the generated rule says). */
export function tierCondition(tier: SloBurnTier, ratioOf: (window: string) => number | null): boolean {
  const long = ratioOf(tier.long);
  const short = ratioOf(tier.short);
  return long !== null && short !== null && long > tier.threshold && short > tier.threshold;
}

/**
 * One group of an SLO evaluated now: the SLI over every window, the period's error budget, each tier's
 * burn rates and alert state (`heldSince` says since when a tier's condition has held, as sampled).
 */
export function evaluateGroup(
  slo: SloDefinition,
  now: SliCounts,
  history: CountHistory,
  startedAt: number,
  t: number,
  heldSince: (tier: string) => number | undefined,
): GroupFigures {
  const windows = slo.windows.map((w) => windowFigures(w.name, w.ms, now, history, startedAt, t));
  const ratioOf = (name: string): number | null => windows.find((w) => w.window === name)?.errorRatio ?? null;
  const allowed = Number((1 - slo.objective).toPrecision(12));
  const periodRatio = ratioOf(slo.period);
  const consumed = periodRatio === null ? null : periodRatio / allowed;
  const burnRates = slo.tiers.map((tier): TierFigures => {
    const condition = tierCondition(tier, ratioOf);
    const since = condition ? (heldSince(tierName(tier)) ?? t) : undefined;
    const long = ratioOf(tier.long);
    const short = ratioOf(tier.short);
    return {
      tier: tierName(tier),
      alert: tier.alert,
      severity: tier.severity,
      factor: tier.factor,
      threshold: tier.threshold,
      longBurnRate: long === null ? null : long / allowed,
      shortBurnRate: short === null ? null : short / allowed,
      condition,
      state: since === undefined ? 'inactive' : t - since >= tier.forMs ? 'firing' : 'pending',
      for: tier.for,
      ...(since !== undefined && { activeSince: new Date(since).toISOString() }),
    };
  });
  const status: GroupFigures['status'] =
    consumed === null ? 'no_data' : consumed >= 1 ? 'exhausted' : burnRates.some((b) => b.condition) ? 'burning' : 'ok';
  return {
    labels: now.labels,
    status,
    windows,
    errorBudget: { allowed, consumed, remaining: consumed === null ? null : 1 - consumed },
    burnRates,
    firing: burnRates.filter((b) => b.state === 'firing').map((b) => b.tier),
    pending: burnRates.filter((b) => b.state === 'pending').map((b) => b.tier),
  };
}

const SEVERITY: Readonly<Record<GroupFigures['status'], number>> = { no_data: 0, ok: 1, burning: 2, exhausted: 3 };

/** The worst status of an SLO's groups (no data when it has none). */
export function worstStatus(groups: readonly GroupFigures[]): GroupFigures['status'] {
  return groups.reduce<GroupFigures['status']>((w, g) => (SEVERITY[g.status] > SEVERITY[w] ? g.status : w), 'no_data');
}
