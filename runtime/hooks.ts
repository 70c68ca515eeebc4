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

/** String(v), or undefined when it throws (a Symbol.toPrimitive or toString that throws, a revoked Proxy). */
function stringOf(v: unknown): string | undefined {
  try {
    return String(v);
  } catch {
    return undefined;
  }
}

/** Text of anything an untyped caller passes, never throwing: String(v), or '' (counted) when even that throws. */
export function textOf(v: unknown, signal: InvalidSignal): string {
  if (typeof v === 'string') return v;
  const text = stringOf(v);
  if (text === undefined) invalidInput('invalid_field', signal);
  return text ?? '';
}

/**
 * A name an untyped caller passes (of an ad-hoc span or operation), never throwing: a string as it is;
 * anything else is counted once and written as String(v) gives it, or '' when even that throws.
 */
export function nameOf(v: unknown, signal: InvalidSignal): string {
  if (typeof v === 'string') return v;
  invalidInput('invalid_field', signal);
  return stringOf(v) ?? '';
}

/**
 * The own enumerable fields of an object an untyped caller passes, as [key, value] pairs, those left
 * undefined omitted; never throwing. None for null or undefined; a non-object, keys that cannot be listed
 * (a revoked Proxy) and values that cannot be read (a throwing getter) are counted and left out. Fields
 * past the first `max` are not read.
 */
export function ownEntries(v: unknown, signal: InvalidSignal, max = Infinity): [string, unknown][] {
  if (v === undefined || v === null) return [];
  if (typeof v !== 'object') {
    invalidInput('invalid_field', signal);
    return [];
  }
  let keys: string[];
  try {
    keys = Object.keys(v);
  } catch {
    invalidInput('invalid_field', signal);
    return [];
  }
  const out: [string, unknown][] = [];
  for (const k of keys) {
    if (out.length === max) break;
    try {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) out.push([k, x]);
    } catch {
      invalidInput('invalid_field', signal);
    }
  }
  return out;
}
