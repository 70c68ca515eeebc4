import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { TraceRing } from '../../../runtime/admin/trace-ring.js';

describe('the ring behind /traces', () => {
  it('keeps nothing until /traces can be served, then keeps sampled spans', () => {
    const ring = new TraceRing(10, 1 << 20);
    const tracer = new BasicTracerProvider({ spanProcessors: [ring] }).getTracer('t');
    tracer.startSpan('before').end();
    expect(ring.usage().traces).toBe(0);
    ring.record();
    tracer.startSpan('after').end();
    expect(ring.list().map((t) => t.root)).toEqual(['after']);
  });
});
