// A small emulation of Prometheus 2.x evaluation over synthetic series, so generated rule tests know
// exactly when an alert starts firing and with which value. promtool checks it against the real engine.

/** A synthetic series sampled every step from time 0. */
export interface SimSeries {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Value per step; a series has a sample at every step of the horizon. */
  readonly at: (step: number) => number;
}

const LOOKBACK_MS = 5 * 60e3;

/** Samples of a series within the closed range [t - range, t] (Prometheus 2.x range selectors). */
function samples(s: SimSeries, stepMs: number, tMs: number, rangeMs: number): [number, number][] {
  const out: [number, number][] = [];
  const first = Math.max(0, Math.ceil((tMs - rangeMs) / stepMs));
  for (let i = first; i * stepMs <= tMs; i++) out.push([i * stepMs, s.at(i)]);
  return out;
}

/** Prometheus' extrapolatedRate for a counter: rate() when isRate, increase() otherwise. */
export function extrapolatedRate(
  s: SimSeries,
  stepMs: number,
  tMs: number,
  rangeMs: number,
  isRate: boolean,
): number | undefined {
  const pts = samples(s, stepMs, tMs, rangeMs);
  if (pts.length < 2) return undefined;
  const [firstT, firstV] = pts[0]!;
  const [lastT, lastV] = pts[pts.length - 1]!;
  let result = lastV - firstV;
  for (let i = 1; i < pts.length; i++) if (pts[i]![1] < pts[i - 1]![1]) result += pts[i - 1]![1];
  const rangeStart = tMs - rangeMs;
  let durationToStart = (firstT - rangeStart) / 1000;
  const durationToEnd = (tMs - lastT) / 1000;
  const sampledInterval = (lastT - firstT) / 1000;
  const averageBetween = sampledInterval / (pts.length - 1);
  if (result > 0 && firstV >= 0) {
    const durationToZero = sampledInterval * (firstV / result);
    if (durationToZero < durationToStart) durationToStart = durationToZero;
  }
  const threshold = averageBetween * 1.1;
  let extrapolateTo = sampledInterval;
  extrapolateTo += durationToStart < threshold ? durationToStart : averageBetween / 2;
  extrapolateTo += durationToEnd < threshold ? durationToEnd : averageBetween / 2;
  // Same operation order as Prometheus, so the floats agree to the last bit.
  let factor = extrapolateTo / sampledInterval;
  if (isRate) factor /= rangeMs / 1000;
  return result * factor;
}

/** Prometheus' changes(): how often the value changed between samples of the range; undefined without samples. */
export function changes(s: SimSeries, stepMs: number, tMs: number, rangeMs: number): number | undefined {
  const pts = samples(s, stepMs, tMs, rangeMs);
  if (pts.length === 0) return undefined;
  let n = 0;
  for (let i = 1; i < pts.length; i++) if (pts[i]![1] !== pts[i - 1]![1]) n++;
  return n;
}

/** Latest sample within the lookback window (instant vector selection). */
export function instant(s: SimSeries, stepMs: number, tMs: number): number | undefined {
  const step = Math.floor(tMs / stepMs);
  return tMs - step * stepMs <= LOOKBACK_MS ? s.at(step) : undefined;
}

/** Sum of per-series values, undefined when no series has one. */
export function sum(values: readonly (number | undefined)[]): number | undefined {
  const present = values.filter((v): v is number => v !== undefined);
  return present.length ? present.reduce((a, b) => a + b, 0) : undefined;
}

/** histogram_quantile over per-bucket rates keyed by upper bound (Infinity for +Inf). */
export function histogramQuantile(q: number, buckets: ReadonlyMap<number, number>): number | undefined {
  const sorted = [...buckets.entries()].sort((a, b) => a[0] - b[0]);
  const total = sorted[sorted.length - 1]?.[1];
  if (total === undefined || total === 0) return undefined;
  const rank = q * total;
  let prevUpper = 0;
  let prevCount = 0;
  for (const [upper, count] of sorted) {
    if (count >= rank) {
      if (upper === Infinity) return prevUpper;
      const lower = prevUpper === 0 && upper > 0 && prevCount === 0 ? 0 : prevUpper;
      return lower + (upper - lower) * ((rank - prevCount) / (count - prevCount));
    }
    prevUpper = upper;
    prevCount = count;
  }
  return undefined;
}

/** Minutes from Thursday 1970-01-01 00:00 UTC (promtool's time 0) to the weekday and clock. */
export function clock(tMs: number): { dayOfWeek: number; minuteOfDay: number } {
  const d = new Date(tMs);
  return { dayOfWeek: d.getUTCDay(), minuteOfDay: d.getUTCHours() * 60 + d.getUTCMinutes() };
}

/**
 * Steps an alert through evaluations, given the expression's value at each time (undefined = no
 * result) and its `for`: the value at each step while the alert fires, undefined while it does not.
 */
export function firingStates(
  valueAt: (tMs: number) => number | undefined,
  forMs: number,
  stepMs: number,
  horizonMs: number,
): (number | undefined)[] {
  const states: (number | undefined)[] = [];
  let activeSince: number | undefined;
  for (let t = 0; t <= horizonMs; t += stepMs) {
    const v = valueAt(t);
    if (v === undefined) activeSince = undefined;
    else activeSince ??= t;
    states.push(v !== undefined && activeSince !== undefined && t - activeSince >= forMs ? v : undefined);
  }
  return states;
}

/** Go's %.4g: four significant digits, trailing zeros dropped. */
function g4(x: number): string {
  if (x === 0) return '0';
  const exp = Math.floor(Math.log10(Math.abs(x)));
  if (exp < -4 || exp >= 4) {
    const [m, e] = x.toExponential(3).split('e') as [string, string];
    const mant = m.includes('.') ? m.replace(/0+$/, '').replace(/\.$/, '') : m;
    const n = Number(e);
    return `${mant}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
  }
  const s = x.toFixed(Math.max(0, 3 - exp));
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

/** Prometheus' `humanize` template function. */
export function humanize(v: number): string {
  if (v === 0 || !Number.isFinite(v)) return g4(v);
  if (Math.abs(v) >= 1) {
    const prefixes = ['', 'k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y'];
    let i = 0;
    while (Math.abs(v) >= 1000 && i < prefixes.length - 1) {
      v /= 1000;
      i++;
    }
    return `${g4(v)}${prefixes[i]}`;
  }
  const prefixes = ['', 'm', 'u', 'n', 'p', 'f', 'a', 'z', 'y'];
  let i = 0;
  while (Math.abs(v) < 1 && i < prefixes.length - 1) {
    v *= 1000;
    i++;
  }
  return `${g4(v)}${prefixes[i]}`;
}

/** Prometheus' `humanizePercentage`. */
export function humanizePercentage(v: number): string {
  return `${g4(v * 100)}%`;
}
