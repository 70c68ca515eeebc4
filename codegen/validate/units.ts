import type { Diagnostic } from '../diagnostics.js';
import { locator, type SourceRef } from '../load.js';
import type { Model } from '../model.js';
import { own } from '../own.js';

const at = locator('codegen/validate/units.ts');

/** Units a spec may use: base units only, plus UCUM {annotations} for counts (README, "Add a metric end to end"). */
const BASE_UNITS = new Set(['ms', 'By', 'bp', '1', 'USD']);
const ANNOTATION = /^\{[a-z_]+\}(\/s)?$/;

const HINTS: Readonly<Record<string, string>> = {
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
  const hint = own(HINTS, unit) ?? 'use ms, By, bp, 1, USD, or a count annotation like {order} or {message}/s';
  return `unit '${unit}' is not a base unit: ${hint}`;
}

/** Units whose quantities can be negative: basis points and money (slippage, PnL) and plain ratios of change. */
const SIGNED_UNITS = new Set(['bp', 'USD', '1']);

/**
 * Why a histogram bucket set in this unit cannot have a negative boundary. Durations, sizes and counts
 * are never negative. Basis points, money and ratios can be, but a histogram records only non-negative
 * values: OpenTelemetry drops negative measurements and the runtime counts them as invalid_value.
 */
export function negativeBoundaryProblem(unit: string): string {
  return SIGNED_UNITS.has(unit)
    ? `'${unit}' values can be negative, but a histogram records only values >= 0 (OpenTelemetry drops negative measurements; the runtime counts them as invalid_value): record the magnitude and put the sign in an enum label, such as side`
    : `a quantity in '${unit}' (${unit === 'ms' ? 'a duration' : unit === 'By' ? 'a size' : 'a count'}) is never negative`;
}

/**
 * Units OpenTelemetry's semantic conventions use where ours differ: instrumentation records durations in
 * seconds, and a metric it records (and a bucket set only such metrics use) keeps its unit.
 */
const CONVENTION_UNITS = new Set(['s']);

/** Every unit of the spec is a base unit: attributes', bucket sets' and metrics'. */
export function checkUnits(model: Model, diags: Diagnostic[]): void {
  const check = (unit: string | undefined, src: SourceRef, convention = false): void => {
    if (unit !== undefined && convention && CONVENTION_UNITS.has(unit)) return;
    const problem = unit === undefined ? undefined : unitProblem(unit);
    if (problem) diags.push(at({ file: src.file, path: [...src.path, 'unit'] }, 'base-unit', problem));
  };
  for (const a of model.attributes) check(a.unit, a.src);
  const users = (id: string) => model.metrics.filter((m) => m.buckets?.id === id);
  for (const b of model.bucketSets)
    check(b.unit, b.src, users(b.id).length > 0 && users(b.id).every((m) => m.recordedBy));
  for (const m of model.metrics) check(m.unit, m.src, m.recordedBy !== undefined);
}
