import {
  INVALID_SPAN_CONTEXT,
  trace,
  type Attributes,
  type AttributeValue,
  type Exception,
  type Link,
  type Span,
  type SpanContext,
  type SpanStatus,
  type TimeInput,
} from '@opentelemetry/api';
import { invalidInput, textOf } from './hooks.js';
import { toSpanValue } from './values.js';

// What untyped callers hand to a span (attributes, links, times, errors) is read here, once, defensively:
// nothing they pass reaches the SDK in a form that could throw, now or at export time.

function bad(): undefined {
  invalidInput('invalid_field', 'traces');
  return undefined;
}

/** An attribute value the SDK accepts, or undefined (counted) when it cannot be represented. */
export function attributeValue(v: unknown): AttributeValue | undefined {
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  // Homogeneous arrays of primitives are attribute values in their own right; the SDK checks them.
  if (Array.isArray(v)) {
    try {
      const t = typeof v[0];
      if (
        (t === 'string' || t === 'number' || t === 'boolean') &&
        v.every((x) => typeof x === t || x === null || x === undefined)
      )
        return [...(v as string[])];
    } catch {
      return bad();
    }
  }
  return toSpanValue(v) ?? bad();
}

/** The own enumerable attributes of an untyped object, converted; never throws. */
export function safeAttributes(a: unknown): Attributes | undefined {
  if (a === undefined || a === null) return undefined;
  if (typeof a !== 'object') return bad();
  const out: Attributes = {};
  let keys: string[];
  try {
    keys = Object.keys(a);
  } catch {
    return bad();
  }
  for (const k of keys) {
    let v: unknown;
    try {
      v = (a as Record<string, unknown>)[k];
    } catch {
      bad();
      continue;
    }
    if (v === undefined || v === null) continue;
    const x = attributeValue(v);
    if (x !== undefined) out[k] = x;
  }
  return out;
}

/** A time the SDK can use: a finite non-negative number, a valid Date or an [s, ns] pair; else undefined (counted). */
export function safeTime(t: unknown): TimeInput | undefined {
  if (t === undefined) return undefined;
  if (typeof t === 'number') return Number.isFinite(t) && t >= 0 ? t : bad();
  try {
    if (t instanceof Date) return Number.isNaN(t.getTime()) ? bad() : t;
    if (Array.isArray(t) && t.length === 2 && Number.isInteger(t[0]) && Number.isInteger(t[1]))
      return [t[0] as number, t[1] as number];
  } catch {
    // A Proxy posing as a time.
  }
  return bad();
}

/** A span context with valid ids, copied out of whatever was passed; undefined (counted) otherwise. */
export function safeSpanContext(c: unknown): SpanContext | undefined {
  try {
    if (typeof c !== 'object' || c === null) return bad();
    const { traceId, spanId, traceFlags, isRemote, traceState } = c as SpanContext;
    const sc: SpanContext = {
      traceId,
      spanId,
      traceFlags: typeof traceFlags === 'number' ? traceFlags & 0xff : 0,
      ...(isRemote === true && { isRemote }),
      ...(traceState && { traceState }),
    };
    return typeof traceId === 'string' && typeof spanId === 'string' && trace.isSpanContextValid(sc) ? sc : bad();
  } catch {
    return bad();
  }
}

/** A link (or a bare span context, as the helpers accept) made safe; undefined (counted) when unusable. */
export function safeLink(l: unknown): Link | undefined {
  try {
    if (typeof l !== 'object' || l === null) return bad();
    const isLink = 'context' in l;
    const context = safeSpanContext(isLink ? (l as Link).context : l);
    if (!context) return undefined;
    const attributes = isLink ? safeAttributes((l as Link).attributes) : undefined;
    return attributes ? { context, attributes } : { context };
  } catch {
    return bad();
  }
}

/** Safe links from an untyped list; undefined when there are none. */
export function safeLinks(links: unknown): Link[] | undefined {
  if (links === undefined || links === null) return undefined;
  if (!Array.isArray(links)) return bad();
  const out: Link[] = [];
  for (let i = 0; i < links.length; i++) {
    const l = safeLink(links[i]);
    if (l) out.push(l);
  }
  return out.length ? out : undefined;
}

