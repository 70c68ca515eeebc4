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

/** Span attributes are primitives: decimals become exact strings, instants ISO strings. */
export function toSpanValue(v: unknown): OtelValue | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Date) return v.toISOString();
  if (isDecimal(v)) return decimalToString(v);
  return JSON.stringify(v);
}
