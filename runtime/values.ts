import type { AttributeValue as OtelValue } from '@opentelemetry/api';
import type { Decimal } from './types.js';

/** Exact decimal text of {scaled, scale}: 1919900 at scale 4 is "191.9900". No float rounding. */
export function decimalToString(d: Decimal): string {
  const neg = d.scaled < 0;
  const digits = (neg ? -BigInt(d.scaled) : BigInt(d.scaled)).toString();
  if (d.scale <= 0) return (neg ? '-' : '') + digits + '0'.repeat(-d.scale);
  const padded = digits.padStart(d.scale + 1, '0');
  return `${neg ? '-' : ''}${padded.slice(0, -d.scale)}.${padded.slice(-d.scale)}`;
}

export function isDecimal(v: unknown): v is Decimal {
  return typeof v === 'object' && v !== null && 'scaled' in v && 'scale' in v;
}

/** A well-formed decimal: an integer `scaled` (number or bigint) and an integer `scale` within ±1000. */
export function isValidDecimal(d: Decimal): boolean {
  const { scaled, scale } = d;
  return (
    (typeof scaled === 'bigint' || Number.isSafeInteger(scaled)) && Number.isInteger(scale) && Math.abs(scale) <= 1000
  );
}

/**
 * A bigint as telemetry carries it: a number while it is exact, its decimal digits as a string beyond
 * 2^53, where every JSON reader and OTLP double would silently lose precision.
 */
export function bigintValue(v: bigint): number | string {
  return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v.toString();
}

/** The `scaled` of a decimal as written in a log line or record: a number, or digits beyond 2^53. */
export function scaledValue(v: number | bigint): number | string {
  return typeof v === 'bigint' ? bigintValue(v) : v;
}

/**
 * Span attributes are primitives: decimals become exact strings, instants ISO strings, bigints numbers or
 * digits (see bigintValue), other objects JSON. `undefined` when the value cannot be represented
 * (circular, a throwing getter, a Symbol or function, an invalid Date or decimal): the caller counts it.
 */
export function toSpanValue(v: unknown): OtelValue | undefined {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return v;
    case 'number':
      return v;
    case 'bigint':
      return bigintValue(v);
    case 'object':
      break;
    default:
      return undefined;
  }
  if (v === null) return undefined;
  try {
    if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : v.toISOString();
    if (isDecimal(v)) return isValidDecimal(v) ? decimalToString(v) : undefined;
    return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? bigintValue(x) : x));
  } catch {
    // Circular structures, throwing getters and Proxies, toJSON that throws.
    return undefined;
  }
}
