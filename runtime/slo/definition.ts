// An SLO as the runtime evaluates it: what the service's generated init() passes from its spec, with the
// windows and burn-rate tiers the generated recording rules and alerts use (codegen/prometheus/slo-windows.ts).

/** Series of one metric whose labels take one of the listed values each. */
export interface SloSelector {
  /** The OpenTelemetry instrument name, e.g. ampy.oms.order_submit. */
  readonly metric: string;
  readonly matchers: readonly { readonly label: string; readonly values: readonly string[] }[];
}

/** What counts as an error: observations above a latency threshold, or bad (or not good) events of a total. */
export type SloSli =
  | ({ readonly kind: 'latency'; readonly threshold: number } & SloSelector)
  | { readonly kind: 'ratio'; readonly total: SloSelector; readonly good?: SloSelector; readonly bad?: SloSelector };

/** One multi-window burn-rate tier: it fires when the error ratio over both windows exceeds `threshold`. */
export interface SloBurnTier {
  readonly long: string;
  readonly longMs: number;
  readonly short: string;
  readonly shortMs: number;
  /** Burn rate: how many times faster than the period's budget allows. */
  readonly factor: number;
  /** factor × (1 − objective): the error ratio above which the tier fires. */
  readonly threshold: number;
  readonly severity: 'critical' | 'warning';
  readonly for: string;
  readonly forMs: number;
  /** The generated alert (its `tier` label is `<long>-<short>`). */
  readonly alert: string;
}

export interface SloDefinition {
  readonly name: string;
  readonly brief: string;
  readonly objective: number;
  readonly period: string;
  readonly periodMs: number;
  /** Labels the SLO is kept per, besides the service and environment. */
  readonly by: readonly string[];
  readonly sli: SloSli;
  /** Every window the recording rules keep (the tiers' windows and the period), shortest first. */
  readonly windows: readonly { readonly name: string; readonly ms: number }[];
  readonly tiers: readonly SloBurnTier[];
}
