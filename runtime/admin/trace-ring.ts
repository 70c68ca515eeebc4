import type { Context } from '@opentelemetry/api';
import { hrTimeToMilliseconds } from '@opentelemetry/core';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ALWAYS_SAMPLE_ATTRIBUTE } from '../../conventions/index.js';
import { redactSpan } from '../processors.js';
import type { TreeSpan } from './trace-tree.js';

/** A span of the ring as the surface shows it: redacted, times in milliseconds. */
export interface RingSpan extends TreeSpan {
  readonly kind: number;
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly events: readonly {
    readonly name: string;
    readonly timeMs: number;
    readonly attributes: Readonly<Record<string, unknown>>;
  }[];
  readonly links: readonly { readonly traceId: string; readonly spanId: string }[];
  readonly status: { readonly code: number; readonly message: string };
}

/** One trace in the list of recent traces. */
export interface TraceSummary {
  readonly traceId: string;
  /** The span with no parent in this process (or the earliest). */
  readonly root: string;
  readonly services: readonly string[];
  readonly spanCount: number;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly errors: number;
  readonly alwaysSampled: boolean;
  /** Spans of the trace the ring did not keep (over its per-trace cap). */
  readonly droppedSpans: number;
}

interface Entry {
  readonly traceId: string;
  readonly spans: ReadableSpan[];
  bytes: number;
  dropped: number;
}

/** Spans kept per trace: a trace that never ends (a long-lived consumer span's children) cannot fill the ring alone. */
const MAX_SPANS_PER_TRACE = 1000;

/** A rough size of a span in memory and in a response: its strings plus a fixed overhead. */
function sizeOf(s: ReadableSpan): number {
  let n = 256 + s.name.length * 2;
  const a = s.attributes;
  for (const k in a) {
    const v = a[k];
    n += k.length * 2 + 16 + (typeof v === 'string' ? v.length * 2 : Array.isArray(v) ? v.length * 16 : 8);
  }
  return n + s.events.length * 128 + s.links.length * 96;
}

/**
 * This process's most recent sampled traces, for GET /traces: a span processor that, once recording,
 * keeps ended sampled spans grouped by trace, the most recently active trace last, and evicts the oldest traces beyond
 * `maxTraces` or `maxBytes`. On the span's path it only appends a reference and adds up a size; spans are
 * redacted and converted when the surface reads them.
 */
export class TraceRing implements SpanProcessor {
  private readonly traces = new Map<string, Entry>();
  private bytes = 0;
  private recording = false;

  constructor(
    private readonly maxTraces: number,
    private readonly maxBytes: number,
  ) {}

  onStart(_span: Span, _ctx: Context): void {}

  /**
   * Starts keeping spans, from now on: once /traces can be served. Until then a span costs one check
   * here, since nothing could read what the ring kept.
   */
  record(): void {
    this.recording = true;
  }

  onEnd(span: ReadableSpan): void {
    if (!this.recording) return;
    const sc = span.spanContext();
    if ((sc.traceFlags & 1) === 0) return;
    const size = sizeOf(span);
    let e = this.traces.get(sc.traceId);
    // One trace never takes more than the whole budget: its further spans are counted, not kept.
    if (e && (e.spans.length >= MAX_SPANS_PER_TRACE || e.bytes + size > this.maxBytes)) {
      e.dropped++;
      return;
    }
    if (e) this.traces.delete(sc.traceId);
    else if (size > this.maxBytes) return;
    else e = { traceId: sc.traceId, spans: [], bytes: 0, dropped: 0 };
    e.spans.push(span);
    e.bytes += size;
    this.bytes += size;
    // Most recently active last: deleted and set again, it moves to the end of the map's order.
    this.traces.set(sc.traceId, e);
    for (const [id, oldest] of this.traces) {
      if ((this.traces.size <= this.maxTraces && this.bytes <= this.maxBytes) || id === sc.traceId) break;
      this.traces.delete(id);
      this.bytes -= oldest.bytes;
    }
  }

  async forceFlush(): Promise<void> {}
  async shutdown(): Promise<void> {
    this.traces.clear();
    this.bytes = 0;
  }

  /** Traces kept and their estimated bytes. */
  usage(): { traces: number; bytes: number } {
    return { traces: this.traces.size, bytes: this.bytes };
  }

  /** The kept traces, most recently active first. */
  list(): TraceSummary[] {
    return [...this.traces.values()].reverse().map((e) => summarize(e, e.spans.map(toRingSpan)));
  }

  /** The spans of one trace, redacted, in start order; undefined when the ring does not hold it. */
  get(traceId: string): { summary: TraceSummary; spans: RingSpan[] } | undefined {
    const e = this.traces.get(traceId);
    if (!e) return undefined;
    const spans = e.spans.map(toRingSpan).sort((a, b) => a.startMs - b.startMs);
    return { summary: summarize(e, spans), spans };
  }
}

function summarize(e: Entry, spans: readonly RingSpan[]): TraceSummary {
  const ids = new Set(spans.map((s) => s.spanId));
  const start = Math.min(...spans.map((s) => s.startMs));
  const end = Math.max(...spans.map((s) => s.startMs + s.durationMs));
  const root = spans.filter((s) => !ids.has(s.parentSpanId)).sort((a, b) => a.startMs - b.startMs)[0];
  return {
    traceId: e.traceId,
    root: root?.name ?? '',
    services: [...new Set(spans.map((s) => s.service))],
    spanCount: spans.length,
    startedAt: new Date(start).toISOString(),
    durationMs: Math.round((end - start) * 1000) / 1000,
    errors: spans.filter((s) => s.status.code === 2).length,
    alwaysSampled: spans.some((s) => s.attributes[ALWAYS_SAMPLE_ATTRIBUTE] === true),
    droppedSpans: e.dropped,
  };
}

/** A span as the surface shows it, redacted exactly as exported spans are. */
function toRingSpan(raw: ReadableSpan): RingSpan {
  const s = redactSpan(raw);
  const sc = s.spanContext();
  return {
    traceId: sc.traceId,
    spanId: sc.spanId,
    parentSpanId: s.parentSpanContext?.spanId ?? '',
    name: s.name,
    kind: s.kind,
    service: String(s.resource.attributes['service.name'] ?? ''),
    startMs: hrTimeToMilliseconds(s.startTime),
    durationMs: hrTimeToMilliseconds(s.duration),
    attributes: s.attributes,
    events: s.events.map((e) => ({
      name: e.name,
      timeMs: hrTimeToMilliseconds(e.time),
      attributes: e.attributes ?? {},
    })),
    links: s.links.map((l) => ({ traceId: l.context.traceId, spanId: l.context.spanId })),
    status: { code: s.status.code, message: s.status.message ?? '' },
  };
}
