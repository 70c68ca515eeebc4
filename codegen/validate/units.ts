/** Units a spec may use: base units only (brief §4.4), plus UCUM {annotations} for counts. */
const BASE_UNITS = new Set(['ms', 'By', 'bp', '1', 'USD']);
const ANNOTATION = /^\{[a-z_]+\}(\/s)?$/;

const HINTS: Record<string, string> = {
  s: 'durations are in ms',
  sec: 'durations are in ms',
  seconds: 'durations are in ms',
  us: 'durations are in ms (fractions allowed)',
  ns: 'durations are in ms (fractions allowed)',
  milliseconds: "write 'ms'",
  bytes: "sizes are in 'By'",
  B: "sizes are in 'By'",
  KB: "sizes are in 'By' (base unit, no prefixes)",
  MB: "sizes are in 'By' (base unit, no prefixes)",
  KiBy: "sizes are in 'By' (base unit, no prefixes)",
  percent: "ratios are '1' (0..1) or 'bp'",
  '%': "ratios are '1' (0..1) or 'bp'",
};

/** Returns why a unit is not acceptable, or undefined when it is. */
export function unitProblem(unit: string): string | undefined {
  if (BASE_UNITS.has(unit) || ANNOTATION.test(unit)) return undefined;
  const hint = HINTS[unit] ?? 'use ms, By, bp, 1, USD, or a count annotation like {order} or {message}/s';
  return `unit '${unit}' is not a base unit: ${hint}`;
}
