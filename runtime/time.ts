// Wall-clock origin plus the monotonic clock: timestamps with sub-millisecond digits that never go backwards.
import type { HrTime } from '@opentelemetry/api';

const origin = performance.timeOrigin;
let lastSecond = -1;
let lastPrefix = '';

// The fraction's digits come from a table: a number-to-string conversion of a fresh value is a call into
// the engine's runtime, and under a service's load (a few calls per wake-up) it cost several times the
// rest of the timestamp.
const DIGITS3: readonly string[] = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

/** Milliseconds since the Unix epoch, with sub-millisecond digits, from the monotonic clock. */
export function now(): number {
  return origin + performance.now();
}

/** Nanoseconds into the second of `t` (ms since the epoch), clamped: t / 1000 may round up by a fraction of a nanosecond. */
function nanosOf(t: number, second: number): number {
  return Math.max(0, Math.min(999_999_999, Math.floor((t - second * 1000) * 1e6)));
}

/** `t` (ms since the epoch) as UTC ISO-8601 with nanosecond digits, e.g. 2025-09-05T19:31:05.123456789Z. */
export function isoOf(t: number): string {
  const second = Math.floor(t / 1000);
  // Formatting the date costs more than the rest: do it once per second.
  if (second !== lastSecond) {
    lastSecond = second;
    lastPrefix = new Date(second * 1000).toISOString().slice(0, 20);
  }
  const ns = nanosOf(t, second);
  const low = ns % 1000;
  const mid = ((ns - low) / 1000) % 1000;
  return lastPrefix + DIGITS3[(ns - mid * 1000 - low) / 1e6]! + DIGITS3[mid]! + DIGITS3[low]! + 'Z';
}

/** `t` (ms since the epoch) as OpenTelemetry's [seconds, nanoseconds]: the same instant isoOf(t) writes. */
export function hrTimeOf(t: number): HrTime {
  const second = Math.floor(t / 1000);
  return [second, nanosOf(t, second)];
}
