// Exemplars on the fast path: counters and histograms remember the sampled span a value was recorded
// in, a fixed number per series, and carry it over OTLP (our encoder; the receiver decodes the protobuf
// with the OTLP schema) and into the telemetry files.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { init, metrics, spans } from '../../generated/index.js';
import type { Observability } from '../../runtime/index.js';
import { encodeMetricsRequest } from '../../runtime/exemplars/otlp-metrics.js';
import { EXEMPLAR_MIN_RETENTION_MS, ExemplarStore } from '../../runtime/exemplars/store.js';
import { decode, OtlpReceiver, type ReceivedPoint } from '../support/otlp-receiver.js';
import { CLEAN_ENV, withEnv } from '../support/env.js';
import { lineSink } from '../support/lines.js';

let receiver: OtlpReceiver | undefined;
let obs: Observability | undefined;
afterEach(async () => {
  await obs?.shutdown(2000);
  obs = undefined;
  await receiver?.stop();
  receiver = undefined;
});

/** Traffic with and without sampled spans (root ratio 0: only the safety-critical oms.reject is sampled). */
async function traffic(): Promise<{ sampled: string[]; unsampled: string }> {
  // Outside any span: no exemplar.
  metrics.oms.orderLatencyMs.record(3, { broker: 'alpaca' });
  metrics.oms.rejections.add(1, { broker: 'ibkr', reason: 'risk_check' });
  // In a span that is not sampled: no exemplar.
  const unsampled = spans.oms.submit({ broker: 'alpaca', client_order_id: 'co_1', side: 'buy' }, (span) => {
    metrics.oms.orderLatencyMs.record(15, { broker: 'alpaca' });
    metrics.oms.rejections.add(1, { broker: 'paper', reason: 'risk_check' });
    return span.spanContext().traceId;
  });
  // In sampled spans: the latest per bucket and per counter series is kept.
  const sampled: string[] = [];
  for (const value of [650, 700, 90]) {
    sampled.push(
      spans.oms.reject({ broker: 'alpaca', client_order_id: `co_${value}`, reject_reason: 'risk_check' }, (span) => {
        metrics.oms.orderLatencyMs.record(value, { broker: 'alpaca' });
        metrics.oms.rejections.add(2, { broker: 'alpaca', reason: 'risk_check' });
        return span.spanContext().traceId;
      }),
    );
  }
  return { sampled, unsampled };
}

async function run(
  start: (r: OtlpReceiver) => Promise<string>,
  env: Record<string, string> = {},
): Promise<{ points: ReceivedPoint[]; ids: Awaited<ReturnType<typeof traffic>> }> {
  receiver = new OtlpReceiver();
  const endpoint = await start(receiver);
  let ids!: Awaited<ReturnType<typeof traffic>>;
  await withEnv({ ...CLEAN_ENV, OBS_SAMPLER_RATIO: '0', ...env }, async () => {
    obs = init({
      serviceName: 'ex',
      otlp: { endpoint },
      export: { logs: false },
      metricIntervalMillis: 60_000,
      logDestination: lineSink().stream,
    });
    ids = await traffic();
    await obs.shutdown(5000);
    obs = undefined;
  });
  return { points: receiver.points, ids };
}

const latency = (points: ReceivedPoint[]) =>
  points.find((p) => p.metric === 'ampy.oms.order_latency_ms' && p.attributes['broker'] === 'alpaca')!;
const rejections = (points: ReceivedPoint[], broker: string) =>
  points.find((p) => p.metric === 'ampy.oms.rejections' && p.attributes['broker'] === broker)!;

