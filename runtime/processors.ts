import { context, type Attributes, type Context } from '@opentelemetry/api';
import { ExportResultCode, suppressTracing, type ExportResult } from '@opentelemetry/core';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import {
  AggregationTemporality,
  AggregationType,
  type AggregationOption,
  type InstrumentType,
  type PushMetricExporter,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import type { ReadableSpan, Span, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ExportQueue, untilDeadline, type QueueStats } from './export-queue.js';
import { redactor } from './redact.js';
import { countDropped, countExportFailure, noteExportError, noteExportSuccess } from './self-metrics.js';

interface QueueOptions {
  readonly maxSize: number;
  readonly maxBatch: number;
  readonly flushIntervalMillis: number;
}

function callExporter<T>(
  exporter: { export(items: T[], cb: (r: ExportResult) => void): void },
  items: T[],
): Promise<ExportResult> {
  return new Promise((resolve) => {
    try {
      // An export is not the application's work: instrumented http and gRPC clients must not trace it.
      context.with(suppressTracing(context.active()), () => exporter.export(items, resolve));
    } catch (error) {
      resolve({ code: ExportResultCode.FAILED, error: error as Error });
    }
  });
}

/** Attributes that hold a URL or its query (the http and fetch instrumentations'): parameters are redacted by name too. */
const URL_ATTRIBUTES = new Set(['url.full', 'url.query', 'http.url', 'http.target']);

function redactAttributes(a: Attributes): Attributes {
  const r = redactor();
  const out: Attributes = {};
  for (const [k, v] of Object.entries(a))
    out[k] = (
      typeof v === 'string' && URL_ATTRIBUTES.has(k) && !r.isSecretKey(k) ? r.url(v, k === 'url.query') : r.value(k, v)
    ) as Attributes[string];
  return out;
}

/** A copy of a finished span with secrets scrubbed from attributes, events, links and status. */
export function redactSpan(s: ReadableSpan): ReadableSpan {
  const r = redactor();
  return {
    name: r.text(s.name),
    kind: s.kind,
    spanContext: () => s.spanContext(),
    ...(s.parentSpanContext && { parentSpanContext: s.parentSpanContext }),
    startTime: s.startTime,
    endTime: s.endTime,
    status: s.status.message ? { ...s.status, message: r.text(s.status.message) } : s.status,
    attributes: redactAttributes(s.attributes),
    links: s.links.map((l) => ({ ...l, ...(l.attributes && { attributes: redactAttributes(l.attributes) }) })),
    events: s.events.map((e) => ({ ...e, ...(e.attributes && { attributes: redactAttributes(e.attributes) }) })),
    duration: s.duration,
    ended: s.ended,
    resource: s.resource,
    instrumentationScope: s.instrumentationScope,
    droppedAttributesCount: s.droppedAttributesCount,
    droppedEventsCount: s.droppedEventsCount,
    droppedLinksCount: s.droppedLinksCount,
  };
}

/** What both queue processors share: a bounded export queue in front of an exporter, flushed by deadline. */
abstract class QueueProcessor<T> {
  protected readonly queue: ExportQueue<T>;

  constructor(
    private readonly exporter: { shutdown(): Promise<void> },
    signal: 'traces' | 'logs',
    opts: QueueOptions,
    send: (batch: T[]) => Promise<ExportResult>,
  ) {
    this.queue = new ExportQueue({ signal, ...opts, send });
  }
  forceFlush(): Promise<void> {
    return this.queue.flush(Date.now() + 5000);
  }
  shutdown(): Promise<void> {
    return this.close(Date.now() + 5000);
  }
  /** Exports what is queued until the deadline. */
  flushUntil(deadline: number): Promise<void> {
    return this.queue.flush(deadline);
  }
  /** Flushes until the deadline, counts the rest as dropped, stops the exporter. */
  async close(deadline: number): Promise<void> {
    await this.queue.shutdown(deadline);
    // An OTLP exporter's shutdown waits for the export in flight, up to its own timeout: not past ours.
    await untilDeadline(
      this.exporter.shutdown().catch(() => {}),
      deadline,
    );
  }
  stats(): QueueStats {
    return this.queue.snapshot();
  }
  /** How many items the queue holds at most. */
  capacity(): number {
    return this.queue.capacity;
  }
}

/** Queues sampled spans in a bounded buffer and exports them, redacted, off the application's path. */
export class QueueSpanProcessor extends QueueProcessor<ReadableSpan> implements SpanProcessor {
  constructor(exporter: SpanExporter, opts: QueueOptions) {
    super(exporter, 'traces', opts, (batch) => callExporter(exporter, batch.map(redactSpan)));
  }
  onStart(_span: Span, _ctx: Context): void {}
  onEnd(span: ReadableSpan): void {
    if ((span.spanContext().traceFlags & 1) === 0) return;
    this.queue.push(span);
  }
}

/**
 * Queues log records in a bounded buffer and exports them off the application's path. The log helpers
 * build the records themselves (runtime/log-records.ts): their attributes are already sanitised.
 */
export class QueueLogProcessor extends QueueProcessor<ReadableLogRecord> {
  constructor(exporter: LogRecordExporter, opts: QueueOptions) {
    super(exporter, 'logs', opts, (batch) => callExporter(exporter, batch));
  }
  /** Queues one record for export (or counts it dropped when the queue is full). */
  push(record: ReadableLogRecord): void {
    this.queue.push(record);
  }
}

/** Wraps a metric exporter so failed exports and the points they carried are counted. */
export class CountingMetricExporter implements PushMetricExporter {
  constructor(private readonly inner: PushMetricExporter) {}

  export(metrics: ResourceMetrics, resultCallback: (result: ExportResult) => void): void {
    this.inner.export(metrics, (result) => {
      if (result.code === ExportResultCode.SUCCESS) noteExportSuccess('metrics');
      else {
        const points = metrics.scopeMetrics.reduce(
          (n, s) => n + s.metrics.reduce((m, x) => m + x.dataPoints.length, 0),
          0,
        );
        countDropped('metrics', 'export_failed', points);
        countExportFailure('metrics');
        noteExportError('metrics', result.error);
      }
      resultCallback(result);
    });
  }
  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }
  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
  selectAggregationTemporality(type: InstrumentType): AggregationTemporality {
    return this.inner.selectAggregationTemporality?.(type) ?? AggregationTemporality.CUMULATIVE;
  }
  selectAggregation(type: InstrumentType): AggregationOption {
    return this.inner.selectAggregation?.(type) ?? { type: AggregationType.DEFAULT };
  }
}