function safeText(v: unknown): string {
  return textOf(v, 'traces');
}

/** An error as the span records it: plain strings copied out, so the SDK never touches the original. */
export function describeError(err: unknown): { exception: Exception; message: string } {
  try {
    if (err instanceof Error) {
      const message = safeText(err.message);
      const name = safeText(err.name);
      const stack = typeof err.stack === 'string' ? err.stack : undefined;
      const code = (err as { code?: unknown }).code;
      return {
        exception: {
          name,
          message,
          ...(stack !== undefined && { stack }),
          ...((typeof code === 'string' || typeof code === 'number') && { code }),
        },
        message,
      };
    }
  } catch {
    // A Proxy or a throwing getter dressed as an Error: fall back to its text.
  }
  const message = safeText(err);
  return { exception: message, message };
}

/**
 * The span a helper hands out: the SDK span behind a surface that accepts anything an untyped caller
 * passes (attributes, events, links, exceptions, status, times) without throwing; what cannot be
 * represented is left out and counted in ampy.obs.dropped{signal="traces",reason="invalid_field"}.
 */
export class GuardedSpan implements Span {
  constructor(readonly inner: Span) {}

  spanContext(): SpanContext {
    try {
      return this.inner.spanContext();
    } catch {
      return INVALID_SPAN_CONTEXT;
    }
  }
  isRecording(): boolean {
    try {
      return this.inner.isRecording();
    } catch {
      return false;
    }
  }
  setAttribute(key: string, value: AttributeValue): this {
    if (!this.isRecording() || value === undefined || value === null) return this;
    if (typeof key !== 'string') return (bad(), this);
    const v = attributeValue(value);
    if (v !== undefined) this.call(() => this.inner.setAttribute(key, v));
    return this;
  }
  setAttributes(attributes: Attributes): this {
    if (!this.isRecording()) return this;
    const a = safeAttributes(attributes);
    if (a) this.call(() => this.inner.setAttributes(a));
    return this;
  }
  addEvent(name: string, attributesOrStartTime?: Attributes | TimeInput, startTime?: TimeInput): this {
    if (!this.isRecording()) return this;
    const text = safeText(name);
    let isTime = typeof attributesOrStartTime === 'number';
    try {
      isTime ||= attributesOrStartTime instanceof Date || Array.isArray(attributesOrStartTime);
    } catch {
      // A Proxy: read as attributes below, where it is counted.
    }
    const time = safeTime(isTime ? attributesOrStartTime : startTime);
    const attributes = isTime ? undefined : safeAttributes(attributesOrStartTime);
    this.call(() => this.inner.addEvent(text, attributes, time));
    return this;
  }
  addLink(link: Link): this {
    if (!this.isRecording()) return this;
    const l = safeLink(link);
    if (l) this.call(() => this.inner.addLink(l));
    return this;
  }
  addLinks(links: Link[]): this {
    if (!this.isRecording()) return this;
    const l = safeLinks(links);
    if (l) this.call(() => this.inner.addLinks(l));
    return this;
  }
  setStatus(status: SpanStatus): this {
    if (!this.isRecording()) return this;
    try {
      const code = status.code;
      const message = status.message;
      if (code !== 0 && code !== 1 && code !== 2) return (bad(), this);
      this.call(() => this.inner.setStatus(message === undefined ? { code } : { code, message: safeText(message) }));
    } catch {
      bad();
    }
    return this;
  }
  updateName(name: string): this {
    if (!this.isRecording()) return this;
    if (typeof name !== 'string') return (bad(), this);
    this.call(() => this.inner.updateName(name));
    return this;
  }
  end(endTime?: TimeInput): void {
    try {
      this.inner.end(endTime === undefined ? undefined : safeTime(endTime));
    } catch {
      bad();
    }
  }
  recordException(exception: unknown, time?: TimeInput): void {
    if (!this.isRecording()) return;
    const e = describeError(exception).exception;
    const t = safeTime(time);
    this.call(() => this.inner.recordException(e, t));
  }

  private call(f: () => void): void {
    try {
      f();
    } catch {
      bad();
    }
  }
}
