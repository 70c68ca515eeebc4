// Breaks the import cycle between helpers and the SDK's self-metrics, which are metric helpers too.
import type { DropReason, TelemetrySignal } from './generated/self-metrics.js';

/** Why a helper refused part of an untyped caller's input (those members of the spec's drop_reason). */
export type InvalidReason = Extract<DropReason, 'invalid_label' | 'invalid_value' | 'invalid_field'>;
/** The signal whose data the bad input concerned. */
export type InvalidSignal = TelemetrySignal;

type InvalidInputHook = (reason: InvalidReason, signal: InvalidSignal) => void;

let hook: InvalidInputHook = () => {};

/** Reports bad input from an untyped caller (the self-metrics module installs the counter). */
export function invalidInput(reason: InvalidReason, signal: InvalidSignal = 'metrics'): void {
  try {
    hook(reason, signal);
  } catch {
    // Counting must not be what throws into application code.
  }
}

/** Installs the counter of bad input. */
export function setInvalidInputHook(f: InvalidInputHook): void {
  hook = f;
}

/** Text of anything an untyped caller passes, never throwing: String(v), or '' (counted) when even that throws. */
export function textOf(v: unknown, signal: InvalidSignal): string {
  if (typeof v === 'string') return v;
  try {
    return String(v);
  } catch {
    invalidInput('invalid_field', signal);
    return '';
  }
}
