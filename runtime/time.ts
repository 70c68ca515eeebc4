// Wall-clock origin plus the monotonic clock: timestamps with sub-millisecond digits that never go backwards.
const origin = performance.timeOrigin;
let lastMs = -1;
let lastPrefix = '';

/** Current UTC time as ISO-8601 with nanosecond digits, e.g. 2025-09-05T19:31:05.123456789Z. */
export function isoNanos(): string {
  const t = origin + performance.now();
  const ms = Math.floor(t);
  // Formatting the date costs more than the rest: do it once per millisecond.
  if (ms !== lastMs) {
    lastMs = ms;
    lastPrefix = new Date(ms).toISOString().slice(0, 23);
  }
  const sub = Math.min(999_999, Math.floor((t - ms) * 1e6));
  return `${lastPrefix}${sub < 100_000 ? String(sub).padStart(6, '0') : sub}Z`;
}
