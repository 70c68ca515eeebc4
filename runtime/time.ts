// The monotonic clock anchored to the wall clock: timestamps with sub-millisecond digits that never go
// backwards, unless the system clock is stepped back.
import type { HrTime } from '@opentelemetry/api';

/**
 * How often the anchor is compared with the wall clock. The monotonic clock does not follow steps of the
 * system clock (an NTP step, a VM paused or migrated): anchored once at start, a long-running service's
 * log lines and spans would drift from the wall clock, and from the SDK's spans, which read Date.now()
 * at each start.
 */
const CHECK_EVERY_MS = 1000;
/**
 * How far the anchor may be from the wall clock before it moves. Date.now() is whole milliseconds: a
 * tolerance above that keeps its rounding from moving the anchor back and forth.
 */
const TOLERANCE_MS = 2;

let offset = performance.timeOrigin;
let nextCheck = 0;

/** Re-anchors to the wall clock when it has moved away by more than TOLERANCE_MS. */
function check(p: number): void {
  nextCheck = p + CHECK_EVERY_MS;
  // Date.now() is rounded down: the middle of its millisecond is the estimate.
  const wall = Date.now() + 0.5;
  if (Math.abs(wall - (offset + p)) > TOLERANCE_MS) offset = wall - p;
}

let lastSecond = -1;
let lastPrefix = '';

// The fraction's digits come from a table: a number-to-string conversion of a fresh value is a call into
// the engine's runtime, and under a service's load (a few calls per wake-up) it cost several times the
// rest of the timestamp.
const DIGITS3: readonly string[] = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

/**
 * Milliseconds since the Unix epoch, with sub-millisecond digits: the monotonic clock, anchored to the
 * wall clock and following its steps within CHECK_EVERY_MS.
 */
export function now(): number {
  const p = performance.now();
  if (p >= nextCheck) check(p);
  return offset + p;
}

/** A performance.now() reading as milliseconds since the Unix epoch, on the same anchor as now(). */
export function epochOf(performanceTime: number): number {
  const p = performance.now();
  if (p >= nextCheck) check(p);
  return offset + performanceTime;
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
