// What an alert kind is: one module per kind says everything the codegen needs to know about it, from
// the spec fields it takes to the words the docs use for it. kinds/index.ts lists the kinds.
import type { Alert } from '../../model.js';
import type { Instrument } from '../../spec-types.js';
import { extrapolatedRate, sum, type SimSeries } from '../rule-sim.js';
import type { Linear } from '../scenario.js';

/** The spec fields whose meaning depends on the kind, with what each is for (for messages). */
export const KIND_FIELDS = {
  threshold: 'the value it fires above',
  window: 'the range the rate or quantile is taken over',
  quantile: 'e.g. 0.95',
  factor: 'how many times the baseline',
  baseline_window: 'the long range the baseline is taken over',
  total: 'the denominator',
} as const;

export type KindField = keyof typeof KIND_FIELDS;

/** The values an alert's expression compares, and what they are, for messages. */
export interface ValueRange {
  readonly lo: number;
  readonly hi: number;
  readonly what: string;
  /** The alert can go quiet whatever its threshold (a baseline alert does while the rate stays near its baseline). */
  readonly quietAnyway?: boolean;
}

/** The value of an alert expression at a time: undefined while it returns nothing. */
export type Evaluation = (tMs: number) => number | undefined;

/** Everything the codegen knows about one kind of semantic alert. */
export interface AlertKindDef {
  /** What the kind compares, one clause (the spec schema's description of `kind` lists them). */
  readonly brief: string;
  /** Instruments the alert's metric may be. */
  readonly instruments: readonly Instrument[];
  /** Kind fields it needs (`required`) or may take (`optional`); the other kind fields have no meaning for it. */
  readonly fields: Readonly<Partial<Record<KindField, 'required' | 'optional'>>>;
  /** Shortest `window`, when the kind takes a rate over it (a rate needs several scrapes). */
  readonly minWindow?: string;
  /** Why the alert's comparison (`op`) does not suit the kind, or undefined when it does. */
  opProblem(a: Alert): string | undefined;
  /** The values the expression compares, when bounded: a threshold outside them is refused. */
  range(a: Alert): ValueRange | undefined;
  /** The rule expression, comparison included (a schedule is added around it by the caller). */
  expr(a: Alert): string;
  /** What the alert measures, without its threshold: an integration test expects data from it. */
  probe(a: Alert): string;
  /** The expression's value over synthetic series, computed the way Prometheus computes it. */
  simulate(a: Alert, series: readonly SimSeries[], stepMs: number): Evaluation;
  /** Synthetic series on which the alert fires (`firing`) or stays quiet. */
  scenario(a: Alert, firing: boolean): Linear[];
  /** The condition in words, for the docs. */
  describe(a: Alert): string;
}

/** The default window of an alert that declares none. */
export const windowOf = (a: Alert): string => a.window ?? '5m';

/** `v` when it meets the alert's comparison with the threshold, else undefined (a comparison filters). */
export function compare(a: Alert, v: number | undefined, threshold: number): number | undefined {
  if (v === undefined) return undefined;
  return { '>': v > threshold, '>=': v >= threshold, '<': v < threshold, '<=': v <= threshold, '==': v === threshold }[
    a.op
  ]
    ? v
    : undefined;
}

/** Whether the firing side of the alert's comparison is the high one. */
export function firesHigh(a: Alert, firing: boolean): boolean {
  return firing === (a.op !== '<' && a.op !== '<=');
}

/** sum(rate(...)) over the simulated series that pass `pick`. */
export function sumRate(
  series: readonly SimSeries[],
  pick: (s: SimSeries) => boolean,
  stepMs: number,
  tMs: number,
  rangeMs: number,
): number | undefined {
  return sum(series.filter(pick).map((s) => extrapolatedRate(s, stepMs, tMs, rangeMs, true)));
}

/** `==` on a value computed over a window: it almost never holds. */
export function exactOnWindowProblem(a: Alert): string | undefined {
  return a.op === '=='
    ? `'==' compares exactly, and a ${a.kind} computed over a window almost never equals a threshold: use >, >=, < or <=`
    : undefined;
}

/** The alert's matchers and grouping as the docs write them: `{reason=a|b}` and ` by broker`. */
export function docSelector(a: Alert): { sel: string; by: string } {
  return {
    sel: a.matchers.length ? `{${a.matchers.map((m) => `${m.label}=${m.values.join('|')}`).join(', ')}}` : '',
    by: a.by.length ? ` by ${a.by.join(', ')}` : '',
  };
}