function expectExemplars(points: ReceivedPoint[], ids: Awaited<ReturnType<typeof traffic>>): void {
  const h = latency(points);
  expect(h.count).toBe(5);
  // 650 and 700 share the (500, 1000] bucket: the first is kept (for EXEMPLAR_MIN_RETENTION_MS); 90 has
  // its own bucket; 3 and 15 none.
  const byValue = new Map(h.exemplars.map((e) => [e.value, e]));
  expect([...byValue.keys()].sort((a, b) => a - b)).toEqual([90, 650]);
  expect(byValue.get(650)!.traceId).toBe(ids.sampled[0]);
  expect(byValue.get(90)!.traceId).toBe(ids.sampled[2]);
  for (const e of h.exemplars) {
    expect(e.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(Math.abs(e.timeUnixNano / 1e6 - Date.now())).toBeLessThan(60_000);
  }
  expect(h.exemplars.some((e) => e.traceId === ids.unsampled)).toBe(false);
  // At most one per bucket.
  expect(h.exemplars.length).toBeLessThanOrEqual(h.buckets!.length);
  // A counter keeps one per series: the first sampled increment, still recent.
  expect(rejections(points, 'alpaca').exemplars).toEqual([
    expect.objectContaining({ value: 2, traceId: ids.sampled[0] }),
  ]);
  expect(rejections(points, 'ibkr').exemplars).toEqual([]);
  expect(rejections(points, 'paper').exemplars).toEqual([]);
}

describe('exemplars on the fast path', () => {
  it('histogram buckets and counters keep a value of a sampled span, exported over OTLP/HTTP', async () => {
    const { points, ids } = await run((r) => r.startHttp());
    expectExemplars(points, ids);
  });

  it('are exported over OTLP/gRPC too', async () => {
    const { points, ids } = await run((r) => r.startGrpc());
    expectExemplars(points, ids);
  });

  it('are not kept with OBS_EXEMPLARS=false', async () => {
    const { points } = await run((r) => r.startHttp(), { OBS_EXEMPLARS: 'false' });
    expect(latency(points).count).toBe(5);
    expect(points.flatMap((p) => p.exemplars)).toEqual([]);
  });

  it('reach the telemetry files in OTLP/JSON', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ampyobs-ex-'));
    try {
      let sampled: string[] = [];
      await withEnv({ ...CLEAN_ENV, OBS_SAMPLER_RATIO: '0' }, async () => {
        obs = init({
          serviceName: 'ex',
          otlp: { endpoint: `file://${dir}` },
          export: { logs: false },
          metricIntervalMillis: 60_000,
          logDestination: lineSink().stream,
        });
        ({ sampled } = await traffic());
        await obs.shutdown(5000);
        obs = undefined;
      });
      const file = readdirSync(dir).find((f) => f.startsWith('metrics-'))!;
      const last = JSON.parse(readFileSync(path.join(dir, file), 'utf8').trim().split('\n').at(-1)!) as {
        resourceMetrics: {
          scopeMetrics: {
            metrics: {
              name: string;
              histogram?: {
                dataPoints: { exemplars?: { traceId: string; asDouble: number; timeUnixNano: string }[] }[];
              };
            }[];
          }[];
        }[];
      };
      const h = last.resourceMetrics[0]!.scopeMetrics.flatMap((s) => s.metrics).find(
        (m) => m.name === 'ampy.oms.order_latency_ms',
      )!;
      const ex = h.histogram!.dataPoints.flatMap((p) => p.exemplars ?? []);
      expect(ex.map((e) => [e.asDouble, e.traceId])).toEqual(
        expect.arrayContaining([
          [650, sampled[0]],
          [90, sampled[2]],
        ]),
      );
      expect(ex[0]!.timeUnixNano).toMatch(/^\d{19}$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the OTLP metrics encoder', () => {
  class Reader extends MetricReader {
    protected async onForceFlush(): Promise<void> {}
    protected async onShutdown(): Promise<void> {}
  }

  it('writes the same bytes as the upstream serializer when there are no exemplars, and adds them when there are', async () => {
    const reader = new Reader();
    const mp = new MeterProvider({
      resource: resourceFromAttributes({ 'service.name': 'enc', 'k.int': 7, 'k.bool': true, 'k.list': ['a', 'b'] }),
      readers: [reader],
    });
    const meter = mp.getMeter('scope', '1.2.3');
    meter
      .createHistogram('h', {
        unit: 'ms',
        description: 'a histogram',
        advice: { explicitBucketBoundaries: [1, 10, 100] },
      })
      .record(42, { broker: 'alpaca', n: -3, f: 1.5 });
    meter.createCounter('c').add(3, { reason: 'x' });
    meter.createUpDownCounter('u').add(-2);
    meter.createGauge('g', { valueType: 1 }).record(12);
    const { resourceMetrics } = await reader.collect();
    expect(
      Buffer.from(encodeMetricsRequest(resourceMetrics)).equals(
        Buffer.from(ProtobufMetricsSerializer.serializeRequest(resourceMetrics)!),
      ),
    ).toBe(true);

    const h = resourceMetrics.scopeMetrics[0]!.metrics.find((m) => m.descriptor.name === 'h')!;
    Object.assign(h.dataPoints[0]!, {
      exemplars: [
        {
          value: 42,
          timeMs: 1_800_000_000_123.5,
          traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
          spanId: '00f067aa0ba902b7',
          bucket: 2,
        },
      ],
    });
    const ours = decode('metrics', encodeMetricsRequest(resourceMetrics)) as {
      resource_metrics: {
        scope_metrics: {
          metrics: {
            name: string;
            histogram?: {
              data_points: {
                exemplars?: { trace_id: Buffer; span_id: Buffer; as_double: number; time_unix_nano: number }[];
              }[];
            };
          }[];
        }[];
      }[];
    };
    const point = ours.resource_metrics[0]!.scope_metrics[0]!.metrics.find((m) => m.name === 'h')!.histogram!
      .data_points[0]!;
    expect(point.exemplars).toHaveLength(1);
    expect(point.exemplars![0]!.trace_id.toString('hex')).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(point.exemplars![0]!.span_id.toString('hex')).toBe('00f067aa0ba902b7');
    expect(point.exemplars![0]!.as_double).toBe(42);
    expect(point.exemplars![0]!.time_unix_nano).toBe(1_800_000_000_123_500_000);
    // Upstream's serializer leaves them out.
    const upstream = decode('metrics', ProtobufMetricsSerializer.serializeRequest(resourceMetrics)!) as typeof ours;
    expect(
      upstream.resource_metrics[0]!.scope_metrics[0]!.metrics.find((m) => m.name === 'h')!.histogram!.data_points[0]!
        .exemplars ?? [],
    ).toEqual([]);
    await mp.shutdown();
  });
});

describe('the exemplar store', () => {
  it('keeps an exemplar for EXEMPLAR_MIN_RETENTION_MS, then takes the next sampled value', () => {
    const store = new ExemplarStore(2);
    const sc = (traceId: string) => ({ traceId, spanId: '00f067aa0ba902b7', traceFlags: 1 });
    const now = vi.spyOn(Date, 'now');
    try {
      now.mockReturnValue(1_000_000);
      store.offer(1, 650, sc('a'.repeat(32)));
      now.mockReturnValue(1_000_000 + EXEMPLAR_MIN_RETENTION_MS - 1);
      store.offer(1, 700, sc('b'.repeat(32)));
      expect(store.at(1, 9)).toEqual({
        value: 650,
        timeMs: 1_000_000,
        traceId: 'a'.repeat(32),
        spanId: '00f067aa0ba902b7',
        bucket: 9,
      });
      now.mockReturnValue(1_000_000 + EXEMPLAR_MIN_RETENTION_MS);
      store.offer(1, 700, sc('b'.repeat(32)));
      expect(store.at(1)).toMatchObject({ value: 700, traceId: 'b'.repeat(32) });
      expect(store.at(0)).toBeUndefined();
      store.clear();
      expect(store.at(1)).toBeUndefined();
    } finally {
      now.mockRestore();
    }
  });
});
