// Wall-clock origin in ns plus the monotonic clock: timestamps with sub-millisecond precision that never go backwards.
const originNs = BigInt(Math.round(performance.timeOrigin * 1e6));

/** Current UTC time as ISO-8601 with nanosecond digits, e.g. 2025-09-05T19:31:05.123456789Z. */
export function isoNanos(): string {
  const ns = originNs + BigInt(Math.round(performance.now() * 1e6));
  const ms = ns / 1_000_000n;
  const frac = (ns % 1_000_000_000n).toString().padStart(9, '0');
  return new Date(Number(ms)).toISOString().replace(/\.\d{3}Z$/, `.${frac}Z`);
}
