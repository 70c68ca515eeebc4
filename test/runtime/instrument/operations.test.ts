// Redis command spans timed into db.client.operation.duration: every command, sampled or not, with its
// error type when it fails, bounded by the spec's views like the real instrumentation's metric.
import { SpanStatusCode } from '@opentelemetry/api';
import {
  AggregationTemporality,
  MeterProvider,
  MetricReader,
  type HistogramMetricData,
} from '@opentelemetry/sdk-metrics';
import {
  AlwaysOffSampler,
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { instrumentationViews } from '../../../runtime/instrument/guardrails.js';
import { timedOperations } from '../../../runtime/instrument/operations.js';

class Reader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

const SCOPE = '@opentelemetry/instrumentation-ioredis';

describe('timed Redis operations', () => {
  it('records every command span, sampled out or not, with the error type of a failed one; other spans pass through', async () => {
    const reader = new Reader();
    const meterProvider = new MeterProvider({ readers: [reader], views: instrumentationViews() });
    const exporter = new InMemorySpanExporter();
    const tracerProvider = new BasicTracerProvider({
      sampler: new AlwaysOffSampler(),
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const tracer = timedOperations(tracerProvider, meterProvider, SCOPE).getTracer(SCOPE);
    const attributes = {
      'db.system.name': 'redis',
      'db.operation.name': 'get',
      'db.query.text': 'GET ?',
      'server.port': 6379,
    };
    for (let i = 0; i < 3; i++) tracer.startSpan('get', { attributes }).end();
    // node-redis names the same command in upper case: one series with ioredis's.
    tracer.startSpan('GET', { attributes: { ...attributes, 'db.operation.name': 'GET' } }).end();
    const failed = tracer.startSpan('incr', { attributes: { ...attributes, 'db.operation.name': 'incr' } });
    expect(failed.isRecording()).toBe(false);
    const err = new Error('ERR value is not an integer or out of range');
    err.name = 'ReplyError';
    failed.recordException(err);
    failed.setStatus({ code: SpanStatusCode.ERROR });
    failed.end();
    failed.end();
    tracer.startSpan('connect', { attributes: { 'db.system.name': 'redis' } }).end();

    const { resourceMetrics } = await reader.collect();
    const metric = resourceMetrics.scopeMetrics
      .find((s) => s.scope.name === SCOPE)!
      .metrics.find((m) => m.descriptor.name === 'db.client.operation.duration') as HistogramMetricData;
    const points = metric.dataPoints.map((p) => ({ attributes: p.attributes, count: p.value.count }));
    expect(points).toEqual([
      { attributes: { 'db.system.name': 'redis', 'db.operation.name': 'GET' }, count: 4 },
      { attributes: { 'db.system.name': 'redis', 'db.operation.name': 'INCR', 'error.type': 'ReplyError' }, count: 1 },
    ]);
    // The spec's buckets, and nothing sampled out reaches the exporter.
    expect(metric.dataPoints[0]!.value.buckets.boundaries).toEqual([0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10]);
    expect(exporter.getFinishedSpans()).toEqual([]);
    await meterProvider.shutdown();
  });
});
