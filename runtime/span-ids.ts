// Trace and span ids for every span, helper or SDK (createTracing gives this generator to the provider
// too). The SDK's RandomIdGenerator draws the same random words but writes them into a Buffer and
// hex-encodes it through a call into Node's C++: 360 ns and 230 bytes per root span, a third of a helper
// span's own cost (README "Performance"). Here the hex digits are built in one string allocation.
import type { IdGenerator } from '@opentelemetry/sdk-trace-base';

/** Character codes of the lowercase hex digits W3C Trace Context requires. */
const HEX: readonly number[] = [48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102];

/** A random 32-bit word, drawn as the SDK draws it. */
function word(): number {
  return (Math.random() * 0x1_0000_0000) >>> 0;
}

/** The code of hex digit `i` (0 the most significant) of the 32-bit word `w`. */
function digit(w: number, i: number): number {
  return HEX[(w >>> (28 - 4 * i)) & 15]!;
}

/** The 16 hex digits of `a` then `b`, made as one string. */
function hex16(a: number, b: number): string {
  // prettier-ignore
  return String.fromCharCode(
    digit(a, 0), digit(a, 1), digit(a, 2), digit(a, 3), digit(a, 4), digit(a, 5), digit(a, 6), digit(a, 7),
    digit(b, 0), digit(b, 1), digit(b, 2), digit(b, 3), digit(b, 4), digit(b, 5), digit(b, 6), digit(b, 7),
  );
}

/**
 * The 32 hex digits of `a` to `d`, made as one flat string: two halves joined make a rope, which the
 * sampler's check or the exporter's hex decoding then has to copy into a flat string.
 */
function hex32(a: number, b: number, c: number, d: number): string {
  // prettier-ignore
  return String.fromCharCode(
    digit(a, 0), digit(a, 1), digit(a, 2), digit(a, 3), digit(a, 4), digit(a, 5), digit(a, 6), digit(a, 7),
    digit(b, 0), digit(b, 1), digit(b, 2), digit(b, 3), digit(b, 4), digit(b, 5), digit(b, 6), digit(b, 7),
    digit(c, 0), digit(c, 1), digit(c, 2), digit(c, 3), digit(c, 4), digit(c, 5), digit(c, 6), digit(c, 7),
    digit(d, 0), digit(d, 1), digit(d, 2), digit(d, 3), digit(d, 4), digit(d, 5), digit(d, 6), digit(d, 7),
  );
}

/**
 * Random W3C trace and span ids. An all-zero id is invalid: as the SDK does, its last byte becomes 1.
 */
export const spanIds: IdGenerator = {
  generateTraceId(): string {
    const a = word();
    const b = word();
    const c = word();
    const d = word();
    return hex32(a, b, c, (a | b | c | d) === 0 ? 1 : d);
  },
  generateSpanId(): string {
    const a = word();
    const b = word();
    return hex16(a, (a | b) === 0 ? 1 : b);
  },
};
